package extract

import (
	"context"
	"errors"
	"fmt"
	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/internal/pdfbuild"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzExtractPDF: whatever the bytes, Extract returns an extraction with sane evidence
// or one of the package's typed errors on one line, in bounded time, without panicking.
func FuzzExtractPDF(f *testing.F) {
	for _, s := range pdfbuild.Seeds() {
		f.Add(s)
	}
	ex := New(Options{MaxPages: 20, Timeout: 5 * time.Second})
	sentinels := []error{doc.ErrUnsupportedType, doc.ErrEncrypted, doc.ErrCorrupt, doc.ErrEmpty, doc.ErrTooLarge, doc.ErrTooManyPages}
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
	for name, data := range pdfbuild.Seeds() {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if err := os.WriteFile(filepath.Join(dir, "seed-"+name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
