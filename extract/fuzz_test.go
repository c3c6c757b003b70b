package extract

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fuzzSeeds are small PDFs that reach every part of the reader: text with a standard
// font, rotation, forms, broken cross-references.
func fuzzSeeds() map[string][]byte {
	seeds := map[string][]byte{
		"text":      textPDF(0, []string{"Account Number: 287 654 3210 987", "Bill Date: Oct 3, 2026", "JANE Q DOE", "1234 N MAIN ST STE 200", "BALTIMORE, MD 21201-1234", "Line 410-555-0142"}),
		"rotated90": textPDF(90, []string{"AT&T", "Account #: 1234 5678 90"}),
		"twopages":  textPDF(0, []string{"Verizon", "Statement Date: 10/03/2026"}, []string{"Verizon", "Account number 55-1234"}),
	}
	var b pdfBuilder
	b.add("<< /Type /Catalog /Pages 2 0 R >>")
	b.add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	b.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /XObject << /X 5 0 R >> /Font << /F1 6 0 R >> >> >>")
	b.add(streamObj("", []byte("q 1 0 0 1 10 10 cm /X Do Q BT /F1 12 Tf 72 700 Td [<0041> 120 <00420043>] TJ ET BI /W 1 /H 1 ID \x00\xff EI")))
	b.add(streamObj("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 6 0 R >> >>", []byte("BT /F1 9 Tf 72 600 Td <00440045> Tj ET")))
	b.add("<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [7 0 R] /ToUnicode 8 0 R >>")
	b.add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /DW 600 /W [65 [722] 66 70 500] >>")
	b.add(streamObj("", []byte("1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfchar <0041> <0041> endbfchar 1 beginbfrange <0042> <0050> <0042> endbfrange")))
	seeds["forms-cid-inline"] = b.bytes("", false)
	return seeds
}

// FuzzExtractPDF: whatever the bytes, Extract returns an extraction with sane evidence
// or one of the package's typed errors on one line, in bounded time, without panicking.
func FuzzExtractPDF(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	ex := New(Options{MaxPages: 20, Timeout: 5 * time.Second})
	sentinels := []error{ErrUnsupportedType, ErrEncrypted, ErrCorrupt, ErrEmpty, ErrTooLarge, ErrTooManyPages}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		x, err := ex.Extract(ctx, data)
		if err != nil {
			known := false
			for _, s := range sentinels {
				known = known || errors.Is(err, s)
			}
			if !known {
				t.Fatalf("untyped error: %v", err)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		if x.Pages < 1 || x.Method == "" || x.Warnings == nil || x.PhoneNumbers == nil {
			t.Fatalf("extraction without pages, method or lists: %+v", x)
		}
		for _, p := range x.PhoneNumbers {
			if !strings.HasPrefix(p.Number, "+1") || len(p.Number) != 12 || p.Page < 1 || p.Page > x.Pages {
				t.Fatalf("bad phone number evidence: %+v", p)
			}
		}
	})
}

// TestWriteFuzzSeeds rewrites the committed seed corpus (testdata/fuzz/FuzzExtractPDF)
// when PORTDOCS_WRITE_SEEDS=1.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("PORTDOCS_WRITE_SEEDS") != "1" {
		t.Skip("set PORTDOCS_WRITE_SEEDS=1 to rewrite the fuzz seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzExtractPDF")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range fuzzSeeds() {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if err := os.WriteFile(filepath.Join(dir, "seed-"+name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
