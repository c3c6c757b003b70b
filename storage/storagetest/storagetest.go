// Package storagetest is the conformance suite every storage.Store backend passes: the
// local folder and MinIO run the very same assertions, so code above the storage layer
// can't tell them apart. (The pattern is perkeep's pkg/blobserver/storagetest.)
package storagetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/storage"
)

// Run runs the suite. newStore returns an empty store for one subtest (a fresh folder or
// bucket); it registers its own cleanup with t.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, newStore(t)) })
	t.Run("Overwrite", func(t *testing.T) { testOverwrite(t, newStore(t)) })
	t.Run("List", func(t *testing.T) { testList(t, newStore(t)) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, newStore(t)) })
	t.Run("NotFound", func(t *testing.T) { testNotFound(t, newStore(t)) })
	t.Run("Conditional", func(t *testing.T) { testConditional(t, newStore(t)) })
	t.Run("ConcurrentConditional", func(t *testing.T) { testConcurrentConditional(t, newStore(t)) })
	t.Run("NoneLost", func(t *testing.T) { testNoneLost(t, newStore(t)) })
	t.Run("Retained", func(t *testing.T) { testRetained(t, newStore(t)) })
	t.Run("InvalidKeys", func(t *testing.T) { testInvalidKeys(t, newStore(t)) })
	t.Run("InvalidMetadata", func(t *testing.T) { testInvalidMetadata(t, newStore(t)) })
	t.Run("ShortBody", func(t *testing.T) { testShortBody(t, newStore(t)) })
	t.Run("Large", func(t *testing.T) { testLarge(t, newStore(t)) })
	t.Run("ContextCancel", func(t *testing.T) { testContextCancel(t, newStore(t)) })
	t.Run("Ping", func(t *testing.T) {
		if err := newStore(t).Ping(context.Background()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// put stores b and fails the test on error.
func put(t *testing.T, s storage.Store, key string, b []byte, opts storage.PutOptions) storage.ObjectInfo {
	t.Helper()
	info, err := s.Put(ctxT(t), key, bytes.NewReader(b), int64(len(b)), opts)
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return info
}

// get reads a whole object and fails the test on error.
func get(t *testing.T, s storage.Store, key string) ([]byte, storage.ObjectInfo) {
	t.Helper()
	rc, info, err := s.Get(ctxT(t), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): reading: %v", key, err)
	}
	return b, info
}

func testRoundTrip(t *testing.T, s storage.Store) {
	for _, tc := range []struct {
		name     string
		key      string
		body     []byte
		opts     storage.PutOptions
		wantType string
		wantMeta map[string]string
	}{
		{name: "json record with metadata", key: "ports/p1/request.json", body: []byte(`{"carrier_name":"AT&T"}`),
			opts:     storage.PutOptions{ContentType: "application/json", Metadata: map[string]string{"Port-ID": "p1", "kind": "request"}},
			wantType: "application/json", wantMeta: map[string]string{"port-id": "p1", "kind": "request"}},
		{name: "empty object", key: "ports/p1/events/empty", body: []byte{},
			opts: storage.PutOptions{ContentType: "text/plain"}, wantType: "text/plain", wantMeta: map[string]string{}},
		{name: "binary without content type", key: "ports/p1/documents/bill.pdf", body: bytes.Repeat([]byte{0, 1, 2, 0xff}, 4096),
			wantType: "application/octet-stream", wantMeta: map[string]string{}},
		{name: "unicode key", key: "ports/p1/documents/facture-été.pdf", body: []byte("%PDF-1.7"),
			opts: storage.PutOptions{ContentType: "application/pdf"}, wantType: "application/pdf", wantMeta: map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := time.Now().Add(-time.Minute)
			pinfo := put(t, s, tc.key, tc.body, tc.opts)
			check := func(where string, info storage.ObjectInfo) {
				t.Helper()
				if info.Key != tc.key || info.Size != int64(len(tc.body)) || info.SHA256 != sha(tc.body) {
					t.Errorf("%s: key %q size %d sha %.12s, want %q %d %.12s", where, info.Key, info.Size, info.SHA256, tc.key, len(tc.body), sha(tc.body))
				}
				if info.ContentType != tc.wantType {
					t.Errorf("%s: content type %q, want %q", where, info.ContentType, tc.wantType)
				}
				if info.ETag == "" || info.ETag != pinfo.ETag {
					t.Errorf("%s: ETag %q, want the Put's %q", where, info.ETag, pinfo.ETag)
				}
				if !info.RetainUntil.IsZero() {
					t.Errorf("%s: RetainUntil %v on an object put without Retain", where, info.RetainUntil)
				}
				if info.Modified.Before(before) || info.Modified.After(time.Now().Add(time.Minute)) {
					t.Errorf("%s: Modified %v is not about now", where, info.Modified)
				}
			}
			check("Put", pinfo)
			body, ginfo := get(t, s, tc.key)
			if !bytes.Equal(body, tc.body) {
				t.Errorf("Get body = %d bytes %.20q, want %d bytes %.20q", len(body), body, len(tc.body), tc.body)
			}
			check("Get", ginfo)
			assertMeta(t, "Get", ginfo.Metadata, tc.wantMeta)
			sinfo, err := s.Stat(ctxT(t), tc.key)
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			check("Stat", sinfo)
			assertMeta(t, "Stat", sinfo.Metadata, tc.wantMeta)
		})
	}
}

func assertMeta(t *testing.T, where string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: metadata %v, want %v", where, got, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: metadata[%q] = %q, want %q (all: %v)", where, k, got[k], v, got)
		}
	}
}

