package server

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/portdb"
)

func boxOf(t *testing.T, b byte) *SecretBox {
	t.Helper()
	box, err := NewSecretBox(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return box
}

// TestCheckSecretKeyAcrossStarts: two starts on one SQLite database - the second with
// another key is refused, the same key starts again; the database keeps a check
// value, never the key.
func TestCheckSecretKeyAcrossStarts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() *portdb.DB {
		db, err := portdb.Open(ctx, "", dir)
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	if err := CheckSecretKey(ctx, db, boxOf(t, 1)); err != nil {
		t.Fatalf("first start: %v", err)
	}
	stored, ok, err := db.Meta(ctx, keyCheckMeta)
	if err != nil || !ok || len(stored) != 64 {
		t.Fatalf("key check value %q %v %v; want 64 hex digits", stored, ok, err)
	}
	if key := hex.EncodeToString(bytes.Repeat([]byte{1}, 32)); strings.Contains(stored, key) || strings.Contains(stored, key[:16]) {
		t.Fatal("the database keeps the key itself")
	}
	db.Close()

	db = open()
	defer db.Close()
	err = CheckSecretKey(ctx, db, boxOf(t, 2))
	if !errors.Is(err, ErrSecretKeyMismatch) || !strings.Contains(err.Error(), "PORTDOCS_SECRET_KEY does not match") {
		t.Fatalf("second start with another key: %v; want ErrSecretKeyMismatch", err)
	}
	if err := CheckSecretKey(ctx, db, boxOf(t, 1)); err != nil {
		t.Fatalf("second start with the same key: %v", err)
	}
}

// TestCheckSecretKeyOnAnOlderDatabase: a database written before the check value was
// kept is tried on one of its sealed PINs, so a wrong key is refused there too.
func TestCheckSecretKeyOnAnOlderDatabase(t *testing.T) {
	e := newTestEnv(t, nil) // its box: 32 bytes of 7
	e.createPort(validRequest)
	db := e.srv.cfg.DB
	if _, ok, _ := db.Meta(t.Context(), keyCheckMeta); ok {
		t.Fatal("the test database already has a key check value")
	}
	err := CheckSecretKey(t.Context(), db, boxOf(t, 8))
	if !errors.Is(err, ErrSecretKeyMismatch) || !strings.Contains(err.Error(), "does not open") {
		t.Fatalf("another key on a database with sealed PINs: %v; want ErrSecretKeyMismatch", err)
	}
	if _, ok, _ := db.Meta(t.Context(), keyCheckMeta); ok {
		t.Error("a refused key left its check value behind")
	}
	if err := CheckSecretKey(t.Context(), db, boxOf(t, 7)); err != nil {
		t.Fatalf("the database's own key: %v", err)
	}
}

// TestCheckSecretKeyRace: two instances starting at once on a fresh PostgreSQL
// database with different keys - exactly one starts.
func TestCheckSecretKeyRace(t *testing.T) {
	dsn := testenv.PostgresDatabase(t)
	ctx := context.Background()
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		db, err := portdb.Open(ctx, dsn, "")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = CheckSecretKey(ctx, db, boxOf(t, byte(10+i)))
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("both or neither started: %v, %v", errs[0], errs[1])
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, ErrSecretKeyMismatch) {
			t.Errorf("the refused one: %v; want ErrSecretKeyMismatch", err)
		}
	}
}
