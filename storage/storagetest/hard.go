package storagetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portdocs/portdocs/storage"
)

const writers = 20

// testConcurrentConditional: 20 reviewers read the same version of a record and all try
// to write; per round exactly one wins, the others learn they lost, and the stored record
// is the winner's.
func testConcurrentConditional(t *testing.T, s storage.Store) {
	const key = "ports/p1/status.json"
	cur := put(t, s, key, []byte(`{"round":0}`), storage.PutOptions{ContentType: "application/json"})
	for round := 1; round <= 5; round++ {
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			winners []int
			won     storage.ObjectInfo
			other   []error
		)
		start := make(chan struct{})
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := fmt.Sprintf(`{"round":%d,"writer":%d}`, round, w)
				<-start
				info, err := s.Put(ctxT(t), key, strings.NewReader(body), int64(len(body)), storage.PutOptions{IfMatch: cur.ETag, ContentType: "application/json"})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					winners = append(winners, w)
					won = info
				case !errors.Is(err, storage.ErrPreconditionFailed):
					other = append(other, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(other) > 0 {
			t.Fatalf("round %d: errors other than ErrPreconditionFailed: %v", round, other)
		}
		if len(winners) != 1 {
			t.Fatalf("round %d: %d writers won (%v), want exactly 1", round, len(winners), winners)
		}
		body, info := get(t, s, key)
		want := fmt.Sprintf(`{"round":%d,"writer":%d}`, round, winners[0])
		if string(body) != want || info.ETag != won.ETag {
			t.Fatalf("round %d: stored %s (etag %q), want the winner's %s (etag %q)", round, body, info.ETag, want, won.ETag)
		}
		cur = info
	}
}

