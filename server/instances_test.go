package server

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/portdb"
)

// TestTwoInstancesRaceOnePostgres: two servers, each with its own connection pool to
// one PostgreSQL database and one shared storage, take the same ports' notes and
// cancellations at once. Every note lands once, each port is cancelled exactly once
// (one 200, the rest 409), and its timeline records the transition once.
func TestTwoInstancesRaceOnePostgres(t *testing.T) {
	dsn := testenv.PostgresDatabase(t)
	open := func() *portdb.DB {
		db, err := portdb.Open(context.Background(), dsn, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a := newTestEnv(t, func(c *Config) { c.DB = open() })
	b := newTestEnv(t, func(c *Config) { c.DB, c.Store = open(), a.store })
	const ports, notesEach, cancelsEach = 4, 6, 3
	var ids []string
	for range ports {
		ids = append(ids, a.createPort(validRequest))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	cancelled := map[string]int{}
	for _, id := range ids {
		for i, e := range []*testEnv{a, b} {
			wg.Add(2)
			go func() {
				defer wg.Done()
				for range notesEach {
					rec := e.do(http.MethodPost, "/v1/ports/"+id+"/notes", reviewerKey, "application/json",
						strings.NewReader(`{"message":"instance note","visibility":"internal"}`))
					if rec.Code != http.StatusCreated && rec.Code != http.StatusOK {
						t.Errorf("note on instance %d: %d %s", i, rec.Code, rec.Body)
					}
				}
			}()
			go func() {
				defer wg.Done()
				for range cancelsEach {
					rec := e.do(http.MethodPost, "/v1/ports/"+id+"/cancel", wizardKey, "application/json", strings.NewReader(`{}`))
					switch rec.Code {
					case http.StatusOK:
						mu.Lock()
						cancelled[id]++
						mu.Unlock()
					case http.StatusConflict:
					default:
						t.Errorf("cancel on instance %d: %d %s", i, rec.Code, rec.Body)
					}
				}
			}()
		}
	}
	wg.Wait()
	for _, id := range ids {
		if cancelled[id] != 1 {
			t.Errorf("port %s cancelled %d times, want once", id, cancelled[id])
		}
		r, err := b.srv.records.get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		notes, moves := 0, 0
		seen := map[string]bool{}
		for _, ev := range r.Timeline {
			if seen[ev.ID] {
				t.Errorf("port %s: event %s recorded twice", id, ev.ID)
			}
			seen[ev.ID] = true
			switch {
			case ev.Type == EventNote:
				notes++
			case ev.Type == EventStatusChanged && ev.To == StatusCancelled:
				moves++
			}
		}
		if r.Status != StatusCancelled || moves != 1 || notes != 2*notesEach {
			t.Errorf("port %s: status %s, %d cancellations and %d notes recorded; want cancelled, 1 and %d", id, r.Status, moves, notes, 2*notesEach)
		}
	}
}
