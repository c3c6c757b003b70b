package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/port"
	"github.com/portdocs/portdocs/storage"
)

// scenario is one HTTP case: set up, send, expect (pocketbase tests/api.go style).
type scenario struct {
	name   string
	config func(*Config)
	// setup prepares the state and returns values substituted into url ({id}, {token}).
	setup       func(e *testEnv) map[string]string
	method      string
	url         string
	key         string
	contentType string
	body        func(t *testing.T) (contentType string, body io.Reader)
	rawBody     string

	wantStatus      int
	wantContains    []string
	wantNotContains []string
	wantHeaders     map[string]string
	// after checks state left behind.
	after func(t *testing.T, e *testEnv, vars map[string]string, rec *httptest.ResponseRecorder)
}

func (sc scenario) run(t *testing.T) {
	t.Run(sc.name, func(t *testing.T) {
		e := newTestEnv(t, sc.config)
		vars := map[string]string{}
		if sc.setup != nil {
			vars = sc.setup(e)
		}
		target := sc.url
		for k, v := range vars {
			target = strings.ReplaceAll(target, "{"+k+"}", v)
		}
		ct := sc.contentType
		var body io.Reader
		if sc.rawBody != "" {
			raw := sc.rawBody
			for k, v := range vars {
				raw = strings.ReplaceAll(raw, "{"+k+"}", v)
			}
			body = strings.NewReader(raw)
		}
		if sc.body != nil {
			ct, body = sc.body(t)
		}
		rec := e.do(sc.method, target, sc.key, ct, body)
		if rec.Code != sc.wantStatus {
			t.Fatalf("%s %s: status %d, want %d; body: %s", sc.method, target, rec.Code, sc.wantStatus, rec.Body)
		}
		got := rec.Body.String()
		for _, w := range sc.wantContains {
			if !strings.Contains(got, w) {
				t.Errorf("body lacks %q: %s", w, got)
			}
		}
		for _, w := range sc.wantNotContains {
			if strings.Contains(got, w) {
				t.Errorf("body contains %q: %s", w, got)
			}
		}
		for h, w := range sc.wantHeaders {
			if g := rec.Header().Get(h); g != w {
				t.Errorf("header %s = %q, want %q", h, g, w)
			}
		}
		if rec.Header().Get("X-Request-Id") == "" {
			t.Errorf("no X-Request-Id header")
		}
		if sc.after != nil {
			sc.after(t, e, vars, rec)
		}
	})
}

func withPort(e *testEnv) map[string]string {
	return map[string]string{"id": e.createPort(validRequest)}
}

func withSignedPort(e *testEnv) map[string]string { return map[string]string{"id": e.signedPort()} }

func withReviewPort(e *testEnv) map[string]string {
	id := e.signedPort()
	if rec := e.uploadBill(id, fakeBill("999999999999")); rec.Code != http.StatusCreated {
		e.t.Fatalf("bill: %d %s", rec.Code, rec.Body)
	}
	return map[string]string{"id": id, "check": getPort(e.t, e, id).LatestCheck}
}

func billBody(data []byte) func(t *testing.T) (string, io.Reader) {
	return func(t *testing.T) (string, io.Reader) {
		ct, b := multipartFile(t, "bill.pdf", data)
		return ct, b
	}
}

func getPort(t testing.TB, e *testEnv, id string) portView {
	t.Helper()
	rec := e.do(http.MethodGet, "/v1/ports/"+id, adminKey, "", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("get port: %d %s", rec.Code, rec.Body)
	}
	var v portView
	mustJSON(t, rec.Body.Bytes(), &v)
	return v
}

