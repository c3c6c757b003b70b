package server

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
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

// Extractions that outlive their requests (hostile files) are counted; past the limit
// new extractions are refused at once with 503 instead of piling up, and accepted again
// when the orphans end.
func TestOrphanedExtractionsShedLoad(t *testing.T) {
	release := make(chan struct{})
	env := newTestEnv(t, func(c *Config) {
		c.RequestTimeout = 200 * time.Millisecond
		c.Extractor = fakeExtractor{fn: func(ctx context.Context, data []byte) (*extract.Extraction, error) {
			if bytes.Contains(data, []byte("ACCT:hang")) {
				<-release // a parser that does not honour its context
			}
			return billExtraction(ctx, data)
		}}
	})
	env.srv.reader.maxOrphans = 1
	upload := func(acct string) *httptest.ResponseRecorder {
		ct, body := multipartFile(t, "bill.pdf", fakeBill(acct))
		return env.do(http.MethodPost, "/v1/extract", wizardKey, ct, body)
	}

	if rec := upload("hang"); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("hanging extraction: status %d, want 503 at the deadline", rec.Code)
	}
	rec := upload("1234")
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("while an orphan runs: status %d, Retry-After %q, want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	close(release)
	deadline := time.Now().Add(10 * time.Second)
	for env.srv.reader.orphans.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the orphan was never counted out")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if rec := upload("1234"); rec.Code != http.StatusOK {
		t.Fatalf("after the orphan ended: status %d, body %s", rec.Code, rec.Body)
	}
}
