package faults

import (
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/hostile"
	"github.com/portdocs/portdocs/internal/testenv"
)

const (
	// hostileSeed makes the generated set reproducible: hostile.Generate(hostileSeed, n)[i]
	// is the file a failure names.
	hostileSeed = 20261130
	// hostileDefaultN is the 2,000 files (about 2 minutes on two cores);
	// PORTDOCS_HOSTILE_N changes it (a few hundred for a quick local run).
	hostileDefaultN = 2000
	// hostileRSSLimit is the service's peak resident memory allowed over the whole run:
	// the 600 MB budget for the service under load.
	hostileRSSLimit = 600 << 20
	// hostileClients is how many files are in flight at once.
	hostileClients = 4
)

// TestHostileFiles sends the committed fuzz corpora and generated hostile files
// (truncated, encrypted, zero-page, bombs, wrong types, random bytes, giant CSV lines)
// through POST /v1/extract and POST /v1/numbers. Every answer must be a 2xx or a 4xx,
// or a deliberate 503 (a timeout, OCR unavailable or the reader busy with earlier files, with Retry-After); never a 500,
// never a dropped connection. The service must not panic, must still be alive at the
// end, and its peak RSS must stay under hostileRSSLimit.
func TestHostileFiles(t *testing.T) {
	n := hostileDefaultN
	if v := os.Getenv("PORTDOCS_HOSTILE_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("PORTDOCS_HOSTILE_N=%q: use a positive whole number", v)
		}
	}
	testenv.LookTool(t, "tesseract")
	testenv.LookTool(t, "pdftoppm")
	ctx := withDeadline(t, time.Duration(n)*time.Second+2*time.Minute)
	svc := startService(t, map[string]string{
		// A bound per request: a parser that spins is cut off (a deliberate 503) rather
		// than holding a worker for the default minute.
		"PORTDOCS_REQUEST_TIMEOUT": "10s",
	})

	corpus, err := hostile.Corpus(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	files := append(corpus, hostile.Generate(hostileSeed, max(0, n-len(corpus)))...)
	if len(files) > n {
		files = files[:n]
	}

	type result struct {
		file hostile.File
		resp response
		took time.Duration
	}
	results := make([]result, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < hostileClients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				f := files[i]
				t0 := time.Now()
				var r response
				if f.Target == hostile.TargetNumbers {
					r = do(ctx, http.MethodPost, svc.URL+"/v1/numbers", wizardKey, "text/csv", f.Data)
				} else {
					r = uploadFile(ctx, svc.URL+"/v1/extract", f.Name, f.Data)
				}
				r.Body = r.Body[:min(len(r.Body), 400)]
				results[i] = result{f, r, time.Since(t0)}
			}
		}()
	}
	for i := range files {
		if ctx.Err() != nil || !svc.running() {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)

	byStatus := map[string]int{}
	byKind := map[string]map[string]int{}
	var slowest []result
	for _, r := range results {
		if r.file.Name == "" {
			continue
		}
		status := strconv.Itoa(r.resp.Status)
		switch {
		case r.resp.Err != nil:
			status = "no answer"
			t.Errorf("%s (%s, %d bytes): %v", r.file.Name, r.file.Kind, len(r.file.Data), r.resp)
		case r.resp.Status == http.StatusServiceUnavailable:
			code := r.resp.errorCode()
			status += " " + code
			if (code != "timeout" && code != "ocr_unavailable" && code != "busy") || r.resp.Header.Get("Retry-After") == "" {
				t.Errorf("%s (%s): 503 that is not a deliberate timeout or OCR refusal: %v", r.file.Name, r.file.Kind, r.resp)
			}
		case r.resp.Status >= 500:
			t.Errorf("%s (%s, %d bytes): %v", r.file.Name, r.file.Kind, len(r.file.Data), r.resp)
		case r.resp.Status >= 400 && r.resp.errorCode() == "":
			t.Errorf("%s (%s): %d without a JSON error code: %v", r.file.Name, r.file.Kind, r.resp.Status, r.resp)
		}
		byStatus[status]++
		if byKind[r.file.Kind] == nil {
			byKind[r.file.Kind] = map[string]int{}
		}
		byKind[r.file.Kind][status]++
		slowest = append(slowest, r)
	}
	sort.Slice(slowest, func(i, j int) bool { return slowest[i].took > slowest[j].took })

	if !svc.running() {
		t.Fatalf("the service died during the run (%v):\n%s", svc.Err(), tail(svc.log.String(), 3000))
	}
	if r := do(ctx, http.MethodGet, svc.URL+"/healthz", "", "", nil); r.Status != http.StatusOK {
		t.Errorf("after the run /healthz: %v", r)
	}
	peak, err := svc.peakRSS()
	if err != nil {
		t.Fatal(err)
	}
	if peak > hostileRSSLimit {
		t.Errorf("peak RSS %d MB, limit %d MB", peak>>20, hostileRSSLimit>>20)
	}
	svc.checkNoPanic(t)

	var kinds []string
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var table strings.Builder
	for _, k := range kinds {
		fmt.Fprintf(&table, "  %-28s %v\n", k, byKind[k])
	}
	t.Logf("%d hostile files (%d from fuzz corpora, seed %d) in %v with %d clients; peak RSS %d MB; statuses %v\n%s",
		len(results), len(corpus), hostileSeed, elapsed.Round(time.Millisecond), hostileClients, peak>>20, byStatus, table.String())
	for _, r := range slowest[:min(5, len(slowest))] {
		t.Logf("slow: %s (%d bytes) %v -> %d %s", r.file.Name, len(r.file.Data), r.took.Round(time.Millisecond), r.resp.Status, r.resp.errorCode())
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
