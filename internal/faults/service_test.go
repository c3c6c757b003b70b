package faults

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/childserve"
	"github.com/portdocs/portdocs/internal/formfile"
	"github.com/portdocs/portdocs/internal/procstat"
)

// Keys the child service accepts (PORTDOCS_API_KEYS).
const (
	wizardKey   = "faults-wizard-key-0123456789"
	reviewerKey = "faults-reviewer-key-0123456789"
)

// repoRoot is the module root, two levels up from this package.
var repoRoot = func() string {
	wd, _ := os.Getwd()
	return filepath.Join(wd, "..", "..")
}()

// binary builds cmd/portdocs once per test process, without -race: the suites test the
// service as shipped, and a race-instrumented server would be several times slower.
var binary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "portdocs-faults-bin-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "portdocs")
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	cmd := exec.Command(gobin, "build", "-o", out, "./cmd/portdocs")
	cmd.Dir = repoRoot
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/portdocs: %v\n%s", err, msg)
	}
	return out, nil
})

// service is one run of `portdocs serve` as a child process; URL is http://127.0.0.1:PORT.
type service struct {
	*childserve.Process
	log *childserve.LogBuffer // its stdout and stderr (the JSON log)
}

// startService runs `portdocs serve` on a kernel-chosen loopback port with env added to
// a clean environment (no PORTDOCS_ or MINIO_ settings leak in from the caller), and
// waits until it logs its address and answers /healthz. t.Cleanup stops it.
func startService(t testing.TB, env map[string]string) *service {
	t.Helper()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]string{
		"PORTDOCS_ADDR":     "127.0.0.1:0",
		"PORTDOCS_API_KEYS": "wizard:" + wizardKey + ",reviewer:" + reviewerKey,
		"OMP_THREAD_LIMIT":  "1",
	}
	for k, v := range env {
		base[k] = v
	}
	if base["PORTDOCS_DATA_DIR"] == "" {
		base["PORTDOCS_DATA_DIR"] = t.TempDir()
	}
	log := &childserve.LogBuffer{}
	// The child dies with the test binary too (a timeout skips t.Cleanup): childserve
	// starts it with a parent-death signal.
	p, err := childserve.Start(context.Background(), bin, base, log)
	if err != nil {
		t.Fatalf("%v:\n%s", err, log)
	}
	s := &service{Process: p, log: log}
	t.Cleanup(s.stop)
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/healthz did not answer 200 within 30s: %v", s.URL, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the service gracefully (SIGTERM, SIGKILL after 15 s).
func (s *service) stop() { s.Stop(15 * time.Second) }

// kill ends the service at once, as a crash or an OOM kill would.
func (s *service) kill() { s.Kill() }

// running reports whether the process is still up.
func (s *service) running() bool {
	select {
	case <-s.Done():
		return false
	default:
		return true
	}
}

// peakRSS is the process's high-water resident set (VmHWM) in bytes.
func (s *service) peakRSS() (int64, error) {
	return procstat.Bytes(s.Pid, "VmHWM")
}

// checkNoPanic fails the test when the service's output shows a panic or a fatal
// runtime error (a stack overflow cannot be recovered and kills the process).
func (s *service) checkNoPanic(t testing.TB) {
	t.Helper()
	out := strings.ToLower(s.log.String())
	for _, bad := range []string{"panic", "fatal error:", "goroutine "} {
		if i := strings.Index(out, bad); i >= 0 {
			from := max(0, i-300)
			t.Errorf("service output contains %q:\n...%s...", bad, s.log.String()[from:min(len(out), i+700)])
		}
	}
}

// response is what a client saw.
type response struct {
	Status int
	Header http.Header
	Body   []byte
	Err    error // transport error: no response at all
}

