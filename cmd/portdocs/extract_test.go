package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/extract"
)

func TestExtractCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bill := "../../fixtures/bills/01-att-business/bill.pdf"
	if _, err := os.Stat(bill); err != nil {
		t.Skip("fixture bill 01-att-business is missing")
	}
	good, _ := os.ReadFile(bill)
	big := filepath.Join(dir, "big.pdf")
	if f, err := os.Create(big); err == nil {
		f.Truncate(100 << 20) // sparse: refused from its size, never read
		f.Close()
	}
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string // "" = success
	}{
		{"a bill", []string{"extract", bill}, ""},
		{"missing file", []string{"extract", filepath.Join(dir, "nope.pdf")}, "nope.pdf: no such file; check the path"},
		{"not a PDF", []string{"extract", write("g.pdf", []byte("hello, not a bill"))}, "g.pdf: not a PDF, PNG, JPEG, TIFF or HEIC file; upload"},
		{"truncated", []string{"extract", write("t.pdf", good[:len(good)/3])}, "t.pdf: the PDF is damaged"},
		{"damaged JPEG", []string{"extract", write("photo.jpg", damagedJPEG(t))}, "photo.jpg: the image is damaged"},
		{"100 MB", []string{"extract", big}, "big.pdf: file is too large (100.0 MB; the limit is 50 MB)"},
		{"a directory", []string{"extract", dir}, "is a directory"},
		{"no file", []string{"extract"}, "usage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "; ") && tc.wantErr != "usage" {
					t.Errorf("error %q is not one line saying what is wrong; what to do", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			var x extract.Extraction
			if err := json.Unmarshal(stdout.Bytes(), &x); err != nil {
				t.Fatalf("stdout is not an Extraction: %v", err)
			}
			if x.Pages < 1 || x.Method != extract.MethodText || x.Fields.AccountNumber == nil {
				t.Errorf("extraction = %+v, want pages, method text and an account number", x)
			}
			if !strings.Contains(stdout.String(), "\n  \"fields\"") {
				t.Errorf("JSON is not indented")
			}
		})
	}
}

// damagedJPEG is a real JPEG cut off in the middle of its scan data.
func damagedJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 400, 300))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()[:buf.Len()/2]
}
