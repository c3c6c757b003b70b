package fields

import (
	"math"
	"strings"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/layout"
)

// Shared pieces of the field finders. Every finder reads the layout (segments, lines,
// what stands right of and below what), never one layout's coordinates, and returns
// the value exactly as printed with the words it came from.

// hit is one place a value was read.
type hit struct {
	seg        *layout.Seg
	start, end int     // byte offsets of the value in seg.text
	value      string  // as printed
	rule       float64 // confidence of the rule that found it
}

// field turns a hit into a Field with its evidence. The confidence is the rule's,
// lowered by the least sure word (OCR).
func (h hit) field(lay *layout.Layout) *Field[string] {
	box, wconf := h.seg.Span(h.start, h.end)
	return &Field[string]{
		Value:      h.value,
		Confidence: roundConf(h.rule * wconf),
		Page:       h.seg.Page,
		BBox:       roundBox(box),
		Source:     lay.Source(h.seg.Page),
	}
}

func roundConf(c float64) float64 {
	if c <= 0 {
		return 0.01
	}
	if c > 1 {
		c = 1
	}
	return math.Round(c*100) / 100
}

func roundBox(b doc.BBox) doc.BBox {
	for i := range b {
		b[i] = math.Round(b[i]*10) / 10
	}
	return b
}

// labelled finds values that follow a label: in the same segment after it, in the
// segment to its right (a value box), or in the segment below it. value reads a value
// at the start of a string and returns its length (0: none).
type labelRule struct {
	hints   []string // lower-case words one of which every label contains: a cheap test first
	label   *quickRe
	exclude *quickRe // matched against the text before the label: a qualifier that makes it another label
	value   func(s string) int
	// confidence of each place; below 0: the value is never read from the line below
	same, right, below float64
}

var labelTrail = mustQuick(`^[\s:#.\-–—=|¦]*`) // "|": a table rule, as OCR reads it

func (r labelRule) find(lay *layout.Layout) []hit {
	var hits []hit
	for _, s := range lay.Segs {
		if !containsAny(s.Lower, r.hints) {
			continue
		}
		for _, m := range r.label.FindAllStringIndex(s.Text, -1) {
			if m[0] > 0 && !isBoundary(s.Text, m[0]-1) {
				continue
			}
			if r.exclude != nil && r.exclude.MatchString(s.Text[:m[0]]) {
				continue
			}
			rest := s.Text[m[1]:]
			skip := labelTrail.FindStringIndex(rest)[1]
			at := m[1] + skip
			if n := r.value(s.Text[at:]); n > 0 {
				hits = append(hits, hit{seg: s, start: at, end: at + n, value: s.Text[at : at+n], rule: r.same})
				continue
			}
			if strings.TrimSpace(s.Text[at:]) != "" {
				continue // the label is followed by something else: not this value's label
			}
			if rs := s.Right(); rs != nil {
				if n := r.value(rs.Text); n > 0 {
					rule := r.right
					if rs.BBox[0]-s.BBox[2] <= layout.SegmentGap*math.Min(s.Size, rs.Size) {
						// Apart only by a column gutter (see columns.go): as sure as inline.
						rule = r.same
					}
					hits = append(hits, hit{seg: rs, start: 0, end: n, value: rs.Text[:n], rule: rule})
					continue
				}
			}
			if bs := lay.Below(s, true); bs != nil && r.below > 0 {
				if n := r.value(bs.Text); n > 0 {
					hits = append(hits, hit{seg: bs, start: 0, end: n, value: bs.Text[:n], rule: r.below})
				}
			}
		}
	}
	return hits
}

func isBoundary(s string, i int) bool {
	c := s[i]
	return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
}

// tokens splits s at single spaces, keeping offsets.
type tok struct {
	text       string
	start, end int
}

func tokens(s string) []tok {
	var out []tok
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			if start >= 0 {
				out = append(out, tok{s[start:i], start, i})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return out
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

func alnumUpper(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isMasked reports a value printed with its characters hidden ("****1234", "XXXX").
var maskRe = mustQuick(`[*•●∙xX]{3,}|\*`)

func isMasked(s string) bool { return maskRe.MatchString(s) }

func containsAny(s string, subs []string) bool {
	if len(subs) == 0 {
		return true
	}
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
