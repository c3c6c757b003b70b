package extract

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/extract/ocr"
)

func TestTmpWords(t *testing.T) {
	data, _ := os.ReadFile(os.Getenv("F"))
	o, err := ocr.New(ocr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	pages, _, _, err := New(Options{OCR: o}).readPages(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	pat := strings.Split(os.Getenv("W"), ",")
	for pi, p := range pages {
		for i, w := range p.Words {
			for _, s := range pat {
				if w.Text == s {
					for j := max(0, i-3); j < min(len(p.Words), i+3); j++ {
						t.Logf("p%d %q %v", pi+1, p.Words[j].Text, p.Words[j].BBox)
					}
					t.Log("--")
				}
			}
		}
	}
}
