package layout

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/portdocs/portdocs/extract/doc"
)

// Running headers and footers. A line the document prints at the same place on
// several pages (the carrier, "Page 2 of 3", the account number and the bill date)
// belongs to the page frame, not to what is printed under or over it. Finders still
// read fields from it (the account number in a header is a good reading), but it is
// never a line of an address block: a header printed right above the mailing block
// is not the block's first name line, and a carrier name in it does not make the
// block the carrier's remittance address.

const (
	// RunningTop and runningBottom are the parts of the page a running header or
	// footer is printed in (fractions of the page height).
	RunningTop    = 0.2
	RunningBottom = 0.15
	// runningDrift is how far, in font sizes, a repeated line may sit from its place
	// on another page (a scan lies a little higher or lower on the glass each time).
	runningDrift = 2.5
	// textDrift is that distance on pages with a text layer, which one template draws
	// at the same place on every page: a mailing block on page 1 and the same street
	// two lines higher under a location's heading on page 2 are no running line.
	textDrift = 0.5
	// frameDrift is how far, in font sizes, a repeated line of a scan may shift from
	// the shift its page pair's other repeated lines share.
	frameDrift = 1.0
)

// markRunning marks the segments repeated, at about the same place, on another page.
func markRunning(lay *Layout) {
	if len(lay.Pages) < 2 {
		return
	}
	type cand struct {
		s   *Seg
		key string
		rel float64 // top as a fraction of the page height
	}
	byPage := make([][]cand, len(lay.Pages))
	for _, s := range lay.Segs {
		h := lay.Pages[s.Page-1].Height
		if h <= 0 {
			continue
		}
		if s.BBox[1] > RunningTop*h && s.BBox[3] < (1-RunningBottom)*h {
			continue
		}
		if k := runningKey(s.Text); len(k) >= 4 {
			byPage[s.Page-1] = append(byPage[s.Page-1], cand{s, k, s.BBox[1] / h})
		}
	}
	// A scan shifts the whole frame of a page together: a match whose shift is not
	// its pages' common one (the same street two lines higher under a location's
	// heading on page 2, the header where it was) is no running line.
	type match struct {
		c, d *Seg
		dy   float64
	}
	byPair := map[[2]int][]match{}
	for pi, cs := range byPage {
		h := lay.Pages[pi].Height
		for pj := pi + 1; pj < len(byPage); pj++ {
			ocr := lay.Source(pi+1) == doc.SourceOCR || lay.Source(pj+1) == doc.SourceOCR
			for _, c := range cs {
				for _, d := range byPage[pj] {
					size := math.Max(c.s.Size, d.s.Size)
					tol := textDrift * size
					rowTol := tol
					if ocr {
						tol = runningDrift * size
						rowTol = math.Max(tol, 0.02*h)
					}
					dy := (d.rel - c.rel) * h
					sameRow := math.Abs(dy) <= rowTol
					// Left- or right-aligned: "Page 9 of 12" is wider than "Page 1 of 2".
					sameCol := math.Abs(c.s.BBox[0]-d.s.BBox[0]) <= tol || math.Abs(c.s.BBox[2]-d.s.BBox[2]) <= tol
					if sameRow && sameCol && similarKeys(c.key, d.key) {
						byPair[[2]int{pi, pj}] = append(byPair[[2]int{pi, pj}], match{c.s, d.s, dy})
						break
					}
				}
			}
		}
	}
	for _, ms := range byPair {
		dys := make([]float64, len(ms))
		for i, m := range ms {
			dys[i] = m.dy
		}
		sort.Float64s(dys)
		common := dys[len(dys)/2]
		for _, m := range ms {
			if math.Abs(m.dy-common) <= frameDrift*math.Max(m.c.Size, m.d.Size) {
				m.c.Running, m.d.Running = true, true
			}
		}
	}
}

// runningKey is a segment's letters, lowered: digits (page numbers, dates) and
// punctuation differ from page to page, the words do not.
func runningKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// similarKeys: the same words, allowing OCR a misread letter in six.
func similarKeys(a, b string) bool {
	if a == b {
		return true
	}
	n := max(len(a), len(b))
	if n < 8 || abs(len(a)-len(b)) > n/6 {
		return false
	}
	return editDistance(a, b) <= n/6
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance is the Levenshtein distance of two short strings (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
