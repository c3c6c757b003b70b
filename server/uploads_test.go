package server

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/portdocs/portdocs/extract"
)

// A large upload waits for a slot; a small one never does; a large one whose deadline
// passes while it waits gets 503 + Retry-After, not a 500.
func TestLargeUploadsWaitForASlot(t *testing.T) {
	entered := make(chan struct{}, 4)
	release := make(chan struct{})
	env := newTestEnv(t, func(c *Config) {
		c.MaxLargeUploads = 1
		c.RequestTimeout = 300 * time.Millisecond
		c.Extractor = fakeExtractor{fn: func(ctx context.Context, data []byte) (*extract.Extraction, error) {
			if len(data) >= LargeUpload {
				entered <- struct{}{}
				<-release // hold the slot past the other request's deadline

			}
			return billExtraction(ctx, data)
		}}
	})
	large := append(fakeBill("1234"), bytes.Repeat([]byte(" "), LargeUpload)...)

	first := make(chan int, 1)
	go func() {
		ct, body := multipartFile(t, "big.pdf", large)
		first <- env.do(http.MethodPost, "/v1/extract", wizardKey, ct, body).Code
	}()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the first large upload never reached the extractor")
	}

	// The slot is taken: a small bill goes through at once.
	ct, body := multipartFile(t, "small.pdf", fakeBill("1234"))
	if rec := env.do(http.MethodPost, "/v1/extract", wizardKey, ct, body); rec.Code != http.StatusOK {
		t.Fatalf("small upload while the slot is taken: status %d, body %s", rec.Code, rec.Body)
	}
	// A second large one waits until its deadline and is told to come back.
	ct, body = multipartFile(t, "big2.pdf", large)
	rec := env.do(http.MethodPost, "/v1/extract", wizardKey, ct, body)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("second large upload: status %d, Retry-After %q, want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	close(release)
	<-first
}