// testNoneLost: 20 writers each append their name to one record with read-modify-write
// and retry on ErrPreconditionFailed; every name must be there at the end.
func testNoneLost(t *testing.T, s storage.Store) {
	const key = "ports/p1/notes.json"
	put(t, s, key, []byte(`[]`), storage.PutOptions{ContentType: "application/json"})
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for attempt := 0; ; attempt++ {
				if attempt > 500 {
					errs <- fmt.Errorf("writer %d: still conflicting after %d attempts", w, attempt)
					return
				}
				rc, info, err := s.Get(ctxT(t), key)
				if err != nil {
					errs <- err
					return
				}
				var names []string
				err = json.NewDecoder(rc).Decode(&names)
				rc.Close()
				if err != nil {
					errs <- fmt.Errorf("writer %d: decoding %s: %w", w, key, err)
					return
				}
				names = append(names, fmt.Sprintf("writer-%02d", w))
				b, _ := json.Marshal(names)
				_, err = s.Put(ctxT(t), key, bytes.NewReader(b), int64(len(b)), storage.PutOptions{IfMatch: info.ETag, ContentType: "application/json"})
				if errors.Is(err, storage.ErrPreconditionFailed) {
					time.Sleep(time.Duration(rand.IntN(5)) * time.Millisecond)
					continue
				}
				if err != nil {
					errs <- err
				}
				return
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	body, _ := get(t, s, key)
	var names []string
	if err := json.Unmarshal(body, &names); err != nil {
		t.Fatalf("final record %q: %v", body, err)
	}
	slices.Sort(names)
	var want []string
	for w := range writers {
		want = append(want, fmt.Sprintf("writer-%02d", w))
	}
	if !slices.Equal(names, want) {
		t.Errorf("final record holds %d names %v, want all %d writers", len(names), names, writers)
	}
}

func testRetained(t *testing.T, s storage.Store) {
	const key = "ports/p1/documents/loa-signed.pdf"
	body := []byte("%PDF-1.7 signed letter of authorization")
	info := put(t, s, key, body, storage.PutOptions{ContentType: "application/pdf", Retain: true})
	if !info.RetainUntil.After(time.Now().Add(24 * time.Hour)) {
		t.Errorf("Put: RetainUntil = %v, want well in the future", info.RetainUntil)
	}
	st, err := s.Stat(ctxT(t), key)
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	if d := st.RetainUntil.Sub(info.RetainUntil); d < -time.Second || d > time.Second {
		t.Errorf("Stat: RetainUntil = %v, Put said %v", st.RetainUntil, info.RetainUntil)
	}
	for _, tc := range []struct {
		name string
		do   func() error
	}{
		{"delete", func() error { return s.Delete(ctxT(t), key) }},
		{"overwrite", func() error {
			_, err := s.Put(ctxT(t), key, strings.NewReader("forged"), 6, storage.PutOptions{})
			return err
		}},
		{"overwrite IfMatch the current ETag", func() error {
			_, err := s.Put(ctxT(t), key, strings.NewReader("forged"), 6, storage.PutOptions{IfMatch: info.ETag})
			return err
		}},
		{"overwrite with retention", func() error {
			_, err := s.Put(ctxT(t), key, strings.NewReader("forged"), 6, storage.PutOptions{Retain: true})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.do(); !errors.Is(err, storage.ErrRetained) {
				t.Errorf("%s of a retained object: %v, want ErrRetained", tc.name, err)
			}
		})
	}
	got, ginfo := get(t, s, key)
	if !bytes.Equal(got, body) || ginfo.ETag != info.ETag {
		t.Errorf("retained object changed: %q etag %q, want %q etag %q", got, ginfo.ETag, body, info.ETag)
	}
	// Create-only is still the precise answer for a retained key: it exists.
	if _, err := s.Put(ctxT(t), key, strings.NewReader("x"), 1, storage.PutOptions{IfNoneMatch: "*"}); err == nil {
		t.Errorf("create-only Put over a retained object succeeded")
	}
}

func testInvalidKeys(t *testing.T, s storage.Store) {
	for _, key := range []string{
		"", "/ports/p1", "ports/../etc/passwd", "..", ".", "ports/./p1", "ports\\p1", "ports//p1", "ports/p1/",
		"ports/p1\x00", "ports/p1\nx", "ports/\x7f", strings.Repeat("k", storage.MaxKeyLen+1), "ports/\xff\xfe",
	} {
		t.Run(fmt.Sprintf("%.40q", key), func(t *testing.T) {
			ctx := ctxT(t)
			_, perr := s.Put(ctx, key, strings.NewReader("x"), 1, storage.PutOptions{})
			_, _, gerr := s.Get(ctx, key)
			_, serr := s.Stat(ctx, key)
			derr := s.Delete(ctx, key)
			for op, err := range map[string]error{"Put": perr, "Get": gerr, "Stat": serr, "Delete": derr} {
				if !errors.Is(err, storage.ErrInvalidKey) {
					t.Errorf("%s: %v, want ErrInvalidKey", op, err)
				}
			}
		})
	}
	if list, err := s.List(ctxT(t), ""); err != nil || len(list) != 0 {
		t.Errorf("after invalid puts List = %v, %v; want nothing stored", list, err)
	}
	// The longest valid key works.
	long := strings.Repeat(strings.Repeat("k", 200)+"/", 5) + strings.Repeat("z", storage.MaxKeyLen-5*201)
	put(t, s, long, []byte("x"), storage.PutOptions{})
	if _, err := s.Stat(ctxT(t), long); err != nil {
		t.Errorf("Stat of a %d-byte key: %v", len(long), err)
	}
}

func testInvalidMetadata(t *testing.T, s storage.Store) {
	for _, md := range []map[string]string{
		{"bad key": "v"}, {"key": "line\nbreak"}, {"key": "caf\u00e9"}, {"portdocs-sha256": "forged"}, {"": "v"},
		{"x-amz-checksum-sha256": "forged"}, {"X-Amz-Object-Lock-Mode": "GOVERNANCE"}, {"Content-Type": "text/html"},
		{"under_score": "v"}, {"key": " padded "},
	} {
		_, err := s.Put(ctxT(t), "ports/p1/x", strings.NewReader("x"), 1, storage.PutOptions{Metadata: md})
		if !errors.Is(err, storage.ErrInvalidMetadata) {
			t.Errorf("Put with metadata %q: %v, want ErrInvalidMetadata", md, err)
		}
	}
	if _, err := s.Stat(ctxT(t), "ports/p1/x"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("rejected puts stored something: Stat = %v", err)
	}
}

func testShortBody(t *testing.T, s storage.Store) {
	for _, tc := range []struct {
		name string
		r    io.Reader
	}{
		{"seekable", strings.NewReader("only 12 byte")},
		{"stream", io.MultiReader(strings.NewReader("only 12 byte"))}, // hides Seek and ReadAt
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "ports/p1/short-" + tc.name
			_, err := s.Put(ctxT(t), key, tc.r, 100, storage.PutOptions{})
			if !errors.Is(err, storage.ErrShortBody) {
				t.Errorf("Put of 12 bytes declared as 100: %v, want ErrShortBody", err)
			}
			if _, err := s.Stat(ctxT(t), key); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("a short put left an object behind: Stat = %v", err)
			}
		})
	}
	// A reader longer than the size: exactly size bytes are stored.
	info, err := s.Put(ctxT(t), "ports/p1/long", strings.NewReader("0123456789"), 4, storage.PutOptions{})
	if err != nil {
		t.Fatalf("Put of the first 4 of 10 bytes: %v", err)
	}
	if body, _ := get(t, s, "ports/p1/long"); string(body) != "0123" || info.Size != 4 {
		t.Errorf("stored %q (size %d), want the first 4 bytes", body, info.Size)
	}
}

