package layout

import (
	"math"
	"strings"
	"unicode"
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
	for pi, cs := range byPage {
		for _, c := range cs {
			h := lay.Pages[pi].Height
			for pj, ds := range byPage {
				if pj == pi || c.s.Running {
					continue
				}
				for _, d := range ds {
					tol := runningDrift * math.Max(c.s.Size, d.s.Size)
					sameRow := math.Abs(c.rel-d.rel)*h <= math.Max(tol, 0.02*h)
					// Left- or right-aligned: "Page 9 of 12" is wider than "Page 1 of 2".
					sameCol := math.Abs(c.s.BBox[0]-d.s.BBox[0]) <= tol || math.Abs(c.s.BBox[2]-d.s.BBox[2]) <= tol
					if sameRow && sameCol && similarKeys(c.key, d.key) {
						c.s.Running, d.s.Running = true, true
						break
					}
				}
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
