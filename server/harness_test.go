package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/loa"
	"github.com/portdocs/portdocs/port"
	"github.com/portdocs/portdocs/portdb"
	"github.com/portdocs/portdocs/storage"
)

// Test keys, one per role.
const (
	wizardKey   = "wizard-key-0123456789abcdef"
	reviewerKey = "reviewer-key-0123456789abcdef"
	adminKey    = "admin-key-0123456789abcdef"
)

// validRequest is CONTRACT §3's example with fiction numbers.
const validRequest = `{
  "carrier_name": "AT&T",
  "customer": {"first_name": "Jane", "last_name": "Doe", "business_name": "Acme Plumbing & Heating LLC",
               "account_number": "287654321098", "account_pin": "7531"},
  "billing_address": {"street": "1234 North Main Street", "street2": "Suite 200", "city": "Baltimore", "state": "MD", "zip": "21201"},
  "numbers": [{"number": "+14105550142", "receiving_number": "+14105550199", "tracking_source": "Google Ads"}],
  "signer": {"full_name": "Jane Q Doe", "email": "jane@example.com"},
  "agreements": {"authorize_port": true, "terms": true},
  "submitter_email": "ops@example.com"
}`

// fakeExtractor is a function-field fake.
type fakeExtractor struct {
	fn func(ctx context.Context, data []byte) (*extract.Extraction, error)
}

func (f fakeExtractor) Extract(ctx context.Context, data []byte) (*extract.Extraction, error) {
	return f.fn(ctx, data)
}

// billExtraction is what the fake extractor reads from any bill: the account number
// is the bill's bytes after "ACCT:" so a test chooses it by the bill it uploads.
func billExtraction(_ context.Context, data []byte) (*extract.Extraction, error) {
	acct := ""
	if _, after, ok := bytes.Cut(data, []byte("ACCT:")); ok {
		acct = strings.Fields(string(after))[0]
	}
	return &extract.Extraction{Pages: 1, Method: extract.MethodText, Fields: extract.Fields{
		AccountNumber: &extract.Field[string]{Value: acct, Confidence: 0.95, Page: 1, Source: extract.SourceText},
	}}, nil
}

// fakeCheck flags an account-number mismatch and echoes the PIN (which the server
// must mask before anything leaves it).
func fakeCheck(_ context.Context, req port.Request, ex *extract.Extraction, _ []byte, _ []extract.BillSummary, _ time.Time) (json.RawMessage, error) {
	onBill := ""
	if ex.Fields.AccountNumber != nil {
		onBill = ex.Fields.AccountNumber.Value
	}
	c := map[string]any{"verdict": "pass", "flags": []any{}, "fields": map[string]any{
		"account_pin":    map[string]any{"status": "not_on_bill", "submitted": req.Customer.AccountPIN},
		"account_number": map[string]any{"status": "match", "submitted": req.Customer.AccountNumber, "on_bill": onBill},
	}}
	if onBill != req.Customer.AccountNumber {
		c["verdict"] = "flagged"
		c["flags"] = []any{map[string]any{"code": "ACCOUNT_NUMBER_MISMATCH", "field": "account_number", "message": "differs"}}
	}
	return json.Marshal(c)
}

type fakeSealer struct{}

func (fakeSealer) Seal(pdf []byte, _ loa.SealInfo) ([]byte, error) { return pdf, nil }

// fakeMailer records messages.
type fakeMailer struct {
	sent chan mailMsg
}

type mailMsg struct{ To, Subject, Body string }

func (m *fakeMailer) Send(_ context.Context, to, subject, body string) error {
	m.sent <- mailMsg{to, subject, body}
	return nil
}

// failingStore wraps a store and fails chosen operations.
type failingStore struct {
	Store
	failPut func(key string) error
}

func (f failingStore) Put(ctx context.Context, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if f.failPut != nil {
		if err := f.failPut(key); err != nil {
			return storage.ObjectInfo{}, err
		}
	}
	return f.Store.Put(ctx, key, r, size, opts)
}

