package extract

import (
	"math"
	"sort"
	"strings"
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

type textLine struct {
	page  int // 1-based
	index int // in its page
	top   float64
	bot   float64
	segs  []*textSeg
}

type textSeg struct {
	page   int
	line   *textLine
	words  []Word
	text   string
	lower  string // text with ASCII letters lowered (same offsets), for quick tests
	starts []int  // byte offset of each word in text
	bbox   BBox
	size   float64 // median word height (font size when known)
	conf   float64 // lowest word confidence
	// running: repeated at this place on another page, a running header or footer
	// (see running.go).
	running bool
}

// layout is one document's lines and segments in reading order.
type docLayout struct {
	pages []Page
	lines [][]*textLine // by page index
	segs  []*textSeg
}

func wordSize(w Word) float64 {
	if w.FontSize > 0 {
		return w.FontSize
	}
	return math.Max(w.BBox[3]-w.BBox[1], 1)
}

// buildLayout groups each page's words into lines and segments.
func buildLayout(pages []Page) *docLayout {
	lay := &docLayout{pages: pages, lines: make([][]*textLine, len(pages))}
	for pi, p := range pages {
		lines := groupLines(p)
		for li, l := range lines {
			l.index = li
			lay.segs = append(lay.segs, l.segs...)
		}
		lay.lines[pi] = lines
	}
	markRunning(lay)
	return lay
}

func groupLines(p Page) []*textLine {
	words := make([]Word, 0, len(p.Words))
	for _, w := range p.Words {
		if strings.TrimSpace(w.Text) != "" {
			words = append(words, w)
		}
	}
	center := func(w Word) float64 { return (w.BBox[1] + w.BBox[3]) / 2 }
	sort.SliceStable(words, func(i, j int) bool { return center(words[i]) < center(words[j]) })

	// Lines by clustering the words' vertical middles: a word joins the line above
	// it when its middle is within half a height of that line's mean middle. OCR
	// baselines wander by a point or two, a neighbouring column's line half a line
	// lower is a different line, and two lines are always more than a height apart.
	type band struct {
		top, bot float64
		sum, h   float64
		words    []Word
	}
	var bands []*band
	for _, w := range words {
		c, h := center(w), w.BBox[3]-w.BBox[1]
		if n := len(bands); n > 0 {
			b := bands[n-1]
			if c-b.sum/float64(len(b.words)) <= 0.5*math.Min(h, b.h) {
				b.words = append(b.words, w)
				b.sum += c
				continue
			}
		}
		bands = append(bands, &band{top: w.BBox[1], bot: w.BBox[3], sum: c, h: h, words: []Word{w}})
	}
	rows := make([][]Word, len(bands))
	for i, b := range bands {
		ws := b.words
		sort.SliceStable(ws, func(i, j int) bool { return ws[i].BBox[0] < ws[j].BBox[0] })
		rows[i] = ws
	}
	splits := columnSplits(rows)
	var lines []*textLine
	for bi, b := range bands {
		ws := rows[bi]
		l := &textLine{page: p.Number, top: b.top, bot: b.bot}
		for _, w := range ws {
			l.top = math.Min(l.top, w.BBox[1])
			l.bot = math.Max(l.bot, w.BBox[3])
		}
		start := 0
		for i := 1; i <= len(ws); i++ {
			if i < len(ws) && !splits[bi][i] {
				continue
			}
			l.segs = append(l.segs, newSegment(p.Number, l, ws[start:i]))
			start = i
		}
		lines = append(lines, l)
	}
	return lines
}

// segmentGap: a gap wider than this many font sizes splits a line into segments.
// Word spaces are 0.25-0.6 em even in justified text; columns and tab stops are wider.
const segmentGap = 1.2

func newSegment(page int, l *textLine, ws []Word) *textSeg {
	s := &textSeg{page: page, line: l, words: ws, conf: 1}
	var b strings.Builder
	sizes := make([]float64, 0, len(ws))
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
		}
		s.starts = append(s.starts, b.Len())
		b.WriteString(w.Text)
		if i == 0 {
			s.bbox = w.BBox
		} else {
			s.bbox = unionBox(s.bbox, w.BBox)
		}
		sizes = append(sizes, wordSize(w))
		if w.Confidence > 0 && w.Confidence < s.conf {
			s.conf = w.Confidence
		}
	}
	sort.Float64s(sizes)
	s.size = sizes[len(sizes)/2]
	s.text = b.String()
	s.lower = asciiLower(s.text)
	return s
}

func unionBox(a, b BBox) BBox {
	return BBox{math.Min(a[0], b[0]), math.Min(a[1], b[1]), math.Max(a[2], b[2]), math.Max(a[3], b[3])}
}

// span returns the box and lowest confidence of the words covering text[start:end].
func (s *textSeg) span(start, end int) (BBox, float64) {
	var box BBox
	conf := 1.0
	first := true
	for i, w := range s.words {
		ws, we := s.starts[i], s.starts[i]+len(w.Text)
		if we <= start || ws >= end {
			continue
		}
		if first {
			box, first = w.BBox, false
		} else {
			box = unionBox(box, w.BBox)
		}
		if w.Confidence > 0 && w.Confidence < conf {
			conf = w.Confidence
		}
	}
	if first {
		return s.bbox, s.conf
	}
	return box, conf
}

// right returns the next segment to the right on the same line, if any.
func (s *textSeg) right() *textSeg {
	for i, o := range s.line.segs {
		if o == s && i+1 < len(s.line.segs) {
			return s.line.segs[i+1]
		}
	}
	return nil
}

// left returns the segment to the left on the same line, if any.
func (s *textSeg) left() *textSeg {
	for i, o := range s.line.segs {
		if o == s && i > 0 {
			return s.line.segs[i-1]
		}
	}
	return nil
}

// below returns the first segment under s that starts near s's left edge (or overlaps
// it horizontally when loose), no more than a blank line's height lower.
func (lay *docLayout) below(s *textSeg, loose bool) *textSeg {
	lines := lay.lines[s.page-1]
	// Lines of other columns may sit between (their baselines differ): look past them
	// while the gap stays within a blank line.
	for li := s.line.index + 1; li < len(lines) && li <= s.line.index+5; li++ {
		l := lines[li]
		if l.top-s.bbox[3] > 1.6*s.size {
			return nil
		}
		for _, o := range l.segs {
			if math.Abs(o.bbox[0]-s.bbox[0]) <= 0.8*s.size {
				return o
			}
			if loose && o.bbox[0] < s.bbox[2] && o.bbox[2] > s.bbox[0] {
				return o
			}
		}
	}
	return nil
}

// above is the mirror of below for left-aligned blocks.
func (lay *docLayout) above(s *textSeg) *textSeg {
	lines := lay.lines[s.page-1]
	for li := s.line.index - 1; li >= 0 && li >= s.line.index-5; li-- {
		l := lines[li]
		if s.bbox[1]-l.bot > 1.6*s.size {
			return nil
		}
		for _, o := range l.segs {
			if math.Abs(o.bbox[0]-s.bbox[0]) <= 0.8*s.size {
				return o
			}
		}
	}
	return nil
}

// pageString is a page's text, one line per line and segments apart by a tab; for
// tests and debugging (never logged: it is the customer's document).
func (lay *docLayout) pageString(page int) string {
	var b strings.Builder
	for _, l := range lay.lines[page-1] {
		for i, s := range l.segs {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(s.text)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
