package ocr

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/portdocs/portdocs/extract/doc"

	"github.com/jung-kurt/gofpdf"
	"github.com/portdocs/portdocs/internal/testenv"
)

// One engine for the whole test binary: each client costs ~200 ms and ~40 MB.
var (
	sharedOCROnce sync.Once
	sharedOCR     *Engine
	sharedOCRErr  error
)

func testOCR(t testing.TB) *Engine {
	t.Helper()
	testenv.LookTool(t, "tesseract")
	sharedOCROnce.Do(func() {
		sharedOCR, sharedOCRErr = New(Options{Workers: 2, QueueLen: 16})
	})
	if sharedOCRErr != nil {
		t.Fatalf("New: %v", sharedOCRErr)
	}
	return sharedOCR
}

// sampleLines is a made-up bill page (fictional customer, 555-01xx numbers).
var sampleLines = []string{
	"Northwind Wireless",
	"Account Number: 8123 4567 0199",
	"Statement Date: October 3, 2026",
	"HARBOR LIGHT BAKERY LLC",
	"ATTN MARGARET O'NEIL",
	"742 EVERGREEN TER STE 12",
	"SPRINGFIELD IL 62704-1234",
	"Summary for 217-555-0142 and 217-555-0199",
	"Previous balance 123.45 Payments received -123.45",
	"Monthly service charges 88.10 Taxes and fees 12.31",
	"Total amount due by October 28, 2026 $100.41",
	"Questions? Visit our website or call customer care.",
}

// samplePDF renders sampleLines as a one-page letter PDF with a text layer; the text
// starts at x = 72 pt and each line sits 22 pt below the previous one.
func samplePDF(t testing.TB, pages int) []byte {
	t.Helper()
	pdf := gofpdf.New("P", "pt", "Letter", "")
	for p := 0; p < pages; p++ {
		pdf.AddPage()
		pdf.SetFont("Helvetica", "", 12)
		for i, l := range sampleLines {
			pdf.Text(72, 100+float64(i)*22, l)
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// samplePage renders page 1 of samplePDF to gray at dpi with pdftoppm.
func samplePage(t testing.TB, dpi float64) *image.Gray {
	t.Helper()
	testenv.LookTool(t, "pdftoppm")
	f, err := os.CreateTemp(t.TempDir(), "*.pdf")
	if err != nil {
		t.Fatal(err)
	}
	f.Write(samplePDF(t, 1))
	f.Close()
	g, err := rasterPage(context.Background(), f.Name(), 1, dpi, 1e8, 0)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pageText joins a page's words in reading order (top to bottom by line, then left to
// right), for assertions on what was read.
func pageText(p doc.Page) string {
	ws := append([]doc.Word(nil), p.Words...)
	// insertion sort by line band then x: fine for a few hundred words
	for i := 1; i < len(ws); i++ {
		for j := i; j > 0 && wordBefore(ws[j], ws[j-1]); j-- {
			ws[j], ws[j-1] = ws[j-1], ws[j]
		}
	}
	var sb strings.Builder
	for i, w := range ws {
		if i > 0 {
			if sameLine(ws[i-1], w) {
				sb.WriteByte(' ')
			} else {
				sb.WriteByte('\n')
			}
		}
		sb.WriteString(w.Text)
	}
	return sb.String()
}

func sameLine(a, b doc.Word) bool {
	ca, cb := (a.BBox[1]+a.BBox[3])/2, (b.BBox[1]+b.BBox[3])/2
	h := max(a.BBox[3]-a.BBox[1], b.BBox[3]-b.BBox[1])
	return ca-cb < h/2 && cb-ca < h/2
}

func wordBefore(a, b doc.Word) bool {
	if sameLine(a, b) {
		return a.BBox[0] < b.BBox[0]
	}
	return a.BBox[1] < b.BBox[1]
}

func testenvLookPoppler(t testing.TB) {
	t.Helper()
	testenv.LookTool(t, "pdftoppm")
	testenv.LookTool(t, "pdfinfo")
}
