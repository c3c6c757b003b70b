package pdftext

import "testing"

func TestOverprints(t *testing.T) {
	g := func(s string, x0, x1, y float64) pdfGlyph { return pdfGlyph{text: s, x0: x0, x1: x1, y: y, size: 10} }
	for _, c := range []struct {
		name string
		gs   []pdfGlyph
		want int
	}{
		{"plain line", []pdfGlyph{g("A", 10, 16, 100), g("B", 16, 22, 100)}, 0},
		{"fake bold", []pdfGlyph{g("A", 10, 16, 100), g("A", 10.3, 16.3, 100)}, 0},
		{"retyped over", []pdfGlyph{g("J", 10, 15, 100), g("M", 10, 18, 100.05), g("O", 15, 21, 100), g("A", 18, 24, 100.05)}, 1},
		{"two lines", []pdfGlyph{g("A", 10, 16, 100), g("B", 10, 16, 112)}, 0},
		{"punctuation over a letter", []pdfGlyph{g("e", 10, 16, 100), g("´", 11, 14, 100)}, 0},
		{"a large watermark letter", []pdfGlyph{g("A", 10, 16, 100), {text: "P", x0: 8, x1: 40, y: 100, size: 40}}, 0},
	} {
		if got := len(overprints(c.gs)); got != c.want {
			t.Errorf("%s: %d runs, want %d", c.name, got, c.want)
		}
	}
}
