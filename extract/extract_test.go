package extract

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/fields"
	"github.com/portdocs/portdocs/extract/ocr"
	"github.com/portdocs/portdocs/internal/pdfbuild"
)

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name string
		head string
		want fileKind
	}{
		{"pdf", "%PDF-1.7\n", kindPDF},
		{"pdf after junk", "\xef\xbb\xbf%PDF-1.4\n", kindPDF},
		{"png", "\x89PNG\r\n\x1a\nxxxx", kindImage},
		{"jpeg", "\xff\xd8\xff\xe0xxxx", kindImage},
		{"tiff little-endian", "II*\x00xxxx", kindImage},
		{"tiff big-endian", "MM\x00*xxxx", kindImage},
		{"heic", "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", kindImage},
		{"text", "hello", kindUnknown},
		{"zip named .pdf", "PK\x03\x04", kindUnknown},
	} {
		if got := sniff([]byte(tc.head)); got != tc.want {
			t.Errorf("%s: sniff = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestScannedPageWithoutOCR: a page with no text layer is not silently empty: without
// OCR the extraction says which page could not be read.
func TestScannedPageWithoutOCR(t *testing.T) {
	var b pdfbuild.Builder
	b.Add("<< /Type /Catalog /Pages 2 0 R >>")
	b.Add("<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>")
	b.Add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 6 0 R >> >> >>")
	b.Add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>") // a scan: an image, no text
	b.Add(pdfbuild.StreamObj("", []byte("BT /F1 10 Tf 40 760 Td (Account Number: 123 456 7890) Tj 0 -14 Td (Bill Date: Oct 3, 2026) Tj "+
		"0 -14 Td (Total amount due for your account this month) Tj 0 -14 Td (Thank you for your payment) Tj ET")))
	b.Add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	x, err := New(Options{}).Extract(context.Background(), b.Bytes("", false))
	if err != nil {
		t.Fatal(err)
	}
	if x.Pages != 2 || x.Method != MethodText {
		t.Errorf("pages %d method %q, want 2 and text", x.Pages, x.Method)
	}
	if x.Fields.AccountNumber == nil || x.Fields.AccountNumber.Value != "123 456 7890" {
		t.Errorf("account = %+v", x.Fields.AccountNumber)
	}
	if len(x.Warnings) == 0 || !strings.Contains(x.Warnings[0], "page 2") || !strings.Contains(x.Warnings[0], "OCR is not available") {
		t.Errorf("warnings = %q, want one naming page 2 and the missing OCR", x.Warnings)
	}
}

func TestOptions(t *testing.T) {
	e := New(Options{})
	if e.opts.MaxBytes != 50<<20 || e.opts.MaxPages != 200 || e.opts.Timeout <= 0 {
		t.Errorf("defaults = %+v", e.opts)
	}
	pages := make([][]string, 5)
	for i := range pages {
		pages[i] = []string{"Account Number: 123 456 7890"}
	}
	_, err := New(Options{MaxPages: 3}).Extract(context.Background(), pdfbuild.TextPDF(0, pages...))
	if !errors.Is(err, doc.ErrTooManyPages) {
		t.Errorf("5 pages with MaxPages 3: err = %v, want ErrTooManyPages", err)
	}
	_, err = New(Options{MaxBytes: 100}).Extract(context.Background(), pdfbuild.TextPDF(0, pages...))
	if !errors.Is(err, doc.ErrTooLarge) {
		t.Errorf("MaxBytes 100: err = %v, want ErrTooLarge", err)
	}
}

// TestExtractionShape: the JSON lists are never null and a field the bill lacks is
// absent.
func TestExtractionShape(t *testing.T) {
	x, err := New(Options{}).Extract(context.Background(), pdfbuild.TextPDF(0, []string{"Nothing to see here on this page at all."}))
	if err != nil {
		t.Fatal(err)
	}
	if x.PhoneNumbers == nil || x.Warnings == nil {
		t.Errorf("nil lists: %+v", x)
	}
	if x.Fields != (fields.Fields{}) {
		t.Errorf("fields = %+v, want none", x.Fields)
	}
}

// TestStartOCROnlyWhenNeeded: a text PDF never starts the OCR engine; an image does,
// and a failure to start it is ErrOCRUnavailable, not a crash.
func TestStartOCROnlyWhenNeeded(t *testing.T) {
	starts := 0
	e := New(Options{StartOCR: func() (*ocr.Engine, error) {
		starts++
		return nil, errors.New("tesseract: no language data")
	}})
	defer e.Close()
	var lines []string
	for i := 0; i < 6; i++ {
		lines = append(lines, "Account Number: 123 456 7890 for the services billed this month")
	}
	if _, err := e.Extract(context.Background(), pdfbuild.TextPDF(0, lines)); err != nil {
		t.Fatal(err)
	}
	if starts != 0 {
		t.Fatalf("a text PDF started OCR %d times", starts)
	}
	_, err := e.Extract(context.Background(), []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	if !errors.Is(err, doc.ErrOCRUnavailable) || !strings.Contains(err.Error(), "no language data") {
		t.Fatalf("image with a failing OCR start: err = %v", err)
	}
	e.Extract(context.Background(), []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	if starts != 1 {
		t.Errorf("OCR start tried %d times, want once", starts)
	}
}