func TestAPI(t *testing.T) {
	for _, sc := range []scenario{
		{name: "healthz is open", method: "GET", url: "/healthz", wantStatus: 200, wantContains: []string{`"ok"`}},
		{name: "readyz checks storage", method: "GET", url: "/readyz", wantStatus: 200, wantContains: []string{`"storage":"ok"`}},
		{name: "readyz reports a failing dependency", method: "GET", url: "/readyz",
			config: func(c *Config) {
				c.Ready = map[string]Pinger{"ocr": func(context.Context) error { return extract.ErrOCRUnavailable }}
			},
			wantStatus: 503, wantContains: []string{`"ocr":"unavailable"`}},
		{name: "no key is 401", method: "GET", url: "/v1/reviews", wantStatus: 401,
			wantContains: []string{`"code":"unauthorized"`, "Bearer"}},
		{name: "unknown key is 401", method: "GET", url: "/v1/reviews", key: "not-a-key-0123456789", wantStatus: 401},
		{name: "reviewer may not create ports", method: "POST", url: "/v1/ports", key: reviewerKey,
			contentType: "application/json", rawBody: validRequest, wantStatus: 403},
		{name: "wizard may not list reviews", method: "GET", url: "/v1/reviews", key: wizardKey, wantStatus: 403},
		{name: "create a valid port", method: "POST", url: "/v1/ports", key: wizardKey, contentType: "application/json",
			rawBody: validRequest, wantStatus: 201, wantContains: []string{`"status":"draft"`, `"problems":[]`, `"id":"`}},
		{name: "create with errors is 422 with problems", method: "POST", url: "/v1/ports", key: wizardKey,
			contentType: "application/json", rawBody: strings.Replace(validRequest, `"receiving_number": "+14105550199"`, `"receiving_number": ""`, 1),
			wantStatus: 422, wantContains: []string{`"problems":[`, `numbers[0].receiving_number`, `"code":"invalid_request"`}},
		{name: "malformed JSON is 400", method: "POST", url: "/v1/ports", key: wizardKey, contentType: "application/json",
			rawBody: `{"carrier_name": `, wantStatus: 400, wantContains: []string{`"code":"bad_request"`}},
		{name: "wrong JSON type names the field", method: "POST", url: "/v1/ports", key: wizardKey, contentType: "application/json",
			rawBody: `{"numbers": "x"}`, wantStatus: 400, wantContains: []string{`"field":"numbers"`}},
		{name: "get masks the PIN", setup: withPort, method: "GET", url: "/v1/ports/{id}", key: wizardKey, wantStatus: 200,
			wantContains: []string{`"status":"draft"`, `"account_pin":"` + port.PINMask + `"`}, wantNotContains: []string{"7531"}},
		{name: "unknown port is 404", method: "GET", url: "/v1/ports/aaaaaaaaaaaaaaaaaaaa", key: wizardKey, wantStatus: 404},
		{name: "malformed port id is 404", method: "GET", url: "/v1/ports/..%2f..%2fetc", key: wizardKey, wantStatus: 404},
		{name: "LOA returns the signing link", setup: withPort, method: "POST", url: "/v1/ports/{id}/loa", key: wizardKey,
			wantStatus: 201, wantContains: []string{`"signing_url":"http://portdocs.test/sign/`, `"expires_at"`},
			after: func(t *testing.T, e *testEnv, vars map[string]string, rec *httptest.ResponseRecorder) {
				if st := getPort(t, e, vars["id"]).Status; st != StatusAwaitingSignature {
					t.Errorf("status %s, want awaiting_signature", st)
				}
				m := <-e.mailer.sent
				if m.To != "jane@example.com" || !strings.Contains(m.Body, "http://portdocs.test/sign/") {
					t.Errorf("signing mail = %+v", m)
				}
			}},
		{name: "bill before the LOA is signed is 409", setup: withPort, method: "POST", url: "/v1/ports/{id}/bill",
			key: wizardKey, body: billBody(fakeBill("287654321098")), wantStatus: 409,
			wantContains: []string{"not signed yet", `"code":"wrong_status"`}},
		{name: "bill of an unsupported type is 415", setup: withSignedPort, method: "POST", url: "/v1/ports/{id}/bill",
			key: wizardKey, body: billBody([]byte("MZ\x90\x00 not a bill")), wantStatus: 415,
			wantContains: []string{`"field":"file"`}},
		{name: "empty bill is 400", setup: withSignedPort, method: "POST", url: "/v1/ports/{id}/bill",
			key: wizardKey, body: billBody(nil), wantStatus: 400},
		{name: "bill over the body limit is 413", config: func(c *Config) { c.MaxUpload = 64 << 10 },
			setup: withSignedPort, method: "POST", url: "/v1/ports/{id}/bill", key: wizardKey,
			body: billBody(append(fakeBill("1"), bytes.Repeat([]byte("x"), 128<<10)...)), wantStatus: 413,
			wantContains: []string{`"code":"too_large"`}},
		{name: "chunked bill over the body limit is 413", config: func(c *Config) { c.MaxUpload = 64 << 10 },
			setup: withSignedPort, method: "POST", url: "/v1/ports/{id}/bill", key: wizardKey,
			body: func(t *testing.T) (string, io.Reader) {
				ct, b := multipartFile(t, "bill.pdf", append(fakeBill("1"), bytes.Repeat([]byte("x"), 128<<10)...))
				return ct, io.MultiReader(b) // no Content-Length: the limit must hold while reading
			}, wantStatus: 413, wantContains: []string{`"code":"too_large"`}},
		{name: "OCR queue full is 429 with Retry-After", setup: withSignedPort,
			config: func(c *Config) {
				c.Extractor = fakeExtractor{fn: func(context.Context, []byte) (*extract.Extraction, error) {
					return nil, fmt.Errorf("page 1: %w", extract.ErrOCRBusy)
				}}
			},
			method: "POST", url: "/v1/ports/{id}/bill", key: wizardKey, body: billBody(fakeBill("1")),
			wantStatus: 429, wantHeaders: map[string]string{"Retry-After": "5"}},
		{name: "storage down is 503 and nothing is half-stored", setup: withSignedPort,
			config: func(c *Config) {
				c.Store = failingStore{Store: c.Store, failPut: func(key string) error {
					if strings.Contains(key, "/docs/check-") {
						return fmt.Errorf("put: %w", storage.ErrUnavailable)
					}
					return nil
				}}
			},
			method: "POST", url: "/v1/ports/{id}/bill", key: wizardKey, body: billBody(fakeBill("287654321098")),
			wantStatus: 503, wantContains: []string{`"code":"storage_unavailable"`},
			after: func(t *testing.T, e *testEnv, vars map[string]string, _ *httptest.ResponseRecorder) {
				v := getPort(t, e, vars["id"])
				if v.Status != StatusSigned {
					t.Errorf("status %s after failed upload, want signed", v.Status)
				}
				for _, d := range v.Documents {
					if d.Kind == KindBill || d.Kind == KindCheck {
						t.Errorf("record names %s after a failed upload", d.Name)
					}
				}
			}},
		{name: "flagged bill goes to review; PIN masked in the check", setup: withSignedPort, method: "POST",
			url: "/v1/ports/{id}/bill", key: wizardKey, body: billBody(fakeBill("287654321089")), wantStatus: 201,
			wantContains:    []string{`"status":"in_review"`, `"verdict":"flagged"`, "ACCOUNT_NUMBER_MISMATCH"},
			wantNotContains: []string{"7531"},
			after: func(t *testing.T, e *testEnv, vars map[string]string, _ *httptest.ResponseRecorder) {
				rec := e.do("GET", "/v1/ports/"+vars["id"]+"/notes", wizardKey, "", nil)
				if !strings.Contains(rec.Body.String(), "Phone bill uploaded as proof of ownership") {
					t.Errorf("timeline lacks the bill-upload note: %s", rec.Body)
				}
			}},
		{name: "passing bill approves", setup: withSignedPort, method: "POST", url: "/v1/ports/{id}/bill", key: wizardKey,
			body: billBody(fakeBill("287654321098")), wantStatus: 201, wantContains: []string{`"status":"approved"`, `"verdict":"pass"`}},
		{name: "latest check", setup: withReviewPort, method: "GET", url: "/v1/ports/{id}/check", key: wizardKey,
			wantStatus: 200, wantContains: []string{`"verdict":"flagged"`}},
		{name: "no check before a bill is 404", setup: withPort, method: "GET", url: "/v1/ports/{id}/check", key: wizardKey, wantStatus: 404},
		{name: "review a draft is 409", setup: withPort, method: "POST", url: "/v1/ports/{id}/review", key: reviewerKey,
			contentType: "application/json", rawBody: `{"decision":"approve","note":"ok"}`, wantStatus: 409},
		{name: "review needs a note", setup: withReviewPort, method: "POST", url: "/v1/ports/{id}/review", key: reviewerKey,
			contentType: "application/json", rawBody: `{"decision":"approve","check":"{check}"}`, wantStatus: 422, wantContains: []string{`"field":"note"`}},
		{name: "reviewer approves", setup: withReviewPort, method: "POST", url: "/v1/ports/{id}/review", key: reviewerKey,
			contentType: "application/json", rawBody: `{"decision":"approve","note":"account number confirmed by phone","check":"{check}"}`,
			wantStatus: 200, wantContains: []string{`"status":"approved"`},
			after: func(t *testing.T, e *testEnv, vars map[string]string, _ *httptest.ResponseRecorder) {
				rec := e.do("GET", "/v1/ports/"+vars["id"]+"/notes", reviewerKey, "", nil)
				for _, w := range []string{"confirmed by phone", `"to":"approved"`, `"actor":"reviewer/`} {
					if !strings.Contains(rec.Body.String(), w) {
						t.Errorf("timeline lacks %q", w)
					}
				}
			}},
		{name: "reviews filter by flag", setup: withReviewPort, method: "GET", url: "/v1/reviews?flag=account_number_mismatch",
			key: reviewerKey, wantStatus: 200, wantContains: []string{`"id":"`, "ACCOUNT_NUMBER_MISMATCH"}},
		{name: "reviews filter excludes other flags", setup: withReviewPort, method: "GET", url: "/v1/reviews?flag=TN_NOT_ON_BILL",
			key: reviewerKey, wantStatus: 200, wantContains: []string{`"reviews":[]`}},
		{name: "reviews filter by age", setup: withReviewPort, method: "GET", url: "/v1/reviews?older_than=48h",
			key: reviewerKey, wantStatus: 200, wantContains: []string{`"reviews":[]`}},
		{name: "reviews reject a bad age", method: "GET", url: "/v1/reviews?older_than=yesterday", key: reviewerKey,
			wantStatus: 400, wantContains: []string{`"field":"older_than"`}},
		{name: "wizard may not write internal notes", setup: withPort, method: "POST", url: "/v1/ports/{id}/notes", key: wizardKey,
			contentType: "application/json", rawBody: `{"message":"x","visibility":"internal"}`, wantStatus: 403},
		{name: "internal notes are hidden from the wizard", setup: withPort, method: "POST", url: "/v1/ports/{id}/notes",
			key: reviewerKey, contentType: "application/json", rawBody: `{"message":"customer seems confused","visibility":"internal"}`,
			wantStatus: 201, wantContains: []string{`"visibility":"internal"`},
			after: func(t *testing.T, e *testEnv, vars map[string]string, _ *httptest.ResponseRecorder) {
				if rec := e.do("GET", "/v1/ports/"+vars["id"]+"/notes", wizardKey, "", nil); strings.Contains(rec.Body.String(), "confused") {
					t.Errorf("wizard sees an internal note: %s", rec.Body)
				}
				if rec := e.do("GET", "/v1/ports/"+vars["id"]+"/notes", reviewerKey, "", nil); !strings.Contains(rec.Body.String(), "confused") {
					t.Errorf("reviewer does not see the internal note: %s", rec.Body)
				}
			}},
		{name: "cancel, then LOA is 409", setup: func(e *testEnv) map[string]string {
			v := withPort(e)
			if rec := e.do("POST", "/v1/ports/"+v["id"]+"/cancel", wizardKey, "", nil); rec.Code != 200 {
				e.t.Fatalf("cancel: %d %s", rec.Code, rec.Body)
			}
			return v
		}, method: "POST", url: "/v1/ports/{id}/loa", key: wizardKey, wantStatus: 409, wantContains: []string{"cancelled"}},
		{name: "signing page with an unknown token is 404 HTML", method: "GET", url: "/sign/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
			wantStatus: 404, wantContains: []string{"<!doctype html>", "not valid"},
			wantHeaders: map[string]string{"X-Frame-Options": "SAMEORIGIN", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}},
		{name: "signing page shows the LOA", setup: func(e *testEnv) map[string]string {
			return map[string]string{"token": e.sendLOA(e.createPort(validRequest))}
		}, method: "GET", url: "/sign/{token}", wantStatus: 200,
			wantContains: []string{`name="consent"`, `name="full_name"`, "/loa.pdf", "AT&amp;T"},
			wantHeaders:  map[string]string{"X-Frame-Options": "SAMEORIGIN", "Referrer-Policy": "no-referrer"}},
		{name: "signing with another name is 422 and the form again", setup: func(e *testEnv) map[string]string {
			return map[string]string{"token": e.sendLOA(e.createPort(validRequest))}
		}, method: "POST", url: "/sign/{token}", contentType: "application/x-www-form-urlencoded",
			rawBody: "full_name=John+Smith&consent=yes", wantStatus: 422, wantContains: []string{"type your name", `name="full_name"`}},
		{name: "signing without consent is 422", setup: func(e *testEnv) map[string]string {
			return map[string]string{"token": e.sendLOA(e.createPort(validRequest))}
		}, method: "POST", url: "/sign/{token}", contentType: "application/x-www-form-urlencoded",
			rawBody: "full_name=Jane+Q+Doe", wantStatus: 422, wantContains: []string{"tick the box"}},
		{name: "signing moves to signed and mails both", setup: func(e *testEnv) map[string]string {
			id := e.createPort(validRequest)
			tok := e.sendLOA(id)
			<-e.mailer.sent // the signing link
			return map[string]string{"token": tok, "id": id}
		}, method: "POST", url: "/sign/{token}", contentType: "application/x-www-form-urlencoded",
			rawBody: "full_name=jane+q+doe&consent=yes", wantStatus: 200, wantContains: []string{"signed"},
			after: func(t *testing.T, e *testEnv, vars map[string]string, _ *httptest.ResponseRecorder) {
				v := getPort(t, e, vars["id"])
				if v.Status != StatusSigned {
					t.Errorf("status %s, want signed", v.Status)
				}
				got := map[string]string{}
				for range 2 {
					m := <-e.mailer.sent
					got[m.To] = m.Body
				}
				if !strings.Contains(got["ops@example.com"], "has been signed") {
					t.Errorf("submitter mail: %q", got["ops@example.com"])
				}
				if !strings.Contains(got["jane@example.com"], "/sign/"+vars["token"]+"/bill") {
					t.Errorf("signer mail lacks the bill link: %q", got["jane@example.com"])
				}
			}},
		{name: "a second signature is 410", setup: func(e *testEnv) map[string]string {
			tok := e.sendLOA(e.createPort(validRequest))
			if rec := e.sign(tok, "Jane Q Doe"); rec.Code != 200 {
				e.t.Fatalf("first sign: %d", rec.Code)
			}
			return map[string]string{"token": tok}
		}, method: "POST", url: "/sign/{token}", contentType: "application/x-www-form-urlencoded",
			rawBody: "full_name=Jane+Q+Doe&consent=yes", wantStatus: 410},
		{name: "an expired link is 410", setup: func(e *testEnv) map[string]string {
			tok := e.sendLOA(e.createPort(validRequest))
			e.clock.advance(15 * 24 * time.Hour)
			return map[string]string{"token": tok}
		}, method: "GET", url: "/sign/{token}", wantStatus: 410, wantContains: []string{"expired"}},
		{name: "a replaced link is 410", setup: func(e *testEnv) map[string]string {
			id := e.createPort(validRequest)
			old := e.sendLOA(id)
			e.sendLOA(id)
			return map[string]string{"token": old}
		}, method: "GET", url: "/sign/{token}", wantStatus: 410},
		{name: "extract returns the Extraction and stores nothing", method: "POST", url: "/v1/extract", key: wizardKey,
			body: billBody(fakeBill("287654321098")), wantStatus: 200,
			wantContains: []string{`"account_number":{"value":"287654321098"`, `"phone_numbers":[]`},
			after: func(t *testing.T, e *testEnv, _ map[string]string, _ *httptest.ResponseRecorder) {
				if infos, err := e.store.List(context.Background(), ""); err != nil || len(infos) != 0 {
					t.Errorf("store holds %d objects after extract (err %v)", len(infos), err)
				}
			}},
		{name: "extract of an unsupported type is 415", method: "POST", url: "/v1/extract", key: wizardKey,
			body: billBody([]byte("GIF89a......")), wantStatus: 415},
		{name: "extract without a file is 400", method: "POST", url: "/v1/extract", key: wizardKey,
			contentType: "application/json", rawBody: "{}", wantStatus: 400, wantContains: []string{`"field":"file"`}},
		{name: "extract of an encrypted PDF is 422", method: "POST", url: "/v1/extract", key: wizardKey,
			config: func(c *Config) {
				c.Extractor = fakeExtractor{fn: func(context.Context, []byte) (*extract.Extraction, error) {
					return nil, fmt.Errorf("bill.pdf: %w", extract.ErrEncrypted)
				}}
			}, body: billBody(fakeBill("1")), wantStatus: 422, wantContains: []string{"password-protected"}},
		{name: "numbers: typed list", method: "POST", url: "/v1/numbers", key: wizardKey, contentType: "text/plain",
			rawBody:    "+14105550142, +14105550199\nnot a number\n",
			wantStatus: 200, wantContains: []string{`"number":"+14105550142"`, `"line":2`}},
		{name: "numbers: CSV with the suggested mapping", method: "POST", url: "/v1/numbers", key: wizardKey, contentType: "text/csv",
			rawBody:    "Tracking Number to Port,Receiving Number,Tracking Source\n+14105550143,+14105550199,Google Ads\n",
			wantStatus: 200, wantContains: []string{`"number":"+14105550143"`, `"suggested_mapping"`, `"tracking_number"`}},
		{name: "numbers: CSV with a given mapping", method: "POST",
			url: "/v1/numbers?mapping=receiving_number,tracking_number", key: wizardKey, contentType: "text/csv",
			rawBody:    "a,b\n+14105550199,+14105550143\n",
			wantStatus: 200, wantContains: []string{`"number":"+14105550143","receiving_number":"+14105550199"`}},
		{name: "numbers: a bad mapping is 400", method: "POST", url: "/v1/numbers?mapping=colour", key: wizardKey, contentType: "text/csv",
			rawBody: "a\n1\n", wantStatus: 400, wantContains: []string{`"field":"mapping"`}},
		{name: "numbers: other types are 415", method: "POST", url: "/v1/numbers", key: wizardKey, contentType: "application/pdf",
			rawBody: "%PDF-", wantStatus: 415},
		{name: "numbers: a CSV with a megabyte line is 422 and not echoed", method: "POST", url: "/v1/numbers", key: wizardKey,
			contentType: "text/csv", rawBody: "number,receiving_number\n+14105550143," + strings.Repeat("9", 1<<20) + "\n",
			wantStatus: 422, wantContains: []string{`"code":"invalid_csv"`, "line 2 is longer than"}, wantNotContains: []string{"99999999"}},
		{name: "numbers: a list over 5 MB is 413", method: "POST", url: "/v1/numbers", key: wizardKey,
			contentType: "text/plain", rawBody: strings.Repeat("+14105550142\n", (5<<20)/13+1),
			wantStatus: 413},
		{name: "documents download with their SHA-256", setup: func(e *testEnv) map[string]string {
			v := withReviewPort(e)
			for _, d := range getPort(e.t, e, v["id"]).Documents {
				if d.Kind == KindBill {
					v["doc"] = d.Name
				}
			}
			return v
		}, method: "GET", url: "/v1/ports/{id}/documents/{doc}",
			key: reviewerKey, wantStatus: 200, wantContains: []string{"%PDF-"},
			after: func(t *testing.T, e *testEnv, vars map[string]string, rec *httptest.ResponseRecorder) {
				if got := sha256Hex(rec.Body.Bytes()); got != rec.Header().Get("X-Content-SHA256") {
					t.Errorf("sha256 %s, header %s", got, rec.Header().Get("X-Content-SHA256"))
				}
			}},
		{name: "unknown document is 404", setup: withPort, method: "GET", url: "/v1/ports/{id}/documents/..%2fport.json",
			key: reviewerKey, wantStatus: 404},
		{name: "metrics with an admin key", method: "GET", url: "/metrics", key: adminKey, wantStatus: 200, wantContains: []string{"portdocs_ocr_pages_total", "portdocs_extractions_in_flight", "go_goroutines"}},
		{name: "openapi is served", method: "GET", url: "/openapi.yaml", wantStatus: 200, wantContains: []string{"openapi: 3"}},
		{name: "unknown route is a JSON 404", method: "GET", url: "/v1/nothing", key: wizardKey, wantStatus: 404,
			wantContains: []string{`"error":{`}},
		{name: "CORS is closed by default", method: "OPTIONS", url: "/v1/ports", wantStatus: 401,
			wantHeaders: map[string]string{"Access-Control-Allow-Origin": ""}},
	} {
		sc.run(t)
	}
}

