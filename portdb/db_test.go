package portdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/testenv"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.StopSharedPostgres()
	os.Exit(code)
}

// engines runs a test on a fresh SQLite file and on a fresh PostgreSQL database: one
// contract, both engines.
func engines(t *testing.T, test func(t *testing.T, db *DB)) {
	for _, kind := range []Kind{SQLite, Postgres} {
		t.Run(string(kind), func(t *testing.T) {
			test(t, openTest(t, kind))
		})
	}
}

func openTest(t testing.TB, kind Kind) *DB {
	t.Helper()
	dsn := ""
	if kind == Postgres {
		dsn = testenv.PostgresDatabase(t)
	}
	db, err := Open(context.Background(), dsn, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	dsns.Store(db, dsn)
	return db
}

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func newPort(id, status string, since time.Time) *Port {
	return &Port{ID: id, Status: status, StatusSince: since, Owner: "wizard", CreatedAt: since, UpdatedAt: since,
		Carrier: "AT&T", AccountNumber: "2876543210" + id[len(id)-2:], Names: []string{"Acme Plumbing & Heating LLC", "Jane Doe"},
		Numbers: []string{"+14105550142"}, Body: []byte(`{"id":"` + id + `"}`),
		Events:    []Event{{ID: "e1", At: since, Type: "created", Actor: "wizard", Visibility: "customer", Body: []byte(`{"type":"created"}`)}},
		Documents: []Document{{Name: "loa.pdf", Kind: "loa", SHA256: "ab", Size: 3, ContentType: "application/pdf", CreatedAt: since, Key: "ports/" + id + "/docs/loa.pdf"}},
	}
}

func TestPortRoundTrip(t *testing.T) {
	engines(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		p := newPort("aaaaaaaaaaaaaaaa", "draft", t0)
		if err := db.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := db.Create(ctx, newPort("aaaaaaaaaaaaaaaa", "draft", t0)); !errors.Is(err, ErrExists) {
			t.Fatalf("second create: got %v, want ErrExists", err)
		}
		got, err := db.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != "draft" || !got.StatusSince.Equal(t0) || string(got.Body) != string(p.Body) || got.Owner != "wizard" {
			t.Errorf("got %+v", got)
		}
		if len(got.Events) != 1 || string(got.Events[0].Body) != `{"type":"created"}` || !got.Events[0].At.Equal(t0) {
			t.Errorf("events %+v", got.Events)
		}
		if !slices.Equal(got.Documents, p.Documents) {
			t.Errorf("documents %+v, want %+v", got.Documents, p.Documents)
		}
		if _, err := db.Get(ctx, "bbbbbbbbbbbbbbbb"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing port: got %v, want ErrNotFound", err)
		}
	})
}

