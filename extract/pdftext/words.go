package pdftext

import (
	"github.com/portdocs/portdocs/extract/doc"
	"math"
	"sort"
	"strings"
	"unicode"
)

// glyphsToWords rebuilds words from the glyphs of one page. PDF producers draw text in
// any order and in fragments (kerning splits a word into pieces; some draw every
// glyph alone), so words come from geometry: glyphs on one baseline, sorted left to
// right, join while the gap between them is small next to the font size.
func glyphsToWords(gs []pdfGlyph) []doc.Word {
	var words []doc.Word
	eachLine(gs, func(line []pdfGlyph) { words = appendLineWords(words, line) })
	return words
}

// eachLine sorts gs by baseline and calls fn with each line's glyphs, left to right:
// glyphs whose baselines lie within a third of the font size of the line's first.
func eachLine(gs []pdfGlyph, fn func(line []pdfGlyph)) {
	sort.SliceStable(gs, func(i, j int) bool {
		if math.Abs(gs[i].y-gs[j].y) > 0.01 {
			return gs[i].y < gs[j].y
		}
		return gs[i].x0 < gs[j].x0
	})
	start := 0
	for i := 1; i <= len(gs); i++ {
		if i < len(gs) {
			tol := 0.3 * math.Min(gs[i].size, gs[start].size)
			if gs[i].y-gs[start].y <= tol {
				continue
			}
		}
		line := gs[start:i]
		sort.SliceStable(line, func(a, b int) bool { return line[a].x0 < line[b].x0 })
		fn(line)
		start = i
	}
}

func appendLineWords(words []doc.Word, line []pdfGlyph) []doc.Word {
	var cur []pdfGlyph
	flush := func() {
		if len(cur) == 0 {
			return
		}
		var b strings.Builder
		x0, x1 := cur[0].x0, cur[0].x1
		top, bottom, size := math.Inf(1), math.Inf(-1), 0.0
		for _, g := range cur {
			b.WriteString(g.text)
			x0, x1 = math.Min(x0, g.x0), math.Max(x1, g.x1)
			top = math.Min(top, g.y-0.8*g.size)
			bottom = math.Max(bottom, g.y+0.2*g.size)
			size = math.Max(size, g.size)
		}
		text := strings.TrimSpace(b.String())
		if text != "" {
			words = append(words, doc.Word{Text: text, BBox: doc.BBox{x0, top, x1, bottom}, FontSize: size, Confidence: 1, Font: cur[0].font})
		}
		cur = cur[:0]
	}
	for _, g := range line {
		if strings.TrimSpace(g.text) == "" {
			flush()
			continue
		}
		if n := len(cur); n > 0 {
			prev := cur[n-1]
			size := math.Max(math.Min(prev.size, g.size), 1)
			// The same glyph drawn twice at (almost) one spot is fake bold or a shadow.
			if g.text == prev.text && math.Abs(g.x0-prev.x0) < 0.15*size {
				continue
			}
			gap := g.x0 - prev.x1
			if gap > 0.18*size || gap < -0.6*size || strings.Contains(g.text, " ") {
				flush()
			}
		}
		cur = append(cur, g)
	}
	flush()
	return words
}

// maxOverprints bounds what overprints reports on one page.
const maxOverprints = 50

// overprints finds letters and digits drawn over different letters or digits of a
// similar size on one line: a value typed over a covered one leaves both in the text
// layer. Fake bold and shadows draw the same glyph twice and are not counted.
func overprints(gs []pdfGlyph) []doc.BBox {
	var out []doc.BBox
	eachLine(gs, func(line []pdfGlyph) { out = appendOverprints(out, line) })
	return out
}

// appendOverprints adds the overprinted runs of one line (sorted left to right).
func appendOverprints(out []doc.BBox, line []pdfGlyph) []doc.BBox {
	for i, a := range line {
		if len(out) >= maxOverprints {
			break
		}
		if !isAlnumGlyph(a.text) {
			continue
		}
		for _, b := range line[i+1:] {
			if b.x0 >= a.x1 {
				break
			}
			if b.text == a.text || !isAlnumGlyph(b.text) || math.Max(a.size, b.size) > 1.3*math.Min(a.size, b.size) {
				continue
			}
			overlap := math.Min(a.x1, b.x1) - math.Max(a.x0, b.x0)
			if overlap < 0.5*math.Min(a.x1-a.x0, b.x1-b.x0) {
				continue
			}
			box := doc.BBox{math.Min(a.x0, b.x0), a.y - 0.8*a.size, math.Max(a.x1, b.x1), a.y + 0.2*a.size}
			if n := len(out); n > 0 && math.Abs(out[n-1][3]-box[3]) < 0.3*a.size && box[0] <= out[n-1][2]+a.size {
				out[n-1][2] = math.Max(out[n-1][2], box[2]) // one run of overprinted letters
			} else {
				out = append(out, box)
			}
			break
		}
	}
	return out
}

func isAlnumGlyph(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}
