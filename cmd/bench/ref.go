package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/portdocs/portdocs/extract"
)

// refPhase runs the same files through the tools a user would otherwise run:
// pdftotext for the text bills, and pdftoppm (300 dpi) + the tesseract CLI for the
// scans, each with as many parallel processes as the service has OCR workers
// (OMP_THREAD_LIMIT=1, so two processes saturate two cores). It then prints the
// service's numbers next to them.
func (b *bench) refPhase(ctx context.Context) error {
	for _, tool := range []string{"pdftotext", "pdftoppm", "tesseract"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is not installed (poppler-utils, tesseract-ocr); run scripts/setup.sh or drop ref from -phases", tool)
		}
	}
	// The service's model (the bundled Latin one), so both sides do the same work.
	dir, lang, err := extract.BundledModel()
	if err != nil {
		return err
	}
	modelArgs := []string{"--tessdata-dir", dir, "-l", lang}
	par := b.cfg.ocrWorkers
	tmp, err := os.MkdirTemp("", "portdocs-bench-ref-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	var textJobs, scanJobs []doc
	for r := 0; r < b.cfg.refRounds; r++ {
		textJobs = append(textJobs, b.files.text...)
	}
	for r := 0; r < max(1, b.cfg.refRounds/2); r++ {
		scanJobs = append(scanJobs, b.files.scans...)
	}
	textLat, textWall, err := runParallel(ctx, par, textJobs, func(d doc, _ int) error {
		return runTool(ctx, "pdftotext", "-layout", d.path, "-")
	})
	if err != nil {
		return err
	}
	scanLat, scanWall, err := runParallel(ctx, par, scanJobs, func(d doc, i int) error {
		return tesseractDoc(ctx, d, filepath.Join(tmp, strconv.Itoa(i)), modelArgs)
	})
	if err != nil {
		return err
	}
	refScanPages := 0
	for _, d := range scanJobs {
		refScanPages += d.pages
	}

	fmt.Fprintf(b.out, "## Side by side with the command-line tools (%d parallel processes, OMP_THREAD_LIMIT=1)\n\n", par)
	fmt.Fprintln(b.out, "| work | measure | portdocs service | CLI reference | service / CLI |")
	fmt.Fprintln(b.out, "|---|---|---:|---:|---:|")
	if t := findRow(b.textRows, "text"); t != nil {
		refRate := float64(len(textJobs)) / textWall.Seconds()
		fmt.Fprintf(b.out, "| text bills | files/s | %.1f (%d clients) | %.1f (pdftotext) | %.2f |\n", t.perSec, b.cfg.clients, refRate, t.perSec/refRate)
		fmt.Fprintf(b.out, "| text bills | p50 latency | %s | %s | |\n", ms(t.p50), ms(percentile(textLat, .5)))
		fmt.Fprintf(b.out, "| text bills | p99 latency | %s | %s | |\n", ms(t.p99), ms(percentile(textLat, .99)))
	} else {
		fmt.Fprintf(b.out, "| text bills | files/s | (text phase not run) | %.1f (pdftotext) | |\n", float64(len(textJobs))/textWall.Seconds())
	}
	refPPS := float64(refScanPages) / scanWall.Seconds()
	if b.scanWall > 0 {
		pps := float64(b.scanPages) / b.scanWall.Seconds()
		fmt.Fprintf(b.out, "| scans | pages/s | %.2f | %.2f (pdftoppm + tesseract) | %.2f |\n", pps, refPPS, pps/refPPS)
		if s := findRow(b.scanRows, "scan"); s != nil {
			fmt.Fprintf(b.out, "| scans | p50 per document | %s | %s | |\n", ms(s.p50), ms(percentile(scanLat, .5)))
			fmt.Fprintf(b.out, "| scans | p99 per document | %s | %s | |\n", ms(s.p99), ms(percentile(scanLat, .99)))
		}
	} else {
		fmt.Fprintf(b.out, "| scans | pages/s | (scan phase not run) | %.2f (pdftoppm + tesseract) | |\n", refPPS)
	}
	fmt.Fprintf(b.out, "\nReference runs: pdftotext over %d files in %s; tesseract over %d documents (%d pages) in %s.\n\n",
		len(textJobs), ms(textWall), len(scanJobs), refScanPages, ms(scanWall))
	return nil
}

func findRow(rows []row, kind string) *row {
	for i := range rows {
		if rows[i].kind == kind {
			return &rows[i]
		}
	}
	return nil
}

// runParallel runs f over jobs with par workers; it returns each job's latency
// (sorted) and the wall time.
func runParallel(ctx context.Context, par int, jobs []doc, f func(doc, int) error) ([]time.Duration, time.Duration, error) {
	lat := make([]time.Duration, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < par; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				errs[i] = f(jobs[i], i)
				lat[i] = time.Since(t0)
			}
		}()
	}
	for i := range jobs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	wall := time.Since(start)
	for i, err := range errs {
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", jobs[i].path, err)
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat, wall, ctx.Err()
}

func runTool(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = nil // discarded: the text is not the point
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v: %s", name, err, stderr.Bytes())
	}
	return nil
}

// tesseractDoc OCRs one scan as a user would: a PDF is rendered at 300 dpi by pdftoppm
// and every page image goes through tesseract; an image goes straight in (tesseract
// reads every page of a multi-page TIFF), with model naming the model.
func tesseractDoc(ctx context.Context, d doc, dir string, model []string) error {
	if filepath.Ext(d.path) != ".pdf" {
		return runTool(ctx, "tesseract", append([]string{d.path, "stdout"}, model...)...)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := runTool(ctx, "pdftoppm", "-r", "300", "-gray", "-png", d.path, filepath.Join(dir, "p")); err != nil {
		return err
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	sort.Strings(pages)
	for _, p := range pages {
		if err := runTool(ctx, "tesseract", append([]string{p, "stdout"}, model...)...); err != nil {
			return err
		}
	}
	return nil
}
