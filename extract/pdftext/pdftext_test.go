package pdftext

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/layout"
	"github.com/portdocs/portdocs/internal/pdfbuild"
)

func readPages(t *testing.T, data []byte) []doc.Page {
	t.Helper()
	pd, err := Open(context.Background(), data, 200, deadlineIn(10))
	if err != nil {
		t.Fatal(err)
	}
	var pages []doc.Page
	for i := range pd.Pages {
		p, err := pd.PageWords(i)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
	}
	return pages
}

// TestPageRotation: a page turned with /Rotate (its content drawn turned back, as
// producers do for landscape pages) reads upright, in reading coordinates whose width
// and height follow the rotation.
func TestPageRotation(t *testing.T) {
	lines := []string{"Account Number: 287 654 3210 987", "Bill Date: Oct 3, 2026", "BALTIMORE, MD 21201"}
	for _, rot := range []int{0, 90, 180, 270} {
		pages := readPages(t, pdfbuild.TextPDF(rot, lines))
		p := pages[0]
		wantW, wantH := 612.0, 792.0
		if rot == 90 || rot == 270 {
			wantW, wantH = 792, 612
		}
		if p.Width != wantW || p.Height != wantH {
			t.Errorf("rotate %d: page %gx%g, want %gx%g", rot, p.Width, p.Height, wantW, wantH)
		}
		got := layout.Build(pages).PageString(1)
		if want := strings.Join(lines, "\n") + "\n"; got != want {
			t.Errorf("rotate %d: text\n%s\nwant\n%s", rot, got, want)
		}
		for _, w := range p.Words {
			b := w.BBox
			if b[0] < 0 || b[1] < 0 || b[2] > p.Width || b[3] > p.Height || b[0] >= b[2] || b[1] >= b[3] {
				t.Errorf("rotate %d: word %q box %v outside the page", rot, w.Text, b)
			}
		}
	}
}

// TestStandardFontWidths: a standard font without /Widths (gofpdf's core fonts) still
// gives words their real extent, so word gaps and columns survive.
func TestStandardFontWidths(t *testing.T) {
	p := readPages(t, pdfbuild.TextPDF(0, []string{"Account Number: 12345"}))[0]
	var got []string
	for _, w := range p.Words {
		got = append(got, w.Text)
	}
	if strings.Join(got, "|") != "Account|Number:|12345" {
		t.Fatalf("words = %q", got)
	}
	// Helvetica "Account" at 10 pt is 36.7 pt wide.
	if w := p.Words[0].BBox[2] - p.Words[0].BBox[0]; w < 35 || w > 38.5 {
		t.Errorf("width of %q = %.1f, want about 36.7", p.Words[0].Text, w)
	}
}

// TestFormsAndCIDFonts: text inside a Form XObject and in a two-byte (Identity-H)
// font with a ToUnicode map and /W widths is read; an inline image is skipped.
func TestFormsAndCIDFonts(t *testing.T) {
	pages := readPages(t, pdfbuild.Seeds()["forms-cid-inline"])
	text := layout.Build(pages).PageString(1)
	if text != "ABC\nDE\n" {
		t.Errorf("text = %q, want the page's %q (kerned) above the form's %q", text, "ABC", "DE")
	}
}

func deadlineIn(seconds int) time.Time { return time.Now().Add(time.Duration(seconds) * time.Second) }