// errorCode is the JSON error's code ("" when the body is not an error document).
func (r response) errorCode() string {
	var e struct{ Error struct{ Code string } }
	json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

func (r response) String() string {
	if r.Err != nil {
		return "transport error: " + r.Err.Error()
	}
	b := r.Body
	if len(b) > 300 {
		b = b[:300]
	}
	return fmt.Sprintf("%d %s", r.Status, b)
}

var client = &http.Client{Timeout: 90 * time.Second}

// do sends one request with the wizard key unless key says otherwise.
func do(ctx context.Context, method, u, key, contentType string, body []byte) response {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return response{Err: err}
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return response{Err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b, Err: err}
}

func uploadFile(ctx context.Context, u, name string, data []byte) response {
	ct, body := formfile.Body(name, data)
	return do(ctx, http.MethodPost, u, wizardKey, ct, body)
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// portRequest is a valid port request that no fixture bill matches (Jane Doe, an
// account number on no bill), so every bill upload is flagged and the port stays in
// in_review, where further bills are accepted.
const portRequest = `{
  "carrier_name": "AT&T",
  "customer": {"first_name": "Jane", "last_name": "Doe", "business_name": "Acme Plumbing & Heating LLC",
               "account_number": "287654321098", "account_pin": "7531"},
  "billing_address": {"street": "1234 North Main Street", "street2": "Suite 200", "city": "Baltimore", "state": "MD", "zip": "21201"},
  "numbers": [{"number": "+14105550142", "receiving_number": "+14105550199", "tracking_source": "Google Ads"}],
  "signer": {"full_name": "Jane Q Doe", "email": "jane@example.com"},
  "agreements": {"authorize_port": true, "terms": true}
}`

// createPort posts portRequest; the id is "" unless the answer was 201.
func createPort(ctx context.Context, base string) (string, response) {
	r := do(ctx, http.MethodPost, base+"/v1/ports", wizardKey, "application/json", []byte(portRequest))
	var out struct{ ID string }
	if r.Status == http.StatusCreated {
		json.Unmarshal(r.Body, &out)
	}
	return out.ID, r
}

// sendLOA renders the LOA; the signing path ("/sign/TOKEN") is "" unless it was 201.
func sendLOA(ctx context.Context, base, id string) (string, response) {
	r := do(ctx, http.MethodPost, base+"/v1/ports/"+id+"/loa", wizardKey, "", nil)
	var out struct {
		SigningURL string `json:"signing_url"`
	}
	if r.Status != http.StatusCreated || json.Unmarshal(r.Body, &out) != nil {
		return "", r
	}
	u, err := url.Parse(out.SigningURL)
	if err != nil {
		return "", r
	}
	return u.Path, r
}

func sign(ctx context.Context, base, signPath string) response {
	form := url.Values{"full_name": {"Jane Q Doe"}, "consent": {"yes"}}
	return do(ctx, http.MethodPost, base+signPath, "", "application/x-www-form-urlencoded", []byte(form.Encode()))
}

// signedPort makes a port whose LOA is signed, ready for bills.
func signedPort(t testing.TB, ctx context.Context, base string) string {
	t.Helper()
	id, r := createPort(ctx, base)
	if id == "" {
		t.Fatalf("create port: %v", r)
	}
	p, r := sendLOA(ctx, base, id)
	if p == "" {
		t.Fatalf("send LOA: %v", r)
	}
	if r := sign(ctx, base, p); r.Status != http.StatusOK {
		t.Fatalf("sign: %v", r)
	}
	return id
}

// portDoc is a document as GET /v1/ports/{id} lists it.
type portDoc struct {
	Name, Kind, SHA256 string
	Size               int64
}

type portView struct {
	ID        string
	Status    string
	Documents []portDoc
}

func getPort(ctx context.Context, base, id string) (portView, response) {
	r := do(ctx, http.MethodGet, base+"/v1/ports/"+id, wizardKey, "", nil)
	var v portView
	if r.Status == http.StatusOK {
		if err := json.Unmarshal(r.Body, &v); err != nil {
			r.Err = fmt.Errorf("port JSON: %w", err)
		}
	}
	return v, r
}

// verifyDocuments downloads every document the port lists and compares its SHA-256
// and size with the listing: nothing listed may be missing, short or different.
func verifyDocuments(t testing.TB, ctx context.Context, base string, v portView) {
	t.Helper()
	for _, d := range v.Documents {
		r := do(ctx, http.MethodGet, base+"/v1/ports/"+v.ID+"/documents/"+url.PathEscape(d.Name), wizardKey, "", nil)
		if r.Status != http.StatusOK {
			t.Errorf("port %s lists %s (%s) but downloading it gives %v", v.ID, d.Name, d.Kind, r)
			continue
		}
		if got := sha256Hex(r.Body); got != d.SHA256 || int64(len(r.Body)) != d.Size {
			t.Errorf("port %s document %s: downloaded %d bytes sha256 %s; listed %d bytes sha256 %s",
				v.ID, d.Name, len(r.Body), got, d.Size, d.SHA256)
		}
	}
}

// fixtureBills reads the committed text-layer bills.
func fixtureBills(t testing.TB) [][]byte {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(repoRoot, "fixtures", "bills", "*", "bill.pdf"))
	if len(paths) == 0 {
		t.Fatal("no fixtures/bills/*/bill.pdf")
	}
	var bills [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		bills = append(bills, b)
	}
	return bills
}

// uniqueBill is a fixture bill made distinct by whitespace after %%EOF — n written in
// binary as spaces and tabs — so every upload has its own SHA-256 and stored name.
// (Whitespace, because the extractor refuses any other bytes after %%EOF.)
func uniqueBill(bills [][]byte, n int) []byte {
	b := append([]byte(nil), bills[n%len(bills)]...)
	b = append(b, '\n')
	for v := n + 1; v > 0; v >>= 1 {
		b = append(b, " \t"[v&1])
	}
	return append(b, '\n')
}

// withDeadline is the test's hard deadline: every suite finishes or fails in bounded time.
func withDeadline(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
