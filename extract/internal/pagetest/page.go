// Package pagetest lays synthetic text out as a page of words, for finder and layout tests.
package pagetest

import (
	"strings"

	"github.com/portdocs/portdocs/extract/doc"
)

// Opts shape a synthetic page: how OCR-like its words are.
type Opts struct {
	Conf   float64 // word confidence; 0 = 1 (text layer)
	Jitter bool    // uneven baselines and no font size, as OCR gives
	Size   float64 // font size; 0 = 10
}

// Page lays text out as Words the way a renderer would: one line per text line,
// words at their character positions in a 10 pt font whose glyphs are half an em
// wide, leading spaces indenting, a tab moving to the next 300 pt tab stop (at least 60 pt further right). Lines
// starting with "!" are drawn at twice the size (a logo or heading).
func Page(number int, text string, o Opts) doc.Page {
	size := o.Size
	if size == 0 {
		size = 10
	}
	conf := o.Conf
	if conf == 0 {
		conf = 1
	}
	p := doc.Page{Number: number, Width: 612, Height: 792, Source: doc.SourceText}
	if o.Conf != 0 {
		p.Source = doc.SourceOCR
	}
	y := 40.0
	for li, ln := range strings.Split(strings.Trim(text, "\n"), "\n") {
		sz := size
		if strings.HasPrefix(ln, "!") {
			sz, ln = 2*size, ln[1:]
		}
		cw := sz / 2
		x := 36.0
		for ci, col := range strings.Split(ln, "\t") {
			if ci > 0 {
				x = max(x+60, 36+300*float64(ci)) // tab stops every 300 pt
			}
			for i := 0; i < len(col); {
				if col[i] == ' ' {
					x += cw
					i++
					continue
				}
				j := i
				for j < len(col) && col[j] != ' ' {
					j++
				}
				w := col[i:j]
				n := float64(len([]rune(w)))
				dy := 0.0
				if o.Jitter {
					dy = float64((li*7+i*3)%5-2) * 0.4
				}
				word := doc.Word{Text: w, BBox: doc.BBox{x, y - 0.8*sz + dy, x + n*cw, y + 0.2*sz + dy}, FontSize: sz, Confidence: conf}
				if o.Jitter {
					word.FontSize = 0
				}
				p.Words = append(p.Words, word)
				x += n * cw
				i = j
			}
		}
		y += 1.4 * sz
	}
	return p
}

// Pages lays out one synthetic page per text, numbered from 1.
func Pages(o Opts, texts ...string) []doc.Page {
	ps := make([]doc.Page, len(texts))
	for i, t := range texts {
		ps[i] = Page(i+1, t, o)
	}
	return ps
}
