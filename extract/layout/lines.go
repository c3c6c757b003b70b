package layout

import (
	"math"
	"sort"
	"strings"

	"github.com/portdocs/portdocs/extract/doc"
)

// The layout model the field finders read. It is built from Words alone, so a text
// layer and an OCR'd scan go through the same finders.
//
//	line:    words sharing a baseline across the page
//	segment: a run of words in one line with no wide gap (a column's piece of the line)
//
// Finders look at segments (columns kept apart), at the segment right of another (a
// value box right of its label) and at the segment below another (a value under its
// label; the next line of an address block).

// Line is the words of one page that share a baseline, split into segments.
type Line struct {
	page  int // 1-based
	Index int // in its page
	Top   float64
	Bot   float64
	Segs  []*Seg
}

// Seg is a segment: a run of one line's words with no column gap in it.
type Seg struct {
	Page   int
	Line   *Line
	Words  []doc.Word
	Text   string
	Lower  string // text with ASCII letters lowered (same offsets), for quick tests
	starts []int  // byte offset of each word in text
	BBox   doc.BBox
	Size   float64 // median word height (font size when known)
	Conf   float64 // lowest word confidence
	// Running: repeated at this place on another page, a running header or footer
	// (see running.go).
	Running bool
}

// Layout is one document's lines and segments in reading order.
type Layout struct {
	Pages []doc.Page
	Lines [][]*Line // by page index
	Segs  []*Seg
}

// WordSize is a word's font size, or its box's height when the size is unknown (OCR).
func WordSize(w doc.Word) float64 {
	if w.FontSize > 0 {
		return w.FontSize
	}
	return math.Max(w.BBox[3]-w.BBox[1], 1)
}

// Build groups each page's words into lines and segments.
func Build(pages []doc.Page) *Layout {
	lay := &Layout{Pages: pages, Lines: make([][]*Line, len(pages))}
	for pi, p := range pages {
		lines := groupLines(p)
		for li, l := range lines {
			l.Index = li
			lay.Segs = append(lay.Segs, l.Segs...)
		}
		lay.Lines[pi] = lines
	}
	markRunning(lay)
	return lay
}

