package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// collector gathers results from many goroutines.
type collector struct {
	mu  sync.Mutex
	all []result
}

func (c *collector) add(rs ...result) {
	c.mu.Lock()
	c.all = append(c.all, rs...)
	c.mu.Unlock()
}

// drive runs op on clients goroutines until count operations ran (0: no count) or d
// passed, and returns the results and the wall time.
func drive(ctxDone <-chan struct{}, clients, count int, d time.Duration, op func(worker, i int) []result) ([]result, time.Duration) {
	var c collector
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				select {
				case <-ctxDone:
					return
				default:
				}
				i := int(next.Add(1)) - 1
				if count > 0 && i >= count {
					return
				}
				c.add(op(w, i)...)
			}
		}(w)
	}
	wg.Wait()
	return c.all, time.Since(start)
}

// row is one line of a latency table.
type row struct {
	kind                 string
	n, ok                int
	statuses             string
	perSec, pagesPerSec  float64
	p50, p95, p99, worst time.Duration
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// summarize groups results by kind. Latency percentiles are over every answered
// request (errors included: a fast 429 is still an answer); throughput counts 2xx only.
func summarize(rs []result, wall time.Duration) []row {
	by := map[string][]result{}
	for _, r := range rs {
		by[r.kind] = append(by[r.kind], r)
	}
	var kinds []string
	for k := range by {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kindOrder(kinds[i]) < kindOrder(kinds[j]) })
	var rows []row
	for _, k := range kinds {
		var durs []time.Duration
		codes := map[string]int{}
		r := row{kind: k}
		pages := 0
		for _, x := range by[k] {
			r.n++
			if x.status >= 200 && x.status < 300 {
				r.ok++
				pages += x.pages
			} else if x.status == 0 {
				codes["no answer"]++
			} else {
				codes[fmt.Sprint(x.status)]++
			}
			if x.status != 0 {
				durs = append(durs, x.dur)
			}
		}
		sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
		r.p50, r.p95, r.p99 = percentile(durs, .50), percentile(durs, .95), percentile(durs, .99)
		if len(durs) > 0 {
			r.worst = durs[len(durs)-1]
		}
		r.perSec = float64(r.ok) / wall.Seconds()
		r.pagesPerSec = float64(pages) / wall.Seconds()
		r.statuses = formatCodes(codes)
		rows = append(rows, r)
	}
	return rows
}

func kindOrder(k string) int {
	for i, x := range []string{"text", "scan", "create", "loa", "sign", "check", "queue", "search", "note", "big", "shed"} {
		if x == k {
			return i
		}
	}
	return 100
}

func formatCodes(codes map[string]int) string {
	if len(codes) == 0 {
		return "–"
	}
	var keys []string
	for k := range codes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s×%d", k, codes[k]))
	}
	return strings.Join(parts, ", ")
}

func ms(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

func writeRows(w io.Writer, rows []row, withPages bool) {
	if withPages {
		fmt.Fprintln(w, "| kind | requests | 2xx | other answers | 2xx/s | pages/s | p50 | p95 | p99 | max |")
		fmt.Fprintln(w, "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
	} else {
		fmt.Fprintln(w, "| kind | requests | 2xx | other answers | 2xx/s | p50 | p95 | p99 | max |")
		fmt.Fprintln(w, "|---|---:|---:|---|---:|---:|---:|---:|---:|")
	}
	for _, r := range rows {
		if withPages {
			fmt.Fprintf(w, "| %s | %d | %d | %s | %.2f | %.2f | %s | %s | %s | %s |\n", r.kind, r.n, r.ok, r.statuses, r.perSec, r.pagesPerSec, ms(r.p50), ms(r.p95), ms(r.p99), ms(r.worst))
		} else {
			fmt.Fprintf(w, "| %s | %d | %d | %s | %.1f | %s | %s | %s | %s |\n", r.kind, r.n, r.ok, r.statuses, r.perSec, ms(r.p50), ms(r.p95), ms(r.p99), ms(r.worst))
		}
	}
	fmt.Fprintln(w)
}
