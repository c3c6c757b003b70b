package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/portdocs/portdocs/internal/formfile"
	"github.com/portdocs/portdocs/internal/procstat"
)

type bench struct {
	cfg    config
	files  fixtureSet
	out    io.Writer
	log    io.Writer
	client *client

	// Filled by the phases and compared with the reference tools at the end.
	textRows, scanRows []row
	scanWall           time.Duration
	scanPages          int
}

// peak is the server's VmHWM, when the process is known.
func (b *bench) peak() (int64, bool) {
	if b.cfg.pid == 0 {
		return 0, false
	}
	v, err := procstat.Bytes(b.cfg.pid, "VmHWM")
	return v, err == nil
}

// measure runs f with the server's peak RSS reset before (when the kernel allows) and
// sampled during; it returns the phase's peak and how it was measured.
func (b *bench) measure(f func()) (int64, string) {
	if b.cfg.pid == 0 {
		f()
		return 0, "unknown (no -pid)"
	}
	reset := procstat.ResetPeak(b.cfg.pid) == nil
	s := sampleRSS(b.cfg.pid)
	f()
	sampled := s.end()
	if hwm, err := procstat.Bytes(b.cfg.pid, "VmHWM"); err == nil && reset {
		return max(hwm, sampled), "VmHWM, reset at the phase start"
	}
	return sampled, "highest VmRSS sampled every 50 ms"
}

func (b *bench) phase(ctx context.Context, name string) error {
	switch name {
	case "text":
		return b.textPhase(ctx)
	case "mix":
		return b.mixPhase(ctx)
	case "queue":
		return b.queuePhase(ctx)
	case "scan":
		return b.scanPhase(ctx)
	case "shed":
		return b.shedPhase(ctx)
	case "big":
		return b.bigPhase(ctx)
	case "ref":
		return b.refPhase(ctx)
	}
	return fmt.Errorf("unknown phase")
}

func (b *bench) textPhase(ctx context.Context) error {
	var rs []result
	var wall time.Duration
	peak, how := b.measure(func() {
		rs, wall = drive(ctx.Done(), b.cfg.clients, b.cfg.count, b.cfg.duration, func(_, i int) []result {
			return []result{b.client.extract(ctx, "text", b.files.text[i%len(b.files.text)])}
		})
	})
	b.textRows = summarize(rs, wall)
	fmt.Fprintf(b.out, "## Text bills: POST /v1/extract, %d concurrent clients, %v\n\n", b.cfg.clients, wall.Round(time.Millisecond))
	writeRows(b.out, b.textRows, true)
	fmt.Fprintf(b.out, "Server peak RSS in this phase: %s (%s)\n\n", mb(peak), how)
	return nil
}

// mixPhase draws each operation by weight: text bills and scans through the prefill,
// LOA renders (create a port, render its LOA), and checks (create, render, sign on the
// signing page, upload the bill, which extracts and checks it).
func (b *bench) mixPhase(ctx context.Context) error {
	total := 0
	for _, w := range b.cfg.mix {
		total += w
	}
	if total == 0 {
		return fmt.Errorf("-mix weights are all zero")
	}
	rngs := make([]*rand.Rand, b.cfg.clients)
	for i := range rngs {
		rngs[i] = rand.New(rand.NewPCG(uint64(i), 42))
	}
	pick := func(r *rand.Rand) string {
		w := r.IntN(total)
		for _, k := range []string{"text", "scan", "loa", "check"} {
			if w -= b.cfg.mix[k]; w < 0 {
				return k
			}
		}
		return "text"
	}
	var rs []result
	var wall time.Duration
	peak, how := b.measure(func() {
		rs, wall = drive(ctx.Done(), b.cfg.clients, b.cfg.count, b.cfg.duration, func(w, i int) []result {
			r := rngs[w]
			switch pick(r) {
			case "scan":
				return []result{b.client.extract(ctx, "scan", b.files.scans[r.IntN(len(b.files.scans))])}
			case "loa":
				return b.client.loaFlow(ctx, b.files.text[r.IntN(len(b.files.text))], false)
			case "check":
				return b.client.loaFlow(ctx, b.files.text[r.IntN(len(b.files.text))], true)
			}
			return []result{b.client.extract(ctx, "text", b.files.text[r.IntN(len(b.files.text))])}
		})
	})
	fmt.Fprintf(b.out, "## Mix (%s), %d concurrent clients, %v\n\n", b.cfg.mixSpec, b.cfg.clients, wall.Round(time.Millisecond))
	fmt.Fprintln(b.out, "`check` is the bill upload of a signed port (stores, extracts, checks); `create`, `loa` and `sign` are the steps before it.")
	fmt.Fprintln(b.out)
	writeRows(b.out, summarize(rs, wall), true)
	fmt.Fprintf(b.out, "Server peak RSS in this phase: %s (%s)\n\n", mb(peak), how)
	return nil
}