// patternReader streams n pseudo-random bytes without holding them, hashing what it gives.
type patternReader struct {
	n, off int64
	rng    *rand.ChaCha8
	h      interface {
		Write([]byte) (int, error)
		Sum([]byte) []byte
	}
	after func(off int64) // called after each read, for cancellation tests
}

func newPattern(n int64, seed byte) *patternReader {
	var s [32]byte
	s[0] = seed
	return &patternReader{n: n, rng: rand.NewChaCha8(s), h: sha256.New()}
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	if rem := p.n - p.off; int64(len(b)) > rem {
		b = b[:rem]
	}
	p.rng.Read(b)
	p.h.Write(b)
	p.off += int64(len(b))
	if p.after != nil {
		p.after(p.off)
	}
	return len(b), nil
}

func (p *patternReader) sum() string { return hex.EncodeToString(p.h.Sum(nil)) }

func testLarge(t *testing.T, s storage.Store) {
	const size = 20 << 20
	src := newPattern(size, 7)
	info, err := s.Put(ctxT(t), "ports/p1/documents/big.pdf", src, size, storage.PutOptions{ContentType: "application/pdf"})
	if err != nil {
		t.Fatalf("Put 20 MB: %v", err)
	}
	if info.Size != size || info.SHA256 != src.sum() {
		t.Errorf("Put: size %d sha %.12s, want %d %.12s", info.Size, info.SHA256, size, src.sum())
	}
	rc, ginfo, err := s.Get(ctxT(t), "ports/p1/documents/big.pdf")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, rc, make([]byte, 64<<10))
	if err != nil {
		t.Fatalf("reading 20 MB: %v after %d bytes", err, n)
	}
	if n != size || hex.EncodeToString(h.Sum(nil)) != src.sum() || ginfo.SHA256 != src.sum() {
		t.Errorf("Get: %d bytes sha %x (info %.12s), want %d %.12s", n, h.Sum(nil)[:6], ginfo.SHA256, size, src.sum())
	}
}

func testContextCancel(t *testing.T, s storage.Store) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(canceled, "ports/p1/a", strings.NewReader("x"), 1, storage.PutOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a canceled context: %v, want context.Canceled", err)
	}
	put(t, s, "ports/p1/b", []byte("b"), storage.PutOptions{})
	if _, _, err := s.Get(canceled, "ports/p1/b"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with a canceled context: %v, want context.Canceled", err)
	}

	// Canceled halfway through a 4 MB body: an error, and nothing visible afterwards.
	ctx, cancelMid := context.WithCancel(context.Background())
	defer cancelMid()
	src := newPattern(4<<20, 9)
	src.after = func(off int64) {
		if off >= 1<<20 {
			cancelMid()
		}
	}
	if _, err := s.Put(ctx, "ports/p1/c", src, 4<<20, storage.PutOptions{}); err == nil {
		t.Errorf("Put canceled midway succeeded")
	}
	if _, err := s.Stat(ctxT(t), "ports/p1/c"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a canceled put left an object: Stat = %v", err)
	}

	// Canceled while reading: the reader stops with the context's error.
	put(t, s, "ports/p1/d", bytes.Repeat([]byte("d"), 1<<20), storage.PutOptions{})
	rctx, rcancel := context.WithCancel(context.Background())
	rc, _, err := s.Get(rctx, "ports/p1/d")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	defer rc.Close()
	if _, err := rc.Read(make([]byte, 10)); err != nil {
		t.Fatalf("first read: %v", err)
	}
	rcancel()
	if _, err := io.Copy(io.Discard, rc); err == nil {
		t.Errorf("reading after cancel finished without an error")
	}
}
