package faults

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/testenv"
)

// outcome is one request of a burst and what the client was told.
type outcome struct {
	op     string // "create", "loa", "bill"
	portID string
	sha    string // the bill's SHA-256 (bill uploads)
	at     time.Time
	resp   response
}

// TestMinIOKilledDuringBurst: workers create ports, render LOAs and upload bills
// through the service while MinIO is SIGKILLed and started again. Every request the
// service answered 2xx must have left its documents readable with the right SHA-256;
// every other request must have been told 503 with a code and Retry-After — never a
// 500, never a dropped connection; and the service must serve again once MinIO is back.
func TestMinIOKilledDuringBurst(t *testing.T) {
	ctx := withDeadline(t, 3*time.Minute)
	mc := testenv.StartMinIO(t)
	testenv.LookTool(t, "tesseract")
	svc := startService(t, map[string]string{
		"MINIO_ENDPOINT":   mc.Endpoint,
		"MINIO_ACCESS_KEY": mc.AccessKey,
		"MINIO_SECRET_KEY": mc.SecretKey,
		"MINIO_BUCKET":     "portdocs-faults",
		// Requests waiting on a dead MinIO end as 503 timeout within the test's bounds.
		"PORTDOCS_REQUEST_TIMEOUT": "15s",
	})
	bills := fixtureBills(t)

	const workers = 4
	signed := make([]string, workers)
	for i := range signed {
		signed[i] = signedPort(t, ctx, svc.URL)
	}

	var (
		mu       sync.Mutex
		outcomes []outcome
		wg       sync.WaitGroup
	)
	record := func(o outcome) {
		mu.Lock()
		outcomes = append(outcomes, o)
		mu.Unlock()
	}
	start := time.Now()
	const (
		killAt    = 2 * time.Second
		restartAt = 6 * time.Second
		burstEnd  = 12 * time.Second
	)
	var restarted time.Time
	wg.Add(1)
	go func() { // the fault
		defer wg.Done()
		time.Sleep(killAt)
		mc.Kill()
		time.Sleep(restartAt - killAt)
		if err := mc.Start(); err != nil {
			t.Errorf("restarting MinIO: %v", err)
		}
		mu.Lock()
		restarted = time.Now()
		mu.Unlock()
	}()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
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
					// Each upload is a distinct file, so each has its own stored name.
					bill := uniqueBill(bills, w*1000+i)
					r := uploadFile(ctx, svc.URL+"/v1/ports/"+signed[w]+"/bill", "bill.pdf", bill)
					record(outcome{op: "bill", portID: signed[w], sha: sha256Hex(bill), at: time.Now(), resp: r})
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
		}(w)
	}
	wg.Wait()
	if ctx.Err() != nil {
		t.Fatalf("burst did not finish within the deadline")
	}

	// What clients were told.
	counts := tally(t, outcomes)
	var afterRestartOK int
	for _, o := range outcomes {
		if o.resp.Status >= 200 && o.resp.Status < 300 && !restarted.IsZero() && o.at.After(restarted) {
			afterRestartOK++
		}
	}
	t.Logf("burst of %d requests over %v (MinIO killed at %v, back at %v): %v", len(outcomes), burstEnd, killAt, restartAt, counts)
	if n503 := counts["create 503 storage_unavailable"] + counts["bill 503 storage_unavailable"] + counts["loa 503 storage_unavailable"] +
		counts["create 503 timeout"] + counts["bill 503 timeout"] + counts["loa 503 timeout"]; n503 == 0 {
		t.Errorf("no request saw the outage (no 503): the fault did not happen during the burst")
	}
	// The service serves again once MinIO is back (on a slow machine MinIO may come back
	// only after the burst, so probe rather than rely on the burst's last requests).
	recovered := afterRestartOK > 0
	for probeUntil := time.Now().Add(30 * time.Second); !recovered && time.Now().Before(probeUntil); time.Sleep(250 * time.Millisecond) {
		id, r := createPort(ctx, svc.URL)
		switch {
		case id != "":
			recovered = true
		case r.Status != http.StatusServiceUnavailable:
			t.Fatalf("creating a port after MinIO came back: %v", r)
		}
	}
	if !recovered {
		t.Errorf("no request succeeded within 30 s of MinIO coming back: the service did not recover")
	}

	// What is in storage: every 2xx left readable documents with the right SHA-256, and
	// no port lists a document it cannot serve.
	vctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	ports := map[string]portView{}
	seen := map[string]bool{}
	for _, o := range outcomes {
		if o.portID == "" || seen[o.portID] {
			continue
		}
		seen[o.portID] = true
		v, r := getPort(vctx, svc.URL, o.portID)
		if r.Status != http.StatusOK || r.Err != nil {
			t.Errorf("port %s (%s answered %d) unreadable after the fault: %v", o.portID, o.op, o.resp.Status, r)
			continue
		}
		ports[o.portID] = v
		verifyDocuments(t, vctx, svc.URL, v)
	}
	for _, o := range outcomes {
		if o.resp.Status < 200 || o.resp.Status >= 300 {
			continue
		}
		v := ports[o.portID]
		switch o.op {
		case "bill":
			if !hasDoc(v, "bill", o.sha) {
				t.Errorf("bill %s answered %d but port %s does not list it: %+v", o.sha[:12], o.resp.Status, o.portID, v.Documents)
			}
		case "loa":
			if !hasDoc(v, "loa", "") || v.Status != "awaiting_signature" {
				t.Errorf("LOA answered %d but port %s is %s with %+v", o.resp.Status, o.portID, v.Status, v.Documents)
			}
		}
	}
	svc.checkNoPanic(t)
}

// tally checks what each request of a burst was told — 2xx, or 503 with an error code
// and Retry-After; never another status or a dropped connection — and counts the
// answers by operation, status and error code.
func tally(t testing.TB, outcomes []outcome) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, o := range outcomes {
		key := fmt.Sprintf("%s %d", o.op, o.resp.Status)
		switch {
		case o.resp.Err != nil:
			t.Errorf("%s on port %q: %v (the service must answer, not drop the connection)", o.op, o.portID, o.resp)
			key = o.op + " transport-error"
		case o.resp.Status >= 200 && o.resp.Status < 300:
		case o.resp.Status == http.StatusServiceUnavailable:
			if o.resp.errorCode() == "" || o.resp.Header.Get("Retry-After") == "" {
				t.Errorf("%s: 503 without an error code or Retry-After: %v", o.op, o.resp)
			}
			key += " " + o.resp.errorCode()
		default:
			t.Errorf("%s on port %q: %v; want 2xx or 503", o.op, o.portID, o.resp)
		}
		counts[key]++
	}
	return counts
}

func hasDoc(v portView, kind, sha string) bool {
	for _, d := range v.Documents {
		if d.Kind == kind && (sha == "" || d.SHA256 == sha) {
			return true
		}
	}
	return false
}