func testOverwrite(t *testing.T, s storage.Store) {
	first := put(t, s, "ports/p1/request.json", []byte(`{"v":1}`), storage.PutOptions{Metadata: map[string]string{"old": "yes"}})
	second := put(t, s, "ports/p1/request.json", []byte(`{"v":2,"more":true}`), storage.PutOptions{ContentType: "application/json"})
	if first.ETag == second.ETag {
		t.Errorf("ETag unchanged (%q) after writing different content", first.ETag)
	}
	body, info := get(t, s, "ports/p1/request.json")
	if string(body) != `{"v":2,"more":true}` || info.ETag != second.ETag || info.SHA256 != sha(body) {
		t.Errorf("after overwrite: %q etag %q sha %.12s, want the second version (etag %q)", body, info.ETag, info.SHA256, second.ETag)
	}
	assertMeta(t, "overwritten", info.Metadata, map[string]string{})
}

// testList never stores a key that is also a folder ("ports/p1" beside "ports/p1/x"):
// MinIO can't hold both, so the contract forbids it (see the storage package comment).
func testList(t *testing.T, s storage.Store) {
	keys := []string{"ports/p2/request.json", "ports/p1/documents/bill.pdf", "ports/p1/request.json",
		"ports/p10/request.json", "ports/p1/checks/20261003T101010Z.json", "audit/x", "ports/p1.json"}
	for i, k := range keys {
		put(t, s, k, []byte(strings.Repeat("x", i+1)), storage.PutOptions{ContentType: "text/plain"})
	}
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"ports/p1/", []string{"ports/p1/checks/20261003T101010Z.json", "ports/p1/documents/bill.pdf", "ports/p1/request.json"}},
		{"ports/p1", []string{"ports/p1.json", "ports/p1/checks/20261003T101010Z.json", "ports/p1/documents/bill.pdf", "ports/p1/request.json", "ports/p10/request.json"}},
		{"ports/p1/documents/", []string{"ports/p1/documents/bill.pdf"}},
		{"ports/p1/req", []string{"ports/p1/request.json"}},
		{"", []string{"audit/x", "ports/p1.json", "ports/p1/checks/20261003T101010Z.json", "ports/p1/documents/bill.pdf", "ports/p1/request.json", "ports/p10/request.json", "ports/p2/request.json"}},
		{"ports/p9/", nil},
		{"nothing", nil},
	} {
		t.Run(tc.prefix, func(t *testing.T) {
			got, err := s.List(ctxT(t), tc.prefix)
			if err != nil {
				t.Fatalf("List(%q): %v", tc.prefix, err)
			}
			var gotKeys []string
			for _, o := range got {
				gotKeys = append(gotKeys, o.Key)
				st, err := s.Stat(ctxT(t), o.Key)
				if err != nil {
					t.Fatalf("Stat(%q): %v", o.Key, err)
				}
				if o.Size != st.Size || o.ETag != st.ETag {
					t.Errorf("List %q: size %d etag %q, Stat says %d %q", o.Key, o.Size, o.ETag, st.Size, st.ETag)
				}
			}
			if fmt.Sprint(gotKeys) != fmt.Sprint(tc.want) {
				t.Errorf("List(%q) = %v, want %v", tc.prefix, gotKeys, tc.want)
			}
		})
	}
}

