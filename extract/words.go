package extract

import (
	"math"
	"sort"
	"strings"
)

// glyphsToWords rebuilds words from the glyphs of one page. PDF producers draw text in
// any order and in fragments (kerning splits a word into pieces; some draw every
// glyph alone), so words come from geometry: glyphs on one baseline, sorted left to
// right, join while the gap between them is small next to the font size.
func glyphsToWords(gs []pdfGlyph) []Word {
	if len(gs) == 0 {
		return nil
	}
	sort.SliceStable(gs, func(i, j int) bool {
		if math.Abs(gs[i].y-gs[j].y) > 0.01 {
			return gs[i].y < gs[j].y
		}
		return gs[i].x0 < gs[j].x0
	})
	var words []Word
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
		words = appendLineWords(words, line)
		start = i
	}
	return words
}

func appendLineWords(words []Word, line []pdfGlyph) []Word {
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
			words = append(words, Word{Text: text, BBox: BBox{x0, top, x1, bottom}, FontSize: size, Confidence: 1})
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