func TestUpdateAppendsAndRollsBack(t *testing.T) {
	engines(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		p := newPort("aaaaaaaaaaaaaaaa", "draft", t0)
		if err := db.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		later := t0.Add(time.Hour)
		_, err := db.Update(ctx, p.ID, func(p *Port) error {
			p.Status, p.StatusSince, p.Flags = "in_review", later, []string{"PIN_MISMATCH"}
			p.Events = append(p.Events, Event{ID: "e2", At: later, Type: "status_changed", Actor: "wizard", Visibility: "customer", Body: []byte(`{}`)})
			p.Documents = append(p.Documents, Document{Name: "bill.pdf", Kind: "bill", SHA256: "cd", Size: 9, ContentType: "application/pdf", CreatedAt: later, Key: "k"})
			p.Body = []byte(`{"v":2}`)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		boom := errors.New("the caller's own error")
		_, err = db.Update(ctx, p.ID, func(p *Port) error {
			p.Status = "approved"
			p.Events = append(p.Events, Event{ID: "e3", At: later, Type: "x", Body: []byte(`{}`)})
			return boom
		})
		if err != boom {
			t.Fatalf("fn's error: got %v, want it unchanged", err)
		}
		if _, err := db.Update(ctx, p.ID, func(p *Port) error { p.Events = p.Events[:1]; return nil }); err == nil {
			t.Error("dropping a timeline entry was accepted")
		}
		got, err := db.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != "in_review" || string(got.Body) != `{"v":2}` || len(got.Events) != 2 || len(got.Documents) != 2 {
			t.Errorf("after update and a rolled-back one: status %s body %s, %d events, %d documents", got.Status, got.Body, len(got.Events), len(got.Documents))
		}
		if _, err := db.Update(ctx, "bbbbbbbbbbbbbbbb", func(*Port) error { return nil }); !errors.Is(err, ErrNotFound) {
			t.Errorf("update of a missing port: %v", err)
		}
	})
}

// TestConcurrentUpdatesLoseNothing: 8 writers on two connections pools (two
// "instances") append to one port's timeline; every append is there exactly once.
func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	engines(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		other := db
		if db.Kind() == Postgres {
			// A second pool on the same database: another instance.
			var err error
			if other, err = Open(ctx, dsnOf(t, db), ""); err != nil {
				t.Fatal(err)
			}
			defer other.Close()
		}
		p := newPort("aaaaaaaaaaaaaaaa", "draft", t0)
		if err := db.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		const writers, each = 8, 10
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := []*DB{db, other}[w%2]
				for i := range each {
					_, err := d.Update(ctx, p.ID, func(p *Port) error {
						p.Events = append(p.Events, Event{ID: fmt.Sprintf("w%d-%d", w, i), At: t0, Type: "note", Body: []byte(`{}`)})
						return nil
					})
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, e := range got.Events {
			seen[e.ID]++
		}
		if len(got.Events) != 1+writers*each || len(seen) != 1+writers*each {
			t.Errorf("%d events, %d distinct; want %d", len(got.Events), len(seen), 1+writers*each)
		}
	})
}

// dsnOf is the URL a test database was opened with (PostgreSQL only).
var dsns sync.Map

func dsnOf(t *testing.T, db *DB) string {
	v, ok := dsns.Load(db)
	if !ok {
		t.Fatal("no URL recorded for this database")
	}
	return v.(string)
}

func TestSigningCompareAndSwap(t *testing.T) {
	engines(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		s := &Signing{TokenSHA256: "hash1", PortID: "aaaaaaaaaaaaaaaa", Body: []byte(`{"state":"open"}`)}
		v, err := db.PutSigning(ctx, s, NoVersion)
		if err != nil || v != 1 {
			t.Fatalf("create: %d %v", v, err)
		}
		if _, err := db.PutSigning(ctx, s, NoVersion); !errors.Is(err, ErrExists) {
			t.Errorf("second create: %v, want ErrExists", err)
		}
		got, err := db.GetSigning(ctx, "hash1")
		if err != nil || string(got.Body) != `{"state":"open"}` || got.Version != 1 {
			t.Fatalf("get: %+v %v", got, err)
		}
		got.Body = []byte(`{"state":"signed"}`)
		if _, err := db.PutSigning(ctx, got, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutSigning(ctx, &Signing{TokenSHA256: "hash1", PortID: "x", Body: []byte(`{}`)}, 1); !errors.Is(err, ErrConflict) {
			t.Errorf("write on a stale version: %v, want ErrConflict", err)
		}
		if v, err := db.PutSigning(ctx, &Signing{TokenSHA256: "hash1", PortID: "aaaaaaaaaaaaaaaa", Body: []byte(`{"state":"void"}`)}, AnyVersion); err != nil || v != 3 {
			t.Errorf("unconditional write: %d %v", v, err)
		}
		if _, err := db.GetSigning(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing signing: %v", err)
		}
	})
}

func TestMigrateTwiceAndNewerSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	for range 2 {
		db, err := Open(context.Background(), "", dir)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	db, err := Open(context.Background(), "sqlite://"+filepath.Join(dir, "portdocs.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(context.Background(), "", dir); err == nil {
		t.Error("a schema newer than this code was accepted")
	}
}

func TestOpenRejectsBadURLs(t *testing.T) {
	for _, dsn := range []string{"mysql://x", "postgres://user:secret@[::1", "nonsense"} {
		_, err := Open(context.Background(), dsn, t.TempDir())
		if err == nil {
			t.Errorf("%q accepted", dsn)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: the error quotes the password: %v", dsn, err)
		}
	}
}