// fakeClock is the server's clock in tests: real time plus an offset tests move.
type fakeClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

type testEnv struct {
	t      testing.TB
	clock  *fakeClock
	srv    *Server
	store  Store
	mailer *fakeMailer
}

func newTestEnv(t testing.TB, mutate func(*Config)) *testEnv {
	t.Helper()
	local, err := storage.NewLocal(t.TempDir(), storage.LocalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	box, err := NewSecretBox(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	mailer := &fakeMailer{sent: make(chan mailMsg, 100)}
	clock := &fakeClock{}
	cfg := Config{
		Now:   clock.Now,
		Store: local, DB: testDB(t, portdb.SQLite), Extractor: fakeExtractor{fn: billExtraction}, Check: fakeCheck, Sealer: fakeSealer{},
		Secrets: box, Mailer: mailer, BaseURL: "http://portdocs.test",
		APIKeys: []APIKey{{Role: RoleWizard, Key: wizardKey}, {Role: RoleReviewer, Key: reviewerKey}, {Role: RoleAdmin, Key: adminKey}},
	}
	if mutate != nil {
		mutate(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{t: t, clock: clock, srv: s, store: cfg.Store, mailer: mailer}
}

// do sends one request and returns the recorder.
func (e *testEnv) do(method, target, key, contentType string, body io.Reader) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(method, target, body)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return rec
}

func (e *testEnv) createPort(body string) string {
	e.t.Helper()
	rec := e.do(http.MethodPost, "/v1/ports", wizardKey, "application/json", strings.NewReader(body))
	if rec.Code != http.StatusCreated {
		e.t.Fatalf("create port: %d %s", rec.Code, rec.Body)
	}
	var out struct{ ID string }
	mustJSON(e.t, rec.Body.Bytes(), &out)
	return out.ID
}

// sendLOA posts the LOA and returns the token from the signing URL.
func (e *testEnv) sendLOA(id string) string {
	e.t.Helper()
	rec := e.do(http.MethodPost, "/v1/ports/"+id+"/loa", wizardKey, "", nil)
	if rec.Code != http.StatusCreated {
		e.t.Fatalf("send LOA: %d %s", rec.Code, rec.Body)
	}
	var out struct {
		SigningURL string `json:"signing_url"`
	}
	mustJSON(e.t, rec.Body.Bytes(), &out)
	return out.SigningURL[strings.LastIndex(out.SigningURL, "/")+1:]
}

func (e *testEnv) sign(token, name string) *httptest.ResponseRecorder {
	e.t.Helper()
	form := url.Values{"full_name": {name}, "consent": {"yes"}}
	return e.do(http.MethodPost, "/sign/"+token, "", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// signedPort makes a port whose LOA is signed.
func (e *testEnv) signedPort() string {
	e.t.Helper()
	id := e.createPort(validRequest)
	token := e.sendLOA(id)
	if rec := e.sign(token, "Jane Q Doe"); rec.Code != http.StatusOK {
		e.t.Fatalf("sign: %d %s", rec.Code, rec.Body)
	}
	return id
}

// multipartFile builds a multipart body with field "file".
func multipartFile(t testing.TB, name string, data []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return mw.FormDataContentType(), &buf
}

// fakeBill is a minimal PDF-looking file carrying an account number for the fake extractor.
func fakeBill(acct string) []byte {
	return []byte(fmt.Sprintf("%%PDF-1.4\n%% ACCT:%s \n%%%%EOF\n", acct))
}

func (e *testEnv) uploadBill(id string, data []byte) *httptest.ResponseRecorder {
	e.t.Helper()
	ct, body := multipartFile(e.t, "bill.pdf", data)
	return e.do(http.MethodPost, "/v1/ports/"+id+"/bill", wizardKey, ct, body)
}

func mustJSON(t testing.TB, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
}

func newJSONLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, nil))
}
