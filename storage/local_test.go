package storage_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portdocs/portdocs/storage"
	"github.com/portdocs/portdocs/storage/storagetest"
)

func newLocal(t testing.TB, opts storage.LocalOptions) *storage.Local {
	t.Helper()
	l, err := storage.NewLocal(t.TempDir(), opts)
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestLocalConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return newLocal(t, storage.LocalOptions{}) })
}

// findObjectFile returns the single object file under the store's folder.
func findObjectFile(t *testing.T, dir, name string) string {
	t.Helper()
	var found []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && filepath.Base(p) == "f_"+name {
			found = append(found, p)
		}
		return nil
	})
	if len(found) != 1 {
		t.Fatalf("object files named %s: %v, want one", name, found)
	}
	return found[0]
}

func TestLocalCorruption(t *testing.T) {
	ctx := context.Background()
	small := []byte("%PDF-1.7 proof of ownership, page 1 of 1")
	large := bytes.Repeat([]byte("%PDF-1.7 scanned bill "), 150000) // 3.3 MB, many reads
	for _, tc := range []struct {
		name     string
		body     []byte
		damage   func(t *testing.T, p string)
		wantOpen bool // Get opens, and the damage shows at EOF
	}{
		{"flipped content byte", small, func(t *testing.T, p string) { flipByte(t, p, 3) }, true},
		{"flipped byte in a large object", large, func(t *testing.T, p string) { flipByte(t, p, 2<<20+7) }, true},
		{"truncated file", small, func(t *testing.T, p string) { os.Truncate(p, 10) }, false},
		{"trailer garbage", small, func(t *testing.T, p string) {
			fi, _ := os.Stat(p)
			flipByte(t, p, fi.Size()-20)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body
			l := newLocal(t, storage.LocalOptions{})
			if _, err := l.Put(ctx, "ports/p1/documents/bill.pdf", bytes.NewReader(body), int64(len(body)), storage.PutOptions{}); err != nil {
				t.Fatal(err)
			}
			tc.damage(t, findObjectFile(t, l.Dir(), "bill.pdf"))
			rc, _, err := l.Get(ctx, "ports/p1/documents/bill.pdf")
			if !tc.wantOpen {
				if !errors.Is(err, storage.ErrIntegrity) {
					t.Fatalf("Get: %v, want ErrIntegrity", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			defer rc.Close()
			got, err := io.ReadAll(rc)
			if !errors.Is(err, storage.ErrIntegrity) {
				t.Fatalf("reading a corrupted object: %v (%d bytes), want ErrIntegrity", err, len(got))
			}
		})
	}
}

func flipByte(t *testing.T, p string, off int64) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	f.ReadAt(b, off)
	b[0] ^= 0x20
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

func TestLocalRetentionEnds(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 10, 3, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	l := newLocal(t, storage.LocalOptions{Retention: 48 * time.Hour, Now: clock})
	info, err := l.Put(ctx, "ports/p1/documents/loa.pdf", strings.NewReader("signed"), 6, storage.PutOptions{Retain: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(48 * time.Hour); !info.RetainUntil.Equal(want) {
		t.Errorf("RetainUntil = %v, want %v", info.RetainUntil, want)
	}
	for _, tc := range []struct {
		after   time.Duration
		wantErr error
	}{
		{47 * time.Hour, storage.ErrRetained},
		{48*time.Hour - time.Millisecond, storage.ErrRetained},
		{48 * time.Hour, nil},
	} {
		mu.Lock()
		now = info.Modified.Add(tc.after)
		mu.Unlock()
		if err := l.Delete(ctx, "ports/p1/documents/loa.pdf"); !errors.Is(err, tc.wantErr) {
			t.Errorf("Delete %v after writing: %v, want %v", tc.after, err, tc.wantErr)
		}
	}
}

func TestLocalIgnoresTempFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l, err := storage.NewLocal(dir, storage.LocalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Put(ctx, "ports/p1/request.json", strings.NewReader("{}"), 2, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	// What a crash between create and rename leaves: a stale and a fresh temp file.
	folder := filepath.Dir(findObjectFile(t, dir, "request.json"))
	stale, fresh := filepath.Join(folder, "t_123"), filepath.Join(folder, "t_456")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("half a document"), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stale, old, old)

	l, err = storage.NewLocal(dir, storage.LocalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temp file survived NewLocal: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a fresh temp file (maybe another process's) was removed: %v", err)
	}
	list, err := l.List(ctx, "")
	if err != nil || len(list) != 1 || list[0].Key != "ports/p1/request.json" {
		t.Errorf("List = %v, %v; want only ports/p1/request.json", list, err)
	}
}

// TestLocalCrossProcess runs writers in two child processes that share one folder: the
// flock on the lock file must order their conditional updates so no append is lost.
func TestLocalCrossProcess(t *testing.T) {
	if dir := os.Getenv("PORTDOCS_STORAGE_CHILD_DIR"); dir != "" {
		childAppend(t, dir, os.Getenv("PORTDOCS_STORAGE_CHILD_ID"))
		return
	}
	ctx := context.Background()
	dir := t.TempDir()
	l, err := storage.NewLocal(dir, storage.LocalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Put(ctx, "counter.json", strings.NewReader("[]"), 2, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	outs := make([]string, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestLocalCrossProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), "PORTDOCS_STORAGE_CHILD_DIR="+dir, "PORTDOCS_STORAGE_CHILD_ID="+strconv.Itoa(i))
			out, err := cmd.CombinedOutput()
			outs[i], errs[i] = string(out), err
		}()
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("child %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	rc, _, err := l.Get(ctx, "counter.json")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var names []string
	if err := json.NewDecoder(rc).Decode(&names); err != nil {
		t.Fatal(err)
	}
	if len(names) != 2*childAppends {
		t.Errorf("%d appends recorded, want %d: %v", len(names), 2*childAppends, names)
	}
}

const childAppends = 25

func childAppend(t *testing.T, dir, id string) {
	ctx := context.Background()
	l, err := storage.NewLocal(dir, storage.LocalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for n := 0; n < childAppends; {
		rc, info, err := l.Get(ctx, "counter.json")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		err = json.NewDecoder(rc).Decode(&names)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(append(names, fmt.Sprintf("%s-%d", id, n)))
		_, err = l.Put(ctx, "counter.json", bytes.NewReader(b), int64(len(b)), storage.PutOptions{IfMatch: info.ETag})
		switch {
		case err == nil:
			n++
		case !errors.Is(err, storage.ErrPreconditionFailed):
			t.Fatal(err)
		}
	}
}
