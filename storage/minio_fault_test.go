package storage_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/storage"
)

// faultBound is how long a call may take to report that MinIO is gone. It is a
// correctness bound (callers must not hang), generous for a loaded CI machine, not a
// performance target.
const faultBound = 30 * time.Second

// gateReader streams n bytes, announces when it has sent half, then waits for release
// before sending the rest: the server can be taken away mid-body.
type gateReader struct {
	n, off  int64
	half    chan struct{}
	release chan struct{}
	once    sync.Once
}

func newGate(n int64) *gateReader {
	return &gateReader{n: n, half: make(chan struct{}), release: make(chan struct{})}
}

func (g *gateReader) Read(p []byte) (int, error) {
	if g.off >= g.n {
		return 0, io.EOF
	}
	if g.off >= g.n/2 {
		g.once.Do(func() { close(g.half) })
		<-g.release
	}
	if rem := g.n - g.off; int64(len(p)) > rem {
		p = p[:rem]
	}
	if lim := g.n/2 - g.off; lim > 0 && int64(len(p)) > lim {
		p = p[:lim]
	}
	for i := range p {
		p[i] = byte(g.off + int64(i))
	}
	g.off += int64(len(p))
	return len(p), nil
}

func TestMinIOFaultServerDiesMidWrite(t *testing.T) {
	for _, tc := range []struct {
		name string
		down func(*testenv.MinIOServer)
	}{
		{"killed", (*testenv.MinIOServer).Kill},
		{"stopped", (*testenv.MinIOServer).Stop},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := testenv.StartMinIO(t)
			s := newMinIOStore(t, srv, storage.MinIOConfig{ObjectLock: true, Timeout: 5 * time.Second, Retries: 2})
			ctx := context.Background()

			// Something written before the fault must survive it intact.
			before := bytes.Repeat([]byte("kept "), 10000)
			if _, err := s.Put(ctx, "ports/p1/documents/before.pdf", bytes.NewReader(before), int64(len(before)), storage.PutOptions{Retain: true}); err != nil {
				t.Fatal(err)
			}

			const writers, size = 4, 8 << 20
			gates := make([]*gateReader, writers)
			errs := make([]error, writers)
			took := make([]time.Duration, writers)
			var wg sync.WaitGroup
			for i := range writers {
				gates[i] = newGate(size)
				wg.Add(1)
				go func() {
					defer wg.Done()
					start := time.Now()
					_, errs[i] = s.Put(ctx, fmt.Sprintf("ports/p1/documents/mid-%d.pdf", i), gates[i], size, storage.PutOptions{IfNoneMatch: "*"})
					took[i] = time.Since(start)
				}()
			}
			for _, g := range gates {
				select {
				case <-g.half:
				case <-time.After(faultBound):
					t.Fatal("writers never got halfway")
				}
			}
			downAt := time.Now()
			tc.down(srv)
			for _, g := range gates {
				close(g.release)
			}
			wg.Wait()
			for i, err := range errs {
				if !errors.Is(err, storage.ErrUnavailable) {
					t.Errorf("writer %d: %v, want ErrUnavailable", i, err)
				}
				if took[i] > faultBound+time.Since(downAt) {
					t.Errorf("writer %d took %v to fail", i, took[i])
				}
			}

			// While it is down every call fails typed, within the bound.
			for name, call := range map[string]func(context.Context) error{
				"Ping": s.Ping,
				"Stat": func(ctx context.Context) error { _, err := s.Stat(ctx, "ports/p1/documents/before.pdf"); return err },
				"Put": func(ctx context.Context) error {
					_, err := s.Put(ctx, "ports/p1/x", bytes.NewReader([]byte("x")), 1, storage.PutOptions{})
					return err
				},
				"Get":  func(ctx context.Context) error { _, _, err := s.Get(ctx, "ports/p1/documents/before.pdf"); return err },
				"List": func(ctx context.Context) error { _, err := s.List(ctx, "ports/"); return err },
			} {
				start := time.Now()
				err := call(ctx)
				if !errors.Is(err, storage.ErrUnavailable) {
					t.Errorf("%s while MinIO is down: %v, want ErrUnavailable", name, err)
				}
				if d := time.Since(start); d > faultBound {
					t.Errorf("%s took %v to report MinIO down, bound %v", name, d, faultBound)
				}
			}

			if err := srv.Start(); err != nil {
				t.Fatal(err)
			}
			waitUp(t, s)
			list, err := s.List(ctx, "ports/p1/")
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Key != "ports/p1/documents/before.pdf" {
				t.Errorf("after restart List = %v, want only the document written before the fault", keysOf(list))
			}
			for i := range writers {
				key := fmt.Sprintf("ports/p1/documents/mid-%d.pdf", i)
				if _, err := s.Stat(ctx, key); !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("half-written %s after restart: Stat = %v, want ErrNotFound", key, err)
				}
			}
			rc, _, err := s.Get(ctx, "ports/p1/documents/before.pdf")
			if err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, rc); !bytes.Equal(got, before) {
				t.Errorf("document written before the fault changed: %d bytes, want %d", len(got), len(before))
			}
		})
	}
}

// TestMinIOFaultHungServer: a server that accepts connections but never answers (a
// frozen process) must not hang callers past the configured timeout.
func TestMinIOFaultHungServer(t *testing.T) {
	srv := testenv.StartMinIO(t)
	s := newMinIOStore(t, srv, storage.MinIOConfig{Timeout: 3 * time.Second, Retries: 1})
	ctx := context.Background()
	body := []byte(`{"status":"draft"}`)
	if _, err := s.Put(ctx, "ports/p1/request.json", bytes.NewReader(body), int64(len(body)), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	defer srv.Resume()
	if err := srv.Pause(); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"Get":  func() error { _, _, err := s.Get(ctx, "ports/p1/request.json"); return err },
		"Ping": func() error { return s.Ping(ctx) },
		"Put": func() error {
			_, err := s.Put(ctx, "ports/p1/request.json", bytes.NewReader(body), int64(len(body)), storage.PutOptions{})
			return err
		},
	} {
		start := time.Now()
		err := call()
		if !errors.Is(err, storage.ErrUnavailable) {
			t.Errorf("%s on a hung server: %v, want ErrUnavailable", name, err)
		}
		if d := time.Since(start); d > faultBound {
			t.Errorf("%s on a hung server took %v, bound %v", name, d, faultBound)
		}
	}
	srv.Resume()
	waitUp(t, s)
	rc, info, err := s.Get(ctx, "ports/p1/request.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, rc); !bytes.Equal(got, body) || info.SHA256 != fmt.Sprintf("%x", sha256.Sum256(body)) {
		t.Errorf("after resume: %q (sha %.12s), want %q", got, info.SHA256, body)
	}
}

func waitUp(t *testing.T, s storage.Store) {
	t.Helper()
	deadline := time.Now().Add(faultBound * 2)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := s.Ping(ctx)
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("MinIO not back after restart: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func keysOf(list []storage.ObjectInfo) []string {
	var ks []string
	for _, o := range list {
		ks = append(ks, o.Key)
	}
	return ks
}
