package forensic

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/internal/testenv"
)

type expected struct {
	Source     string   `json:"source"`
	Alteration string   `json:"alteration"`
	Suspected  bool     `json:"suspected"`
	Kinds      []string `json:"kinds"`
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func kinds(r Report) []string {
	var out []string
	for _, s := range r.Signals {
		out = append(out, s.Kind)
	}
	return out
}

// Genuine bills from every producer, and their scans, faxes, photos and screenshots,
// must leave no signal at all: a reviewer who sees the flag on honest bills learns to
// ignore it.
func TestGenuineFixturesLeaveNoSignal(t *testing.T) {
	bills, _ := filepath.Glob("../fixtures/bills/*/bill.pdf")
	images, _ := filepath.Glob("../fixtures/ocr/*/bill.*")
	if len(bills) < 20 || len(images) < 20 {
		t.Fatalf("fixtures missing: %d bills, %d OCR fixtures", len(bills), len(images))
	}
	exr := extract.New(extract.Options{})
	for _, f := range append(bills, images...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var ex *extract.Extraction
		if g := filepath.Join(filepath.Dir(f), "golden.json"); fileExists(g) {
			ex = new(extract.Extraction)
			readJSON(t, g, ex)
		}
		r := Inspect(context.Background(), data, ex, Options{Extractor: exr})
		if len(r.Signals) != 0 || r.Suspected() {
			t.Errorf("%s: genuine file reported: %+v", f, r.Signals)
		}
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// The altered fixtures (fixtures/altergen) leave the signals their edit must leave,
// read through a real extraction as the service does; the genuine look-alike (a
// viewer's annotation) is reported but not suspected.
func TestAlteredFixtures(t *testing.T) {
	dirs, _ := filepath.Glob("../fixtures/altered/*")
	if len(dirs) < 10 {
		t.Fatalf("only %d altered fixtures", len(dirs))
	}
	exr := extract.New(extract.Options{})
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var exp expected
			readJSON(t, filepath.Join(dir, "expected.json"), &exp)
			files, _ := filepath.Glob(filepath.Join(dir, "bill.*"))
			if len(files) != 1 {
				t.Fatalf("%d bill files", len(files))
			}
			data, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			ex, _ := exr.Extract(context.Background(), data) // images need OCR: nil is fine here
			r := Inspect(context.Background(), data, ex, Options{Extractor: exr})
			if r.Suspected() != exp.Suspected {
				t.Errorf("suspected = %v, want %v: %+v", r.Suspected(), exp.Suspected, r.Signals)
			}
			got := kinds(r)
			for _, k := range exp.Kinds {
				if !slices.Contains(got, k) {
					t.Errorf("no %s signal (%s); got %v", k, exp.Alteration, got)
				}
			}
			for _, s := range r.Signals {
				if s.Evidence == "" {
					t.Errorf("%s without evidence", s.Kind)
				}
				for _, v := range fieldValues(ex) {
					if strings.Contains(s.Evidence, v) {
						t.Errorf("evidence %q quotes a field value", s.Evidence)
					}
				}
			}
			if exp.Suspected && strings.HasSuffix(files[0], ".pdf") && !slices.ContainsFunc(r.Notes, func(n string) bool {
				return strings.Contains(n, "OCR is not available")
			}) {
				t.Errorf("no note that the render comparison did not run: %v", r.Notes)
			}
		})
	}
}

func fieldValues(ex *extract.Extraction) []string {
	var out []string
	for _, t := range fieldTargets(ex) {
		out = append(out, t.value)
	}
	return out
}

var (
	ocrOnce sync.Once
	ocr     *extract.OCR
	ocrErr  error
)

func testOCR(t *testing.T) *extract.OCR {
	t.Helper()
	testenv.LookTool(t, "tesseract")
	ocrOnce.Do(func() { ocr, ocrErr = extract.NewOCR(extract.OCROptions{Workers: 2, QueueLen: 4}) })
	if ocrErr != nil {
		t.Fatalf("NewOCR: %v", ocrErr)
	}
	return ocr
}

// With OCR, a suspected file's field pages are rendered and read: the retyped name's
// page does not show what the text layer says there. A genuine bill's fields are all on
// its rendered page (the comparison itself raises no false alarm).
func TestRenderComparison(t *testing.T) {
	exr := extract.New(extract.Options{OCR: testOCR(t)})
	ctx := context.Background()
	t.Run("altered", func(t *testing.T) {
		t.Parallel()
		data, err := os.ReadFile("../fixtures/altered/incremental-name-libreoffice/bill.pdf")
		if err != nil {
			t.Fatal(err)
		}
		ex, err := exr.Extract(ctx, data)
		if err != nil {
			t.Fatal(err)
		}
		r := Inspect(ctx, data, ex, Options{Extractor: exr})
		if !slices.Equal(r.Rendered, []int{1}) || !slices.Contains(kinds(r), KindRenderMismatch) {
			t.Errorf("rendered %v, signals %v; want page 1 rendered and a render_mismatch", r.Rendered, kinds(r))
		}
	})
	t.Run("genuine", func(t *testing.T) {
		t.Parallel()
		clean, err := os.ReadFile("../fixtures/bills/06-spectrum-business/bill.pdf")
		if err != nil {
			t.Fatal(err)
		}
		var golden extract.Extraction
		readJSON(t, "../fixtures/bills/06-spectrum-business/golden.json", &golden)
		tl, err := exr.TextLayer(ctx, clean)
		if err != nil {
			t.Fatal(err)
		}
		var r Report
		renderCompare(ctx, clean, exr, tl.Pages, fieldTargets(&golden), 2, &r)
		if len(r.Rendered) == 0 || len(r.Signals) != 0 {
			t.Errorf("genuine bill: rendered %v, signals %+v; want rendered and no signal", r.Rendered, r.Signals)
		}
	})
}

// Broken and truncated files never panic and say what was not examined.
func TestInspectDamagedFiles(t *testing.T) {
	data, err := os.ReadFile("../fixtures/altered/incremental-name-chromium/bill.pdf")
	if err != nil {
		t.Fatal(err)
	}
	exr := extract.New(extract.Options{})
	for _, n := range []int{0, 5, 100, len(data) / 3, len(data) / 2, len(data) - 10} {
		r := Inspect(context.Background(), data[:n], nil, Options{Extractor: exr})
		if r.Signals == nil {
			t.Errorf("cut at %d: nil signals (JSON null)", n)
		}
	}
	r := Inspect(context.Background(), []byte("%PDF-1.4\nnot really"), nil, Options{})
	if len(r.Notes) == 0 {
		t.Errorf("unreadable PDF without a note: %+v", r)
	}
	for _, b := range [][]byte{{0xFF, 0xD8, 0xFF, 0xE1, 0x00}, []byte("\x89PNG\r\n\x1a\n\x00\x00\xff\xfftEXt"), []byte("II*\x00\xff\xff\xff\x7f")} {
		if r := Inspect(context.Background(), b, nil, Options{}); len(r.Signals) != 0 {
			t.Errorf("%q: %+v", b, r.Signals)
		}
	}
}