// TestConcurrentNotes: notes written at once are all kept (conditional puts).
func TestConcurrentNotes(t *testing.T) {
	e := newTestEnv(t, nil)
	id := e.createPort(validRequest)
	const n = 8
	done := make(chan int, n)
	for i := range n {
		go func() {
			body := fmt.Sprintf(`{"message":"note %d"}`, i)
			req := httptest.NewRequest("POST", "/v1/ports/"+id+"/notes", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+wizardKey)
			rec := httptest.NewRecorder()
			e.srv.Handler().ServeHTTP(rec, req)
			done <- rec.Code
		}()
	}
	for range n {
		if code := <-done; code != http.StatusCreated {
			t.Errorf("note: status %d", code)
		}
	}
	rec := e.do("GET", "/v1/ports/"+id+"/notes", wizardKey, "", nil)
	var out struct{ Notes []Event }
	mustJSON(t, rec.Body.Bytes(), &out)
	seen := map[string]bool{}
	for _, ev := range out.Notes {
		seen[ev.Message] = true
	}
	for i := range n {
		if !seen[fmt.Sprintf("note %d", i)] {
			t.Errorf("note %d lost; timeline: %v", i, out.Notes)
		}
	}
}

// TestLogsKeepSecrets runs a whole flow and checks the log never holds the PIN, the
// full account number or the bill's text.
func TestLogsKeepSecrets(t *testing.T) {
	var logs bytes.Buffer
	e := newTestEnv(t, func(c *Config) { c.Logger = newJSONLogger(&logs) })
	id := e.signedPort()
	e.uploadBill(id, fakeBill("287654321089"))
	e.do("GET", "/v1/ports/"+id, wizardKey, "", nil)
	out := logs.String()
	if !strings.Contains(out, `"request_id"`) || !strings.Contains(out, `"route":"/v1/ports/:id/bill"`) {
		t.Fatalf("logs lack request lines: %s", out)
	}
	for _, secret := range []string{"7531", "287654321098", "287654321089", "ACCT:"} {
		// A number as a token of its own: timestamps, IDs and durations may hold the
		// same digits inside them ("time":"…T10:24:07.127531Z").
		leaked := strings.Contains(out, secret)
		if !strings.ContainsFunc(secret, func(r rune) bool { return r < '0' || r > '9' }) {
			leaked = regexp.MustCompile(`(^|[^0-9A-Za-z])` + secret + `([^0-9A-Za-z]|$)`).MatchString(out)
		}
		if leaked {
			t.Errorf("log contains %q", secret)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON: %s", line)
		}
	}
}
