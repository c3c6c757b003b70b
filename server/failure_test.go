package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/portdb"
	"github.com/portdocs/portdocs/storage"
)

// TestSignSurvivesStorageFailure: when the sealed LOA cannot be archived after the
// signing was claimed, the signer gets a 503, the port stays awaiting_signature, and
// the same link signs on the next try (the single-use signing was restored).
func TestSignSurvivesStorageFailure(t *testing.T) {
	var down atomic.Bool
	e := newTestEnv(t, func(c *Config) {
		c.Store = failingStore{Store: c.Store, failPut: func(key string) error {
			if down.Load() && strings.Contains(key, "/signed-loa-") {
				return fmt.Errorf("put %s: %w", key, storage.ErrUnavailable)
			}
			return nil
		}}
	})
	id := e.createPort(validRequest)
	token := e.sendLOA(id)

	down.Store(true)
	if rec := e.sign(token, "Jane Q Doe"); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("sign with storage down: %d, want 503: %s", rec.Code, rec.Body)
	}
	down.Store(false)
	if st := getPort(t, e, id).Status; st != StatusAwaitingSignature {
		t.Fatalf("status %s after a failed signing, want awaiting_signature", st)
	}
	if rec := e.sign(token, "Jane Q Doe"); rec.Code != http.StatusOK {
		t.Fatalf("second try: %d, want 200: %s", rec.Code, rec.Body)
	}
	v := getPort(t, e, id)
	if v.Status != StatusSigned {
		t.Fatalf("status %s, want signed", v.Status)
	}
	signed := 0
	for _, d := range v.Documents {
		if d.Kind == KindSignedLOA {
			signed++
		}
	}
	if signed != 1 {
		t.Errorf("%d signed LOAs on the record, want 1", signed)
	}
}

// TestIdenticalUploadsShareOneExtraction: a double-clicked upload costs one extraction.
func TestIdenticalUploadsShareOneExtraction(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	e := newTestEnv(t, func(c *Config) {
		c.Extractor = fakeExtractor{fn: func(ctx context.Context, data []byte) (*extract.Extraction, error) {
			calls.Add(1)
			<-release
			return billExtraction(ctx, data)
		}}
	})
	bill := fakeBill("287654321098")
	codes := make(chan int, 2)
	for range 2 {
		go func() {
			ct, body := multipartFile(t, "bill.pdf", bill)
			codes <- e.do("POST", "/v1/extract", wizardKey, ct, body).Code
		}()
	}
	// Both requests are waiting for the one extraction, held inside the extractor,
	// before it is let go.
	testenv.WaitFor(t, "both uploads to wait for the extraction", func() bool {
		return strings.Contains(e.do("GET", "/metrics", adminKey, "", nil).Body.String(), "\nportdocs_extraction_waiters 2\n")
	})
	close(release)
	for range 2 {
		if code := <-codes; code != http.StatusOK {
			t.Errorf("status %d", code)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("extractor ran %d times for two identical uploads, want 1", n)
	}
}

// TestDatabaseDownIs503: with PostgreSQL killed, the API answers 503
// database_unavailable with Retry-After (never 500) and readiness names the database;
// after a restart the same server works again and lost nothing acknowledged.
func TestDatabaseDownIs503(t *testing.T) {
	pg := testenv.StartPostgres(t)
	db, err := portdb.Open(context.Background(), pg.CreateDatabase(t, "down"), "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e := newTestEnv(t, func(c *Config) { c.DB = db })
	id := e.createPort(validRequest)
	pg.Kill()
	for _, rq := range []struct{ method, path, body string }{
		{"POST", "/v1/ports", validRequest},
		{"GET", "/v1/ports/" + id, ""},
		{"POST", "/v1/ports/" + id + "/notes", `{"message":"called","visibility":"internal"}`},
		{"GET", "/v1/reviews", ""},
	} {
		rec := e.do(rq.method, rq.path, reviewerOrWizard(rq.path), "application/json", strings.NewReader(rq.body))
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "database_unavailable") {
			t.Errorf("%s %s with the database down: %d %q %s", rq.method, rq.path, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
		}
	}
	if rec := e.do("GET", "/readyz", "", "", nil); rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"database":"unavailable"`) {
		t.Errorf("readyz with the database down: %d %s", rec.Code, rec.Body)
	}
	if err := pg.Start(); err != nil {
		t.Fatal(err)
	}
	if st := getPort(t, e, id).Status; st != StatusDraft {
		t.Errorf("after the restart: status %s, want draft", st)
	}
}

func reviewerOrWizard(path string) string {
	if strings.HasPrefix(path, "/v1/reviews") {
		return reviewerKey
	}
	return wizardKey
}