func groupLines(p doc.Page) []*Line {
	words := make([]doc.Word, 0, len(p.Words))
	for _, w := range p.Words {
		if strings.TrimSpace(w.Text) != "" {
			words = append(words, w)
		}
	}
	center := func(w doc.Word) float64 { return (w.BBox[1] + w.BBox[3]) / 2 }
	sort.SliceStable(words, func(i, j int) bool { return center(words[i]) < center(words[j]) })

	// Lines by clustering the words' vertical middles: a word joins the line above
	// it when its middle is within half a height of that line's mean middle. OCR
	// baselines wander by a point or two, a neighbouring column's line half a line
	// lower is a different line, and two lines are always more than a height apart.
	type band struct {
		top, bot float64
		sum, h   float64
		n        int // words in sum: marks are none
		words    []doc.Word
	}
	mid := func(b *band) float64 { return b.sum / float64(b.n) }
	// A mark with no letter or digit ("-", "|", a fax's speck) has a box as short as
	// its ink, no line's height: it would open a band so thin that the words after it
	// in the same line fall into it, away from their line. Marks join the band of
	// words they lie in once the words' bands are made; one in none is a band alone.
	var bands, markBands []*band
	var marks []doc.Word
	for _, w := range words {
		if !doc.HasAlnum(w.Text) {
			marks = append(marks, w)
			continue
		}
		c, h := center(w), w.BBox[3]-w.BBox[1]
		if n := len(bands); n > 0 {
			b := bands[n-1]
			// A word whose box a speck or its descender stretched ("741" of a ZIP+4
			// on a fax, twice its height) keeps its line when its top or its bottom
			// is level with the line's: its middle alone would take it off. So do the
			// words after such a word when it opened the band.
			level := func(t0, b0, t1, b1, hs float64) bool { return math.Abs(t0-t1) <= 0.25*hs || math.Abs(b0-b1) <= 0.25*hs }
			stretched := h > 1.4*b.h && h < 3*b.h && level(w.BBox[1], w.BBox[3], mid(b)-b.h/2, mid(b)+b.h/2, b.h) ||
				b.n == 1 && b.h > 1.4*h && b.h < 3*h && level(w.BBox[1], w.BBox[3], b.top, b.bot, h)
			if c-mid(b) <= 0.5*math.Min(h, b.h) || stretched {
				b.words = append(b.words, w)
				b.sum += c
				b.n++
				continue
			}
		}
		bands = append(bands, &band{top: w.BBox[1], bot: w.BBox[3], sum: c, h: h, n: 1, words: []doc.Word{w}})
	}
	for _, w := range marks {
		c := center(w)
		var in *band
		for _, b := range bands {
			if d := math.Abs(c - mid(b)); d <= 0.5*b.h && (in == nil || d < math.Abs(c-mid(in))) {
				in = b
			}
		}
		if in == nil {
			markBands = append(markBands, &band{top: w.BBox[1], bot: w.BBox[3], sum: c, h: w.BBox[3] - w.BBox[1], n: 1, words: []doc.Word{w}})
			continue
		}
		in.words = append(in.words, w) // its middle stays out of the band's mean
	}
	bands = append(bands, markBands...)
	sort.SliceStable(bands, func(i, j int) bool { return mid(bands[i]) < mid(bands[j]) })
	// A word or two left alone in a band while they stand between two words of the
	// next band up or down, a word space from each and level with both, belong to
	// that line: the band's middle drifted past them ("BERNADETTE A KOWALCZYK" beside
	// a column of smaller type on offset baselines).
	overlap := func(a, b doc.Word) float64 { return math.Min(a.BBox[3], b.BBox[3]) - math.Max(a.BBox[1], b.BBox[1]) }
	between := func(w doc.Word, o *band) bool {
		h := w.BBox[3] - w.BBox[1]
		left, right := false, false
		for _, x := range o.words {
			if overlap(w, x) < 0.5*h {
				continue
			}
			if g := w.BBox[0] - x.BBox[2]; g >= -0.5 && g < SegmentGap*h {
				left = true
			}
			if g := x.BBox[0] - w.BBox[2]; g >= -0.5 && g < SegmentGap*h {
				right = true
			}
		}
		return left && right
	}
	// beside: w is a word space from a word of o of its own height and of the type
	// of o's line (not a logo word that joined it by its top), level with it
	// (a two-word heading whose words OCR set a point apart: "SERVICE" of "SERVICE
	// ADDRESS" left in a band of its own).
	beside := func(w doc.Word, o *band) bool {
		h := w.BBox[3] - w.BBox[1]
		for _, x := range o.words {
			hx := x.BBox[3] - x.BBox[1]
			if hx < 0.75*h || hx > 1.33*h || hx > 1.33*o.h || overlap(w, x) < 0.6*math.Min(h, hx) {
				continue
			}
			if wordSpaceApart(w, x) {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(bands); i++ {
		b := bands[i]
		if len(b.words) > 2 {
			continue
		}
		for _, j := range []int{i - 1, i + 1} {
			if j < 0 || j >= len(bands) {
				continue
			}
			all := true
			for _, w := range b.words {
				all = all && between(w, bands[j])
			}
			if all || len(b.words) == 1 && beside(b.words[0], bands[j]) {
				bands[j].words = append(bands[j].words, b.words...)
				bands = append(bands[:i], bands[i+1:]...)
				i--
				break
			}
		}
	}
	// So does a word standing apart in a longer band, with no word of its band a word
	// space from it: a column's line set half a line lower than its neighbour's, where
	// the middles of the two lines lie close ("IL" of "Chicago, IL 60602-4331" taken
	// into "Los Angeles, CA 90074-2199" beside it).
	near := func(w doc.Word, ws []doc.Word) bool {
		h := w.BBox[3] - w.BBox[1]
		for _, x := range ws {
			if x != w && math.Max(w.BBox[0]-x.BBox[2], x.BBox[0]-w.BBox[2]) < SegmentGap*h {
				return true
			}
		}
		return false
	}
	// moveWords moves each word of a band of more than keep words to the band dest
	// names (-1: it stays).
	moveWords := func(keep int, dest func(i int, b *band, w doc.Word) int) {
		for i, b := range bands {
			for k := 0; k < len(b.words) && len(b.words) > keep; k++ {
				if j := dest(i, b, b.words[k]); j >= 0 {
					bands[j].words = append(bands[j].words, b.words[k])
					b.words = append(b.words[:k], b.words[k+1:]...)
					k--
				}
			}
		}
	}
	moveWords(2, func(i int, b *band, w doc.Word) int {
		if near(w, b.words) {
			return -1
		}
		for _, j := range []int{i - 1, i + 1} {
			if j >= 0 && j < len(bands) && between(w, bands[j]) {
				return j
			}
		}
		return -1
	})
	// A word of large type that joined a band of small type by one level edge (a logo
	// word top-aligned with a heading beside it: "Fiber" of "Vexus Fiber" next to
	// "Estado de cuenta") belongs with a word of its own height a word space beside
	// it, level with it at the top and the bottom, in another band ("Vexus").
	levelNeighbour := func(w doc.Word, skip int) int {
		h := w.BBox[3] - w.BBox[1]
		for j, o := range bands {
			for _, x := range o.words {
				hx := x.BBox[3] - x.BBox[1]
				if j == skip || hx < 0.75*h || hx > 1.33*h || math.Abs(x.BBox[1]-w.BBox[1]) > 0.25*h || math.Abs(x.BBox[3]-w.BBox[3]) > 0.25*h {
					continue
				}
				if wordSpaceApart(w, x) {
					return j
				}
			}
		}
		return -1
	}
	moveWords(1, func(i int, b *band, w doc.Word) int {
		if w.BBox[3]-w.BBox[1] <= 1.4*b.h {
			return -1
		}
		return levelNeighbour(w, i)
	})
	rows := make([][]doc.Word, len(bands))
	for i, b := range bands {
		ws := b.words
		sort.SliceStable(ws, func(i, j int) bool { return ws[i].BBox[0] < ws[j].BBox[0] })
		rows[i] = ws
	}
	splits := columnSplits(rows)
	var lines []*Line
	for bi, b := range bands {
		ws := rows[bi]
		l := &Line{page: p.Number, Top: b.top, Bot: b.bot}
		for _, w := range ws {
			l.Top = math.Min(l.Top, w.BBox[1])
			l.Bot = math.Max(l.Bot, w.BBox[3])
		}
		start := 0
		for i := 1; i <= len(ws); i++ {
			if i < len(ws) && !splits[bi][i] {
				continue
			}
			l.Segs = append(l.Segs, newSegment(p.Number, l, ws[start:i]))
			start = i
		}
		lines = append(lines, l)
	}
	return lines
}

// wordSpaceApart: x stands beside w, left or right, no wider apart than a word space
// of w's height (touching or overlapping by half a point at most).
func wordSpaceApart(w, x doc.Word) bool {
	g := math.Max(w.BBox[0]-x.BBox[2], x.BBox[0]-w.BBox[2])
	return g >= -0.5 && g < SegmentGap*(w.BBox[3]-w.BBox[1])
}

// SegmentGap: a gap wider than this many font sizes splits a line into segments.
// Word spaces are 0.25-0.6 em even in justified text; columns and tab stops are wider.
const SegmentGap = 1.2

func newSegment(page int, l *Line, ws []doc.Word) *Seg {
	s := &Seg{Page: page, Line: l, Words: ws, Conf: 1}
	var b strings.Builder
	sizes := make([]float64, 0, len(ws))
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
		}
		s.starts = append(s.starts, b.Len())
		b.WriteString(w.Text)
		if i == 0 {
			s.BBox = w.BBox
		} else {
			s.BBox = UnionBox(s.BBox, w.BBox)
		}
		sizes = append(sizes, WordSize(w))
		if w.Confidence > 0 && w.Confidence < s.Conf {
			s.Conf = w.Confidence
		}
	}
	sort.Float64s(sizes)
	s.Size = sizes[len(sizes)/2]
	s.Text = b.String()
	s.Lower = ASCIILower(s.Text)
	return s
}

// UnionBox is the smallest box holding a and b.
func UnionBox(a, b doc.BBox) doc.BBox {
	return doc.BBox{math.Min(a[0], b[0]), math.Min(a[1], b[1]), math.Max(a[2], b[2]), math.Max(a[3], b[3])}
}

// Span returns the box and lowest confidence of the words covering text[start:end].
func (s *Seg) Span(start, end int) (doc.BBox, float64) {
	var box doc.BBox
	conf := 1.0
	first := true
	for i, w := range s.Words {
		ws, we := s.starts[i], s.starts[i]+len(w.Text)
		if we <= start || ws >= end {
			continue
		}
		if first {
			box, first = w.BBox, false
		} else {
			box = UnionBox(box, w.BBox)
		}
		if w.Confidence > 0 && w.Confidence < conf {
			conf = w.Confidence
		}
	}
	if first {
		return s.BBox, s.Conf
	}
	return box, conf
}

// SizeOf is the median size of the words covering text[start:end] (the segment's
// size when none does), as Size is the whole segment's.
func (s *Seg) SizeOf(start, end int) float64 {
	var sizes []float64
	for i, w := range s.Words {
		if ws, we := s.starts[i], s.starts[i]+len(w.Text); we > start && ws < end {
			sizes = append(sizes, WordSize(w))
		}
	}
	if len(sizes) == 0 {
		return s.Size
	}
	sort.Float64s(sizes)
	return sizes[len(sizes)/2]
}

// JoinTight returns s.Text[start:end] with the space between two of its words taken
// out where their gap is a letter's, not a word's: narrower than a quarter of the
// words' height and than 0.4 of every other gap in the span. OCR splits a long word
// at a wide letter gap ("DESROSIERS-ABER NATHY"); a span of two words has no other
// gap to tell by and is returned as it is.
func (s *Seg) JoinTight(start, end int) string {
	var idx []int
	for i, w := range s.Words {
		if s.starts[i] >= start && s.starts[i]+len(w.Text) <= end {
			idx = append(idx, i)
		}
	}
	if len(idx) < 3 {
		return s.Text[start:end]
	}
	gaps := make([]float64, len(idx)-1)
	for k := 1; k < len(idx); k++ {
		gaps[k-1] = s.Words[idx[k]].BBox[0] - s.Words[idx[k-1]].BBox[2]
	}
	var b strings.Builder
	b.WriteString(s.Text[start:s.starts[idx[0]]])
	for k, i := range idx {
		if k > 0 {
			g := gaps[k-1]
			h := math.Min(s.Words[i].BBox[3]-s.Words[i].BBox[1], s.Words[idx[k-1]].BBox[3]-s.Words[idx[k-1]].BBox[1])
			tight := g < 0.25*h
			for o, og := range gaps {
				if o != k-1 && g >= 0.4*og {
					tight = false
				}
			}
			if !tight {
				b.WriteByte(' ')
			}
		}
		b.WriteString(s.Words[i].Text)
	}
	last := idx[len(idx)-1]
	b.WriteString(s.Text[s.starts[last]+len(s.Words[last].Text) : end])
	return b.String()
}

// Right returns the next segment to the right on the same line, if any.
func (s *Seg) Right() *Seg {
	for i, o := range s.Line.Segs {
		if o == s && i+1 < len(s.Line.Segs) {
			return s.Line.Segs[i+1]
		}
	}
	return nil
}

// Left returns the segment to the left on the same line, if any.
func (s *Seg) Left() *Seg {
	for i, o := range s.Line.Segs {
		if o == s && i > 0 {
			return s.Line.Segs[i-1]
		}
	}
	return nil
}

// Below returns the first segment under s that starts near s's left edge (or overlaps
// it horizontally when loose), no more than a blank line's height lower.
func (lay *Layout) Below(s *Seg, loose bool) *Seg {
	lines := lay.Lines[s.Page-1]
	// Lines of other columns may sit between (their baselines differ): look past them
	// while the gap stays within a blank line.
	for li := s.Line.Index + 1; li < len(lines) && li <= s.Line.Index+5; li++ {
		l := lines[li]
		if l.Top-s.BBox[3] > 1.6*s.Size {
			return nil
		}
		for _, o := range l.Segs {
			if math.Abs(o.BBox[0]-s.BBox[0]) <= 0.8*s.Size {
				return o
			}
			if loose && o.BBox[0] < s.BBox[2] && o.BBox[2] > s.BBox[0] {
				return o
			}
		}
	}
	return nil
}

// Above is the mirror of below for left-aligned blocks.
func (lay *Layout) Above(s *Seg) *Seg {
	lines := lay.Lines[s.Page-1]
	for li := s.Line.Index - 1; li >= 0 && li >= s.Line.Index-5; li-- {
		l := lines[li]
		if s.BBox[1]-l.Bot > 1.6*s.Size {
			return nil
		}
		for _, o := range l.Segs {
			if math.Abs(o.BBox[0]-s.BBox[0]) <= 0.8*s.Size {
				return o
			}
		}
	}
	return nil
}

// PageString is a page's text, one line per line and segments apart by a tab; for
// tests and debugging (never logged: it is the customer's document).
func (lay *Layout) PageString(page int) string {
	var b strings.Builder
	for _, l := range lay.Lines[page-1] {
		for i, s := range l.Segs {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(s.Text)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// ASCIILower lowers ASCII letters only, so byte offsets in s stay valid in the result.
func ASCIILower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// Source is where page's words came from (the text layer when it does not say).
func (lay *Layout) Source(page int) doc.Source {
	if page >= 1 && page <= len(lay.Pages) && lay.Pages[page-1].Source != "" {
		return lay.Pages[page-1].Source
	}
	return doc.SourceText
}
