package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/loa"
)

// When the configured timestamp authority does not answer, signing answers 503
// tsa_unavailable with Retry-After, records nothing, and the link stays usable for a
// retry (no seal without the timestamp, issue 16.5).
func TestSignWithoutTSAAnswer(t *testing.T) {
	tsa := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	defer tsa.Close()
	sealer, err := loa.DevSealer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := sealer.UseTSA(tsa.URL, 0); err != nil {
		t.Fatal(err)
	}
	defer sealer.Close()
	e := newTestEnv(t, func(c *Config) { c.Sealer = sealer })
	id := e.createPort(validRequest)
	token := e.sendLOA(id)
	rec := e.sign(token, "Jane Q Doe")
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "timestamp authority") {
		t.Fatalf("sign with the TSA down: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	got := e.do(http.MethodGet, "/v1/ports/"+id, wizardKey, "", nil)
	if !strings.Contains(got.Body.String(), `"status":"awaiting_signature"`) || strings.Contains(got.Body.String(), "signed_loa") {
		t.Errorf("after a failed seal the port changed: %s", got.Body)
	}
	// The link still works: a second try meets the same refusal, not "already used".
	if rec := e.sign(token, "Jane Q Doe"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("second try: %d %s", rec.Code, rec.Body)
	}
}
