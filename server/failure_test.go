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
	"github.com/portdocs/portdocs/storage"
)

// TestSignSurvivesStorageFailure: when the record cannot be written at the end of
// signing, the signer gets a 503, the port stays awaiting_signature, and the same link
// signs on the next try (the single-use signing was restored).
func TestSignSurvivesStorageFailure(t *testing.T) {
	var down atomic.Bool
	e := newTestEnv(t, func(c *Config) {
		c.Store = failingStore{Store: c.Store, failPut: func(key string) error {
			if down.Load() && strings.HasSuffix(key, "/port.json") {
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
	if rec := e.do("POST", "/v1/ports", wizardKey, "application/json", strings.NewReader(validRequest)); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("create with storage down: %d, want 503", rec.Code)
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
		return strings.Contains(e.do("GET", "/metrics", "", "", nil).Body.String(), "\nportdocs_extraction_waiters 2\n")
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