func testDelete(t *testing.T, s storage.Store) {
	put(t, s, "ports/p1/notes/a.json", []byte("a"), storage.PutOptions{})
	put(t, s, "ports/p1/notes/b.json", []byte("b"), storage.PutOptions{})
	if err := s.Delete(ctxT(t), "ports/p1/notes/a.json"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Stat(ctxT(t), "ports/p1/notes/a.json"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat after Delete: %v, want ErrNotFound", err)
	}
	if _, _, err := s.Get(ctxT(t), "ports/p1/notes/a.json"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctxT(t), "ports/p1/notes/a.json"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("second Delete: %v, want ErrNotFound", err)
	}
	list, err := s.List(ctxT(t), "ports/p1/")
	if err != nil || len(list) != 1 || list[0].Key != "ports/p1/notes/b.json" {
		t.Errorf("List after Delete = %v, %v; want only ports/p1/notes/b.json", list, err)
	}
	// A deleted key can be created again, create-only.
	if _, err := s.Put(ctxT(t), "ports/p1/notes/a.json", strings.NewReader("again"), 5, storage.PutOptions{IfNoneMatch: "*"}); err != nil {
		t.Errorf("create-only Put after Delete: %v", err)
	}
}

func testNotFound(t *testing.T, s storage.Store) {
	put(t, s, "ports/p1/request.json", []byte("x"), storage.PutOptions{})
	for _, key := range []string{"ports/p2/request.json", "ports/p1", "ports/p1/request.json/x", "ports/p1/request.jso"} {
		if _, _, err := s.Get(ctxT(t), key); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Get(%q): %v, want ErrNotFound", key, err)
		}
		if _, err := s.Stat(ctxT(t), key); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Stat(%q): %v, want ErrNotFound", key, err)
		}
	}
}

func testConditional(t *testing.T, s storage.Store) {
	const key = "ports/p1/request.json"
	created, err := s.Put(ctxT(t), key, strings.NewReader("v1"), 2, storage.PutOptions{IfNoneMatch: "*"})
	if err != nil {
		t.Fatalf("create-only Put of a new key: %v", err)
	}
	updated, err := s.Put(ctxT(t), key, strings.NewReader("v2"), 2, storage.PutOptions{IfMatch: created.ETag})
	if err != nil {
		t.Fatalf("Put IfMatch the current ETag: %v", err)
	}
	for _, tc := range []struct {
		name string
		key  string
		opts storage.PutOptions
	}{
		{"create-only on an existing key", key, storage.PutOptions{IfNoneMatch: "*"}},
		{"IfMatch a stale ETag", key, storage.PutOptions{IfMatch: created.ETag}},
		{"IfMatch a made-up ETag", key, storage.PutOptions{IfMatch: "0123456789abcdef0123456789abcdef"}},
		{"IfMatch on a missing key", "ports/p2/request.json", storage.PutOptions{IfMatch: created.ETag}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Put(ctxT(t), tc.key, strings.NewReader("lost"), 4, tc.opts)
			if !errors.Is(err, storage.ErrPreconditionFailed) {
				t.Fatalf("Put: %v, want ErrPreconditionFailed", err)
			}
		})
	}
	body, info := get(t, s, key)
	if string(body) != "v2" || info.ETag != updated.ETag {
		t.Errorf("after failed conditions: %q etag %q, want v2 etag %q", body, info.ETag, updated.ETag)
	}
	if _, err := s.Stat(ctxT(t), "ports/p2/request.json"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a failed IfMatch on a missing key created it: Stat = %v", err)
	}
}