// scanPhase keeps the OCR workers busy: twice as many clients as workers, each scan
// sent in turn, for at least one round of every scan fixture.
func (b *bench) scanPhase(ctx context.Context) error {
	clients := 2 * b.cfg.ocrWorkers
	count := b.cfg.count
	if count == 0 {
		count = len(b.files.scans) * 2
	}
	var rs []result
	var wall time.Duration
	peak, how := b.measure(func() {
		rs, wall = drive(ctx.Done(), clients, count, 4*b.cfg.duration, func(_, i int) []result {
			return []result{b.client.extract(ctx, "scan", b.files.scans[i%len(b.files.scans)])}
		})
	})
	b.scanRows, b.scanWall = summarize(rs, wall), wall
	for _, r := range rs {
		if r.status == 200 {
			b.scanPages += r.pages
		}
	}
	fmt.Fprintf(b.out, "## Scans: POST /v1/extract, %d concurrent clients, %d OCR workers, %v\n\n", clients, b.cfg.ocrWorkers, wall.Round(time.Millisecond))
	writeRows(b.out, b.scanRows, true)
	fmt.Fprintf(b.out, "Server peak RSS in this phase: %s (%s)\n\n", mb(peak), how)
	return nil
}

// shedPhase sends shedN scans at the same instant: far more than the OCR workers and
// queue hold. The queue should answer the overflow with 429 and Retry-After at once,
// and memory should stay where it was instead of growing with the flood.
func (b *bench) shedPhase(ctx context.Context) error {
	var before int64
	if b.cfg.pid != 0 {
		before, _ = procstat.Bytes(b.cfg.pid, "VmRSS")
	}
	var c collector
	var wg sync.WaitGroup
	gate := make(chan struct{})
	start := time.Now()
	peak, how := b.measure(func() {
		for i := 0; i < b.cfg.shedN; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-gate
				c.add(b.client.extract(ctx, "shed", b.files.scans[i%len(b.files.scans)]))
			}(i)
		}
		start = time.Now()
		close(gate)
		wg.Wait()
	})
	wall := time.Since(start)
	var ok, shed, shedRA, other int
	var slowest429 time.Duration
	for _, r := range c.all {
		switch {
		case r.status == 200:
			ok++
		case r.status == 429:
			shed++
			if r.retryAfter {
				shedRA++
			}
			if slowest429 == 0 || r.dur > slowest429 {
				slowest429 = r.dur
			}
		default:
			other++
		}
	}
	fmt.Fprintf(b.out, "## OCR queue shedding: %d scans at once, %d OCR workers\n\n", b.cfg.shedN, b.cfg.ocrWorkers)
	fmt.Fprintln(b.out, "| sent | 200 | 429 | 429 with Retry-After | other | slowest 429 | all answered in | RSS before | peak RSS during |")
	fmt.Fprintln(b.out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	fmt.Fprintf(b.out, "| %d | %d | %d | %d | %d | %s | %s | %s | %s |\n\n", b.cfg.shedN, ok, shed, shedRA, other, ms(slowest429), ms(wall), mb(before), mb(peak))
	fmt.Fprintf(b.out, "(peak: %s)\n\n", how)
	return nil
}

// bigPhase sends bigN uploads of bigSize each at once: memory must stay bounded when
// the body limit is reached by many clients together.
func (b *bench) bigPhase(ctx context.Context) error {
	file := bigPDF(b.cfg.bigSize)
	ct, body := formfile.Body("big.pdf", file) // one copy shared by every upload
	var c collector
	var wg sync.WaitGroup
	gate := make(chan struct{})
	var wall time.Duration
	peak, how := b.measure(func() {
		for i := 0; i < b.cfg.bigN; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				c.add(b.client.extractBody(ctx, "big", ct, body))
			}()
		}
		start := time.Now()
		close(gate)
		wg.Wait()
		wall = time.Since(start)
	})
	fmt.Fprintf(b.out, "## %d concurrent uploads of %s (POST /v1/extract)\n\n", b.cfg.bigN, mb(int64(len(file))))
	writeRows(b.out, summarize(c.all, wall), false)
	fmt.Fprintf(b.out, "Server peak RSS in this phase: **%s** (%s)\n\n", mb(peak), how)
	return nil
}

// bigPDF is a valid one-page bill with a text layer plus an unreferenced stream of
// incompressible bytes that brings the file to size: the service must read, hold and
// parse all of it, as with a large scanned bill.
func bigPDF(size int64) []byte {
	// A full page of bill text, so the extractor trusts the text layer and the phase
	// measures uploads and parsing, not OCR.
	var page strings.Builder
	page.WriteString("BT /F1 10 Tf 72 740 Td 13 TL\n")
	for _, l := range []string{"Example Telecom Business Services", "Account Number: 555 0100 0142", "Bill Date: Oct 3, 2026",
		"JANE Q DOE", "ACME PLUMBING & HEATING LLC", "1234 N MAIN ST STE 200", "BALTIMORE, MD 21201-1234"} {
		fmt.Fprintf(&page, "(%s) '\n", l)
	}
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&page, "(Line 410-555-01%02d  Business line  Monthly charges  $%d.%02d) '\n", i, 20+i, i)
	}
	page.WriteString("ET")
	content := page.String()
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	pad := make([]byte, max(0, size-2048))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range pad {
		pad[i] = byte(r.Uint32())
	}
	objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(pad), pad))
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return buf.Bytes()
}
