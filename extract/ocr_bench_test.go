package extract

// OCR benchmarks, engine and Tesseract CLI in the same run (issue 3):
//
//	OMP_THREAD_LIMIT=1 go test -run '^$' -bench 'OCR' -benchtime 5x ./extract/
//
// BenchmarkOCRPage         one 300-dpi bill page: the engine (decode, despeckle,
//                          orientation and skew, recognition, boxes) against `tesseract
//                          PAGE stdout --tessdata-dir DIR -l Latin --psm 11 --dpi 300
//                          tsv` (the engine's model and settings) with OMP_THREAD_LIMIT=1,
//                          its fastest configuration.
// BenchmarkOCRScan3Pages   a 3-page image-only PDF end to end (Extract: parse, render,
//                          OCR, fields) against pdftoppm + tesseract per page, serial.
// BenchmarkOCRConcurrentRSS  4 concurrent 3-page scans; reports the process's peak RSS
//                          (VmHWM, reset first through /proc/self/clear_refs).

import (
	"bytes"
	"context"
	"github.com/portdocs/portdocs/extract/ocr"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"

	"github.com/portdocs/portdocs/internal/procstat"
	"github.com/portdocs/portdocs/internal/testenv"
)

// benchScanPDF is the 3-page image-only scan fixture.
const benchScanPDF = "../fixtures/ocr/scan-05-tmobile-pdf/bill.pdf"

func benchOCR(b *testing.B) *ocr.Engine {
	b.Helper()
	if !ocr.ThreadLimitOK() {
		b.Log("OMP_THREAD_LIMIT is not 1: Tesseract's OpenMP threads will compete (see ocr.go)")
	}
	return testEngine(b)
}

// benchPage renders page 1 of the scan at 300 dpi to a PNG file and returns its bytes.
func benchPage(b *testing.B) (path string, data []byte) {
	b.Helper()
	testenv.LookTool(b, "pdftoppm")
	dir := b.TempDir()
	out, err := exec.Command("pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", "1", "-l", "1",
		benchScanPDF, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil {
		b.Fatalf("pdftoppm: %v: %s", err, out)
	}
	path = filepath.Join(dir, "page.png")
	data, err = os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return path, data
}

func tesseractCLI(b *testing.B, ctx context.Context, img string) {
	// The engine's settings: its model (the bundled one), sparse-text segmentation
	// (OCROptions.PageSegMode), word TSV.
	dir, lang, err := ocr.BundledModel()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "tesseract", img, "stdout", "--tessdata-dir", dir, "-l", lang, "--psm", "11", "--dpi", "300", "tsv")
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		b.Fatalf("tesseract: %v", err)
	}
	if out.Len() < 300 { // the TSV header alone is about 100 bytes
		b.Fatalf("tesseract read almost nothing (%d bytes of TSV)", out.Len())
	}
}

func BenchmarkOCRPage(b *testing.B) {
	o := benchOCR(b)
	testenv.LookTool(b, "tesseract")
	path, data := benchPage(b)
	ctx := context.Background()
	b.Run("engine", func(b *testing.B) {
		defer startCPU(false).report(b)
		for b.Loop() {
			pages, err := o.Image(ctx, data)
			if err != nil {
				b.Fatal(err)
			}
			if len(pages[0].Words) < 50 {
				b.Fatalf("only %d words", len(pages[0].Words))
			}
		}
	})
	b.Run("tesseract-cli", func(b *testing.B) {
		defer startCPU(true).report(b)
		for b.Loop() {
			tesseractCLI(b, ctx, path)
		}
	})
}

func BenchmarkOCRScan3Pages(b *testing.B) {
	o := benchOCR(b)
	testenv.LookTool(b, "tesseract")
	testenv.LookTool(b, "pdftoppm")
	pdf, err := os.ReadFile(benchScanPDF)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	ex := New(Options{OCR: o})
	b.Run("engine-extract", func(b *testing.B) {
		defer startCPU(false).report(b)
		for b.Loop() {
			x, err := ex.Extract(ctx, pdf)
			if err != nil {
				b.Fatal(err)
			}
			if x.Pages != 3 || x.Method != MethodOCR {
				b.Fatalf("%d pages, method %s", x.Pages, x.Method)
			}
		}
	})
	b.Run("pdftoppm+tesseract-cli-serial", func(b *testing.B) {
		dir := b.TempDir()
		defer startCPU(true).report(b)
		for b.Loop() {
			for p := 1; p <= 3; p++ {
				base := filepath.Join(dir, "p"+strconv.Itoa(p))
				if out, err := exec.Command("pdftoppm", "-r", "300", "-gray", "-png", "-singlefile",
					"-f", strconv.Itoa(p), "-l", strconv.Itoa(p), benchScanPDF, base).CombinedOutput(); err != nil {
					b.Fatalf("pdftoppm: %v: %s", err, out)
				}
				tesseractCLI(b, ctx, base+".png")
			}
		}
	})
}

// cpuMeter reports CPU seconds per op (user+system) of this process (the engine) or of
// its finished children (the CLI): unlike ns/op it does not grow when other work
// shares the machine, so engine and CLI stay comparable on a busy host.
type cpuMeter struct {
	who   int
	start float64
}

func cpuNow(who int) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func startCPU(children bool) cpuMeter {
	who := syscall.RUSAGE_SELF
	if children {
		who = syscall.RUSAGE_CHILDREN
	}
	return cpuMeter{who, cpuNow(who)}
}

func (m cpuMeter) report(b *testing.B) {
	b.ReportMetric((cpuNow(m.who)-m.start)/float64(b.N), "cpu-s/op")
}

func BenchmarkOCRConcurrentRSS(b *testing.B) {
	o := benchOCR(b)
	pdf, err := os.ReadFile(benchScanPDF)
	if err != nil {
		b.Fatal(err)
	}
	ex := New(Options{OCR: o})
	// "5" resets the peak RSS counter (Linux ≥ 4.0), so earlier benchmarks don't count.
	if err := procstat.ResetPeak(procstat.Self); err != nil {
		b.Logf("cannot reset VmHWM (%v); the figure includes earlier work", err)
	}
	for b.Loop() {
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := ex.Extract(context.Background(), pdf)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				b.Fatal(err) // 12 pages fit Workers+QueueLen of the shared engine (2+16)
			}
		}
	}
	hwm, err := procstat.Bytes(procstat.Self, "VmHWM")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(hwm)/(1<<20), "peakRSS-MB")
}
