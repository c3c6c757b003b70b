package faults

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/testenv"
)

// note is a timeline entry as GET /v1/ports/{id}/notes lists it.
type note struct {
	ID, Type, Message, From, To string
}

func notesOf(t testing.TB, base, id string) (string, []note) {
	t.Helper()
	r := do(t.Context(), http.MethodGet, base+"/v1/ports/"+id+"/notes", reviewerKey, "", nil)
	var out struct {
		Status string
		Notes  []note
	}
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &out) != nil {
		t.Fatalf("notes of %s: %v", id, r)
	}
	return out.Status, out.Notes
}

func addNote(ctx context.Context, base, id, key, message string) response {
	body, _ := json.Marshal(map[string]string{"message": message, "visibility": "customer"})
	return do(ctx, http.MethodPost, base+"/v1/ports/"+id+"/notes", key, "application/json", body)
}

// TestPostgresKilledDuringBurst: clients create ports, add notes and render LOAs
// through the service while its PostgreSQL is SIGKILLed (the postmaster and every
// backend, as a crash) and started again. Every change the service acknowledged (2xx)
// must be there afterwards, once; every other request must have been told 503 with a
// code and Retry-After (database_unavailable while the server is down) — never a 500,
// never a dropped connection; /readyz says the database is down; and the service
// serves again once PostgreSQL is back, without a restart of its own.
func TestPostgresKilledDuringBurst(t *testing.T) {
	ctx := withDeadline(t, 3*time.Minute)
	pg := testenv.StartPostgres(t)
	svc := startService(t, map[string]string{
		"PORTDOCS_DATABASE_URL":    pg.CreateDatabase(t, "burst"),
		"PORTDOCS_REQUEST_TIMEOUT": "15s",
	})
	const workers = 4
	seeds := make([]string, workers) // a port per worker for notes
	for i := range seeds {
		id, r := createPort(ctx, svc.URL)
		if id == "" {
			t.Fatalf("create port: %v", r)
		}
		seeds[i] = id
	}
	var (
		mu        sync.Mutex
		outcomes  []outcome
		notes     = map[string]string{} // acknowledged note message → port
		wg        sync.WaitGroup
		restarted time.Time
		readyDown response
	)
	record := func(o outcome) {
		mu.Lock()
		outcomes = append(outcomes, o)
		mu.Unlock()
	}
	const (
		killAt    = 1500 * time.Millisecond
		restartAt = 4 * time.Second
		burstEnd  = 7 * time.Second
	)
	start := time.Now()
	wg.Go(func() { // the fault
		time.Sleep(killAt)
		pg.Kill()
		readyDown = do(ctx, http.MethodGet, svc.URL+"/readyz", "", "", nil)
		time.Sleep(time.Until(start.Add(restartAt)))
		if err := pg.Start(); err != nil {
			t.Errorf("restarting PostgreSQL: %v", err)
		}
		mu.Lock()
		restarted = time.Now()
		mu.Unlock()
	})
	for w := range workers {
		wg.Go(func() {
			var drafts []string
			for i := 0; time.Since(start) < burstEnd && ctx.Err() == nil; i++ {
				switch i % 3 {
				case 0:
					id, r := createPort(ctx, svc.URL)
					record(outcome{op: "create", portID: id, at: time.Now(), resp: r})
					if id != "" {
						drafts = append(drafts, id)
					}
				case 1:
					msg := fmt.Sprintf("burst note %d-%d", w, i)
					r := addNote(ctx, svc.URL, seeds[w], wizardKey, msg)
					record(outcome{op: "note", portID: seeds[w], sha: msg, at: time.Now(), resp: r})
					if r.Status == http.StatusCreated {
						mu.Lock()
						notes[msg] = seeds[w]
						mu.Unlock()
					}
				case 2:
					if len(drafts) == 0 {
						continue
					}
					id := drafts[0]
					drafts = drafts[1:]
					_, r := sendLOA(ctx, svc.URL, id)
					record(outcome{op: "loa", portID: id, at: time.Now(), resp: r})
				}
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		t.Fatalf("burst did not finish within the deadline")
	}

	counts := tally(t, outcomes)
	t.Logf("burst of %d requests over %v (PostgreSQL killed at %v, back at %v): %v", len(outcomes), burstEnd, killAt, restartAt, counts)
	if counts["create 503 database_unavailable"]+counts["note 503 database_unavailable"]+counts["loa 503 database_unavailable"] == 0 {
		t.Errorf("no request was told database_unavailable: the fault did not happen during the burst")
	}
	if readyDown.Status != http.StatusServiceUnavailable || !strings.Contains(string(readyDown.Body), "database") {
		t.Errorf("/readyz with PostgreSQL down: %v; want 503 naming the database", readyDown)
	}
	// It serves again with PostgreSQL back (pooled connections to the dead server are
	// dropped, new ones made).
	recovered := false
	for until := time.Now().Add(30 * time.Second); !recovered && time.Now().Before(until); time.Sleep(100 * time.Millisecond) {
		id, r := createPort(ctx, svc.URL)
		switch {
		case id != "":
			recovered = true
		case r.Status != http.StatusServiceUnavailable:
			t.Fatalf("creating a port after PostgreSQL came back: %v", r)
		}
	}
	if !recovered {
		t.Fatalf("no request succeeded within 30 s of PostgreSQL coming back (at %v)", restarted)
	}

	// Every acknowledged change is there, once.
	for _, o := range outcomes {
		if o.resp.Status < 200 || o.resp.Status >= 300 {
			continue
		}
		switch o.op {
		case "create":
			if v, r := getPort(ctx, svc.URL, o.portID); r.Status != http.StatusOK || v.ID != o.portID {
				t.Errorf("port %s was created (201) but reads %v", o.portID, r)
			}
		case "loa":
			v, r := getPort(ctx, svc.URL, o.portID)
			if r.Status != http.StatusOK || v.Status != "awaiting_signature" || !hasDoc(v, "loa", "") {
				t.Errorf("LOA of %s answered 201 but the port is %q with %+v (%v)", o.portID, v.Status, v.Documents, r)
			}
			verifyDocuments(t, ctx, svc.URL, v)
		}
	}
	seen := map[string]int{}
	for _, id := range seeds {
		_, ns := notesOf(t, svc.URL, id)
		for _, n := range ns {
			if n.Type == "note" {
				seen[n.Message]++
			}
		}
	}
	for msg := range notes {
		if seen[msg] != 1 {
			t.Errorf("note %q was acknowledged (201) but is in the timeline %d times", msg, seen[msg])
		}
	}
	for msg, n := range seen {
		if n > 1 {
			t.Errorf("note %q is in the timeline %d times", msg, n)
		}
	}
	t.Logf("%d acknowledged notes, all present once", len(notes))
	svc.checkNoPanic(t)
}

// TestTwoInstancesOnePostgresOneMinIO: two services — two processes, each with its
// own connection pool — on one PostgreSQL database and one MinIO bucket race on the
// same ports: each cancels every port and adds notes to it. Each port is cancelled
// exactly once (one 200, the other 409 invalid_transition), its timeline records the
// transition once, and every acknowledged note is there once, whichever instance
// wrote it and whichever reads it.
func TestTwoInstancesOnePostgresOneMinIO(t *testing.T) {
	ctx := withDeadline(t, 2*time.Minute)
	pg := testenv.StartPostgres(t)
	mc := testenv.StartMinIO(t)
	env := map[string]string{
		"PORTDOCS_DATABASE_URL": pg.CreateDatabase(t, "two"),
		"MINIO_ENDPOINT":        mc.Endpoint,
		"MINIO_ACCESS_KEY":      mc.AccessKey,
		"MINIO_SECRET_KEY":      mc.SecretKey,
		"MINIO_BUCKET":          "portdocs-two",
		"PORTDOCS_SECRET_KEY":   hex.EncodeToString([]byte("two-instances-share-one-key-32by")),
	}
	a := startService(t, env)
	b := startService(t, env)
	const ports, notesEach = 6, 5
	var ids []string
	for range ports {
		id, r := createPort(ctx, a.URL)
		if id == "" {
			t.Fatalf("create port: %v", r)
		}
		ids = append(ids, id)
	}
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		cancelled = map[string]int{}
		acked     = map[string]bool{}
	)
	for _, id := range ids {
		for i, svc := range []*service{a, b} {
			wg.Go(func() {
				for k := range notesEach {
					msg := fmt.Sprintf("instance %d note %d on %s", i, k, id)
					switch r := addNote(ctx, svc.URL, id, reviewerKey, msg); r.Status {
					case http.StatusCreated:
						mu.Lock()
						acked[msg] = true
						mu.Unlock()
					default:
						t.Errorf("note on instance %d: %v", i, r)
					}
				}
			})
			wg.Go(func() {
				r := do(ctx, http.MethodPost, svc.URL+"/v1/ports/"+id+"/cancel", wizardKey, "application/json", []byte(`{}`))
				switch r.Status {
				case http.StatusOK:
					mu.Lock()
					cancelled[id]++
					mu.Unlock()
				case http.StatusConflict:
				default:
					t.Errorf("cancel on instance %d: %v", i, r)
				}
			})
		}
	}
	wg.Wait()
	for _, id := range ids {
		if cancelled[id] != 1 {
			t.Errorf("port %s: %d cancellations answered 200, want exactly 1", id, cancelled[id])
		}
		for _, svc := range []*service{a, b} {
			status, ns := notesOf(t, svc.URL, id)
			moves, ids := 0, map[string]bool{}
			got := map[string]int{}
			for _, n := range ns {
				if ids[n.ID] {
					t.Errorf("port %s: timeline entry %s twice", id, n.ID)
				}
				ids[n.ID] = true
				if n.To == "cancelled" {
					moves++
				}
				if n.Type == "note" {
					got[n.Message]++
				}
			}
			if status != "cancelled" || moves != 1 {
				t.Errorf("port %s read on %s: status %s, %d moves to cancelled; want cancelled once", id, svc.URL, status, moves)
			}
			for msg := range acked {
				if strings.HasSuffix(msg, " on "+id) && got[msg] != 1 {
					t.Errorf("port %s: acknowledged note %q present %d times", id, msg, got[msg])
				}
			}
		}
	}
	a.checkNoPanic(t)
	b.checkNoPanic(t)
}
