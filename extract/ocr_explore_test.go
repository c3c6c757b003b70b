package extract

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

func TestOCRExploreFile(t *testing.T) {
	path := os.Getenv("OCRFILE")
	if path == "" {
		t.Skip()
	}
	o := testOCR(t)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	var pages []Page
	if strings.HasSuffix(path, ".pdf") {
		pages, err = o.PDFPages(context.Background(), b, []int{1})
	} else {
		pages, err = o.Image(context.Background(), b)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v", time.Since(t0))
	for _, p := range pages {
		t.Logf("page %d %.0fx%.0f\n%s", p.Number, p.Width, p.Height, pageText(p))
	}
}

func TestOCRExploreExtract(t *testing.T) {
	path := os.Getenv("OCREXTRACT")
	if path == "" {
		t.Skip()
	}
	o := testOCR(t)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	x, err := New(Options{OCR: o}).Extract(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	j, _ := json.MarshalIndent(x, "", " ")
	t.Logf("%v\n%s", time.Since(t0), j)
}
