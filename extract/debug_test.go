package extract

import (
	"context"
	"encoding/json"
	"github.com/portdocs/portdocs/extract/layout"
	"github.com/portdocs/portdocs/extract/ocr"
	"os"
	"regexp"
	"testing"
)

// TestDebugFile prints the layout and extraction of the PDF named by
// PORTDOCS_DEBUG_PDF; it is a tool for looking at a bill, skipped otherwise.
func TestDebugFile(t *testing.T) {
	name := os.Getenv("PORTDOCS_DEBUG_PDF")
	if name == "" {
		t.Skip("set PORTDOCS_DEBUG_PDF=FILE to print a bill's layout and extraction")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{}
	if os.Getenv("PORTDOCS_DEBUG_OCR") == "1" {
		ocr, err := ocr.New(ocr.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer ocr.Close()
		opts.OCR = ocr
	}
	pages, method, warnings, err := New(opts).readPages(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("method %s, warnings %q", method, warnings)
	if os.Getenv("PORTDOCS_DEBUG_ASOCR") == "1" {
		// The text layer's words as TestFixturesAsOCRWords gives them.
		asOCRWords(pages)
		lay := layout.Build(pages)
		for i := range pages {
			t.Logf("--- page %d as OCR words\n%s", i+1, lay.PageString(i+1))
		}
		fields, phones, _, _, err := safeFindFields(pages)
		b, _ := json.MarshalIndent(struct {
			Fields any
			Phones any
		}{fields, phones}, "", "  ")
		t.Logf("%s %v", b, err)
		return
	}
	if re := os.Getenv("PORTDOCS_DEBUG_WORDS"); re != "" {
		// The words matching REGEXP with their boxes, to see why they share a line or not.
		m := regexp.MustCompile(re)
		for _, p := range pages {
			for _, w := range p.Words {
				if m.MatchString(w.Text) {
					t.Logf("p%d %-20q x %.1f-%.1f y %.1f-%.1f size %.1f conf %.2f", p.Number, w.Text, w.BBox[0], w.BBox[2], w.BBox[1], w.BBox[3], w.FontSize, w.Confidence)
				}
			}
		}
	}
	lay := layout.Build(pages)
	for i := range pages {
		t.Logf("--- page %d (%gx%g)\n%s", i+1, pages[i].Width, pages[i].Height, lay.PageString(i+1))
	}
	x, err := New(opts).Extract(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(x, "", "  ")
	t.Logf("%s", b)
}
