package pdftext

import (
	"reflect"
	"testing"
)

func TestGlyphsToWords(t *testing.T) {
	g := func(text string, x0, x1, y float64) pdfGlyph {
		return pdfGlyph{text: text, x0: x0, x1: x1, y: y, size: 10}
	}
	for _, tc := range []struct {
		name   string
		glyphs []pdfGlyph
		want   []string
	}{
		{"kerning fragments join", []pdfGlyph{g("A", 10, 16, 100), g("T", 16.5, 22, 100), g("&", 22.2, 28, 100), g("T", 28.1, 34, 100)}, []string{"AT&T"}},
		{"a word gap splits", []pdfGlyph{g("N", 10, 16, 100), g("o", 16, 21, 100), g("1", 24, 29, 100)}, []string{"No", "1"}},
		{"a space glyph splits", []pdfGlyph{g("a", 10, 15, 100), g(" ", 15, 16, 100), g("b", 16, 21, 100)}, []string{"a", "b"}},
		{"drawn out of order", []pdfGlyph{g("c", 20, 25, 100), g("a", 10, 15, 100), g("b", 15, 20, 100)}, []string{"abc"}},
		{"fake bold drawn twice", []pdfGlyph{g("B", 10, 16, 100), g("B", 10.4, 16.4, 100), g("e", 16.4, 21, 100)}, []string{"Be"}},
		{"two baselines", []pdfGlyph{g("x", 10, 15, 100), g("y", 10, 15, 114)}, []string{"x", "y"}},
		{"tiny baseline drift stays one line", []pdfGlyph{g("x", 10, 15, 100), g("y", 15, 20, 100.8)}, []string{"xy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, w := range glyphsToWords(tc.glyphs) {
				got = append(got, w.Text)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("words = %q, want %q", got, tc.want)
			}
		})
	}
}
