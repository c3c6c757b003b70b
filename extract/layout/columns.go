package layout

import (
	"math"
	"sort"

	"github.com/portdocs/portdocs/extract/doc"
)

// Column gutters. Two columns set close together (a summary box whose amounts end a
// tenth of an inch left of the mailing block, a tab stop just past a long line) leave
// a gap narrower than segmentGap on the lines where both have text, and those lines
// would read as one: "$93.54 2150 N CROATAN HWY" is neither an amount nor a street.
// Such a gap is a column's edge when it is wider than the line's word spaces and the
// page's other lines say so: lines near it start a word at the same x at their start
// or after a gap of the same kind (a left-aligned column), or end one there before
// such a gap or at their end (a right-aligned column of amounts). A gap only one line
// has is a wide word space, and the spaces of monospaced text, which line up across
// lines by chance, are all alike within their lines: neither splits anything.

const (
	// gutterGap is the narrowest column gap, in font sizes: wider than a monospace
	// word space (0.6 em), so Courier text is never split at a space.
	gutterGap = 0.7
	// gutterAlign is how far, in font sizes, edges may differ and still be one edge
	// (OCR boxes and glyph side bearings move them a little).
	gutterAlign = 0.25
	// gutterSupport other lines must share the edge; gutterReach lines above and below
	// are looked at, within gutterSpan font sizes vertically.
	gutterSupport = 2
	gutterReach   = 5
	gutterSpan    = 8.0
)

// columnSplits decides, for the words of each line sorted left to right, where the
// line splits into segments: splits[i][k] is true when a segment starts at word k.
func columnSplits(rows [][]doc.Word) [][]bool {
	splits := make([][]bool, len(rows))
	for i, ws := range rows {
		splits[i] = make([]bool, len(ws))
		for k := 1; k < len(ws); k++ {
			size := pairSize(ws, k)
			gap := ws[k].BBox[0] - ws[k-1].BBox[2]
			switch {
			case gap > SegmentGap*size:
				splits[i][k] = true
			case gap > gutterGap*size:
				if distinct, known := distinctGap(ws, k); distinct || !known {
					splits[i][k] = sharedEdge(rows, i, ws[k-1], ws[k], size)
				}
			}
		}
	}
	return splits
}

// pairSize is the font size a gap between words k-1 and k is measured in, the smaller
// of theirs. A word of punctuation only has no letter's height to tell its size by (an
// OCR box of a dash is a stroke's height, a fifth of its letters'): its neighbour's
// size is taken, so "FC-0094417-01 - Atlanta" is not split at its dash.
func pairSize(ws []doc.Word, k int) float64 {
	a, b := ws[k-1], ws[k]
	switch {
	case !doc.HasAlnum(a.Text) && doc.HasAlnum(b.Text):
		return WordSize(b)
	case !doc.HasAlnum(b.Text) && doc.HasAlnum(a.Text):
		return WordSize(a)
	}
	return math.Min(WordSize(a), WordSize(b))
}

// gutterDistinct: a column gap is at least this many times the line's word spaces.
const gutterDistinct = 1.6

// distinctGap reports whether the gap before word k is much wider than the line's
// other word gaps (known: the line has other gaps under segmentGap to compare with).
func distinctGap(ws []doc.Word, k int) (distinct, known bool) {
	var others []float64
	for j := 1; j < len(ws); j++ {
		if j == k {
			continue
		}
		size := pairSize(ws, j)
		if g := (ws[j].BBox[0] - ws[j-1].BBox[2]) / size; g <= SegmentGap {
			others = append(others, g)
		}
	}
	if len(others) == 0 {
		return false, false
	}
	sort.Float64s(others)
	med := others[len(others)/2]
	return (ws[k].BBox[0]-ws[k-1].BBox[2])/pairSize(ws, k) >= gutterDistinct*med, true
}

// columnBreak: the line is broken into columns before word k: k starts it, or the gap
// before k is a segment gap, or a gutter that stands out from the line's word spaces.
func columnBreak(ws []doc.Word, k int) bool {
	if k == 0 || k == len(ws) {
		return true
	}
	size := pairSize(ws, k)
	gap := ws[k].BBox[0] - ws[k-1].BBox[2]
	if gap > SegmentGap*size {
		return true
	}
	distinct, known := distinctGap(ws, k)
	return gap > gutterGap*size && distinct && known
}

// sharedEdge reports whether at least gutterSupport lines near row i break into
// columns right before a word starting at b's left edge, or right after a word
// ending at a's right edge.
func sharedEdge(rows [][]doc.Word, i int, a, b doc.Word, size float64) bool {
	tol := gutterAlign * size
	mid := (b.BBox[1] + b.BBox[3]) / 2
	n := 0
	for j := max(0, i-gutterReach); j < min(len(rows), i+gutterReach+1); j++ {
		r := rows[j]
		if j == i || len(r) == 0 {
			continue
		}
		if c := (r[0].BBox[1] + r[0].BBox[3]) / 2; math.Abs(c-mid) > gutterSpan*size {
			continue
		}
		for k, w := range r {
			if math.Abs(w.BBox[0]-b.BBox[0]) <= tol && columnBreak(r, k) ||
				math.Abs(w.BBox[2]-a.BBox[2]) <= tol && columnBreak(r, k+1) {
				n++
				break
			}
		}
		if n >= gutterSupport {
			return true
		}
	}
	return false
}
