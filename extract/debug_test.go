package extract

import (
	"context"
	"encoding/json"
	"github.com/portdocs/portdocs/extract/layout"
	"github.com/portdocs/portdocs/extract/ocr"
	"os"
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
