package fields

import (
	"strings"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/layout"
)

// Where a number stands, and what that says about whose it is. The signals, from the
// strongest:
//
//   - a place only the carrier prints its numbers in: the remittance address and the
//     payment coupon, a fax machine's header line, a sentence of marketing text; and
//     the other party's column of a call-detail table ("Number called");
//   - the row: a charge to the right of the number makes it a billed line;
//   - the label (before the number, left of it, or the line above a lone number) and
//     the column heading: "Customer service", "Call us", "TTY" — or "Line", "BTN";
//   - a place the carrier usually prints its numbers in: the running header or
//     footer (the same number on every page, in the page frame), right after the
//     carrier's name or its address, next to its web address; and toll-free codes.
//
// A number with no signal either way is the customer's: the account and line tables
// are where a bill prints most numbers.

type owner int

const (
	ownerUnknown owner = iota
	ownerCarrier
	ownerCustomer
)

type place struct {
	strong string // the carrier's place, whatever the label says
	weak   string // a place the carrier usually prints its numbers in
	billed bool   // a charge stands right of the number on its row

	carrierLabel bool // labelled as the carrier's
	lineLabel    bool // labelled as a line of the account ("Line", "BTN", "Service for")
	phoneLabel   bool // labelled as a number ("Phone", "Tel", "Fax"): anyone's
	headCarrier  bool // its column or row is headed as the carrier's contacts
	headCustomer bool // its column is headed "Number", "Line", "Phone"...
	tollFreeCode bool
}

// owner decides a ten-digit number's owner and the confidence of a customer's.
func (p place) owner() (owner, float64) {
	switch {
	case p.strong != "":
		return ownerCarrier, 0
	case p.billed:
		return ownerCustomer, 0.95
	case p.carrierLabel || p.headCarrier:
		return ownerCarrier, 0
	case p.lineLabel || p.headCustomer && p.weak == "":
		return ownerCustomer, 0.95
	case p.weak != "" || p.tollFreeCode:
		return ownerCarrier, 0
	case p.phoneLabel:
		return ownerCustomer, 0.95
	}
	return ownerCustomer, 0.8
}

// lineOfAccount: the number's row, label or column says it is a line of the account.
func (p place) lineOfAccount() bool {
	return p.billed || p.lineLabel || p.headCustomer
}

// owner7 decides a seven-digit number's owner: the customer's only on a row the bill
// lists as a line of the account.
func (p place) owner7() owner {
	if p.strong != "" || p.weak != "" || p.carrierLabel || p.headCarrier {
		return ownerCarrier
	}
	if p.billed || p.lineLabel || p.headCustomer {
		return ownerCustomer
	}
	return ownerUnknown
}

// lineLabelRe: words that name a line of the account; phoneLabelRe: words that name
// a number, the customer's or the carrier's.
var (
	lineLabelRe  = mustQuick(`(?i)\b(?:line|lines|btn|tn|service\s+for|your\s+(?:number|line)|main|device|user|extension|ext|did|trunk|subscriber|circuit|wireless\s+number|mobile\s+number|location|site)\b`)
	phoneLabelRe = mustQuick(`(?i)\b(?:number|numbers|phone|mobile|wireless|cell|tel|telephone|fax|voice)\b`)
	// callPartyRe heads the column of a call-detail table that lists the other party
	// of each call (whom the line called, who called it): never the account's lines.
	// It is the whole heading: a feature line over the next row ("TOUCH TONE / CALLER
	// ID  INCL") is no column's heading.
	// callsOfRe labels a line by the calls it made ("Call details for 385-555-0126"):
	// the account's line, though "call" would name the carrier's contact.
	callsOfRe   = mustQuick(`(?i)\bcalls?\s+(?:details?|detail\s+records?|logs?|history|usage|summary|activity)\s+(?:for|of)\b`)
	callPartyRe = mustQuick(`(?i)^\W*(?:(?:number|no\.?|#)\s+(?:called|dialed|dialled)|called\s+(?:number|no\.?|party)|calling\s+(?:number|party)|dialed\s+number|destination(?:\s+number)?|other\s+party|caller\s+id|incoming\s+from|outgoing\s+to)\W*$`)
)

// couponRe: the heading of the part of the page that goes back with the payment.
var (
	couponRe  = mustQuick(`(?i)amount\s+enclosed|detach|return\s+(?:this|the|bottom|lower)\s+(?:portion|part|stub|coupon|section)|payment\s+(?:coupon|stub|slip)|please\s+return|remittance\s+(?:slip|stub|coupon)`)
	remitToRe = mustQuick(`(?i)make\s+checks?\s+payable|payable\s+to|remit\s+(?:payment\s+)?to|send\s+(?:your\s+)?payments?\s+to|mail\s+(?:your\s+)?payments?\s+to`)
)

// The page frame a fax machine stamps: a line at the very top or bottom of the page
// with the time sent and a page counter or a sender's label.
var (
	faxTimeRe    = mustQuick(`\b\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\b\.?)?`)
	faxCounterRe = mustQuick(`(?i)\b(?:p|pg|page)\.?\s?\d{1,3}(?:\s?(?:of|/)\s?\d{1,3})?\b|\b\d{3}/\d{3}\b`)
	faxWordRe    = mustQuick(`(?i)\b(?:from|to|fax|sent|rcvd|received)\b`)
)

const (
	faxTop    = 0.08 // fraction of the page height a fax header line stands in
	faxBottom = 0.06
)

var (
	webRe       = mustQuick(`(?i)\b(?:www\.|https?://)|\b[a-z0-9-]{2,}\.(?:com|net|org|us|biz|info)\b|@[a-z0-9-]+\.`)
	afterAddrRe = mustQuick(`\b([A-Z]{2})[,.]?\s+\d{5}(?:-\d{4})?[\s·•|,;:\-–—]*$`)
)

type region struct {
	page           int
	x0, y0, x1, y1 float64
}

func (r region) holds(s *layout.Seg, box doc.BBox) bool {
	return s.Page == r.page && box[0] < r.x1 && box[2] > r.x0 && box[1] < r.y1 && box[3] > r.y0
}

// places holds what a document's layout says about the places of its numbers.
type places struct {
	lay   *layout.Layout
	remit []region // remittance addresses and payment coupons
}

func newPlaces(lay *layout.Layout, blocks []*addrBlock) *places {
	pl := &places{lay: lay}
	for _, b := range blocks {
		if b.label != "remit" {
			continue
		}
		segs := append(append([]*layout.Seg{}, b.names...), b.lines...)
		r := region{page: b.page, x0: segs[0].BBox[0], y0: b.top, x1: segs[0].BBox[2], y1: segs[0].BBox[3]}
		for _, s := range segs {
			r.x0, r.x1 = min(r.x0, s.BBox[0]), max(r.x1, s.BBox[2])
			r.y1 = max(r.y1, s.BBox[3])
		}
		size := segs[len(segs)-1].Size
		// The carrier's phone is printed with its address, under it or beside it.
		r.x0, r.x1 = r.x0-size, r.x1+12*size
		r.y0, r.y1 = r.y0-2*size, r.y1+3.5*size
		pl.remit = append(pl.remit, r)
	}
	for _, s := range lay.Segs {
		p := lay.Pages[s.Page-1]
		if p.Height <= 0 || s.BBox[1] < 0.45*p.Height {
			continue
		}
		text := foldOCR(s.Text)
		switch {
		case couponRe.MatchString(text):
			// The coupon runs from its heading's line to the foot of the page.
			pl.remit = append(pl.remit, region{page: s.Page, x0: 0, x1: p.Width, y0: s.Line.Top - s.Size, y1: p.Height})
		case remitToRe.MatchString(text):
			pl.remit = append(pl.remit, region{page: s.Page, x0: s.BBox[0] - s.Size, x1: s.BBox[0] + 0.5*p.Width,
				y0: s.Line.Top - s.Size, y1: s.BBox[3] + 10*s.Size})
		}
	}
	return pl
}

// of reads the place of the number at s.text[start:end].
func (pl *places) of(s *layout.Seg, start, end int, e164 string) place {
	lay := pl.lay
	var p place
	box, _ := s.Span(start, end)
	for _, r := range pl.remit {
		if r.holds(s, box) {
			p.strong = "remit"
		}
	}
	if p.strong == "" && faxLine(lay, s) {
		p.strong = "fax"
	}
	if p.strong == "" && isProse(lay, s) {
		p.strong = "prose"
	}
	// A charge further right, past another segment, may be another column's: the
	// charge of "Sub-account -02 - Marietta" beside "Billing fax: (404) 869-2503".
	billedFar := false
	for o, next := s.Right(), true; o != nil; o, next = o.Right(), false {
		switch {
		case !moneyRe.MatchString(o.Text) || isProse(lay, o):
			// (A price in the sentence of a column beside it, "... for $4.95 a month",
			// is no charge of the number's row.)
		case next:
			p.billed = true
		default:
			billedFar = true
		}
	}
	if moneyRe.MatchString(s.Text[end:]) {
		p.billed = true
	}
	label := phoneContext(lay, s, start)
	if p.strong == "prose" {
		// A number in running text is labelled by its sentence, which may begin on
		// the line above ("Register by calling the co-op / office at 608-555-0180").
		before, _, _ := proseAround(lay, s, start, end)
		label += " " + before
	}
	label = foldOCR(label)
	p.carrierLabel = carrierContact.MatchString(label)
	if billedFar && !(p.carrierLabel && carrierContact.MatchString(foldOCR(s.Text[:start]))) {
		// ...but not when the number's own segment labels it the carrier's.
		p.billed = true
	}
	p.lineLabel = lineLabelRe.MatchString(label)
	if callsOfRe.MatchString(label) {
		p.carrierLabel, p.lineLabel = false, true
	}
	p.phoneLabel = phoneLabelRe.MatchString(label)
	if h := pl.heading(s, box); h != "" {
		h = foldOCR(h)
		if p.strong == "" && callPartyRe.MatchString(h) {
			p.strong = "call detail"
		}
		p.headCarrier = carrierContact.MatchString(h)
		p.headCustomer = !p.headCarrier && (lineLabelRe.MatchString(h) || phoneLabelRe.MatchString(h))
	}
	if first := s.Line.Segs[0]; first != s {
		if h := pl.heading(first, first.BBox); h != "" && carrierContact.MatchString(foldOCR(h)) {
			p.headCarrier = true
		}
	}
	before := leftText(s) + " " + s.Text[:start]
	switch {
	case s.Running:
		p.weak = "running"
	case webRe.MatchString(s.Text) || webRe.MatchString(leftText(s)):
		p.weak = "web"
	case afterAddress(lineBefore(s, start)):
		p.weak = "address"
	case byCarrierName(before):
		p.weak = "carrier name"
	}
	if e164 != "" {
		p.tollFreeCode = tollFree[e164[2:5]]
	}
	return p
}

// lineBefore is what the line prints left of s.text[start:].
func lineBefore(s *layout.Seg, start int) string {
	var b strings.Builder
	for _, o := range s.Line.Segs {
		if o == s {
			break
		}
		b.WriteString(o.Text)
		b.WriteByte(' ')
	}
	b.WriteString(s.Text[:start])
	return b.String()
}

// afterAddress: the number follows a state and ZIP on its line, as a carrier prints
// its address and phone on one footer line.
func afterAddress(before string) bool {
	m := afterAddrRe.FindStringSubmatch(strings.TrimRight(before, " "))
	return m != nil && states[m[1]]
}

// byCarrierName: a carrier's name stands right before the number ("Frontier
// 1-800-921-8101").
func byCarrierName(before string) bool {
	ts := tokens(strings.TrimRight(before, " :-–—|·•,"))
	if len(ts) == 0 {
		return false
	}
	ts = ts[max(0, len(ts)-4):]
	words := make([]string, len(ts))
	for i, t := range ts {
		words[i] = t.text
	}
	return nameIsCarrier(strings.Join(words, " "))
}

// heading is the text heading the column a box on segment s stands in: the nearest
// short, digit-free segment above it that overlaps it, past the table's rows (lines
// with numbers and amounts), within the same section (no wide vertical gap).
func (pl *places) heading(s *layout.Seg, box doc.BBox) string {
	lines := pl.lay.Lines[s.Page-1]
	prevTop := s.BBox[1]
	for li := s.Line.Index - 1; li >= 0; li-- {
		for _, o := range lines[li].Segs {
			if o.BBox[0] >= box[2] || o.BBox[2] <= box[0] {
				continue
			}
			if prevTop-o.BBox[3] > 3.5*s.Size {
				return ""
			}
			prevTop = o.BBox[1]
			ts := tokens(o.Text)
			if countDigits(o.Text) > 0 || rowOfNumbers(o.Line) {
				break // a row of the table
			}
			if len(ts) > 5 || o.Size >= titleRatio*s.Size {
				return "" // a paragraph, or a title in logo type over the section
			}
			if up := pl.lay.Above(o); up != nil && countDigits(up.Text) >= 7 && o.BBox[1]-up.BBox[3] < 2*s.Size {
				// A row's label between two rows of numbers ("Sales" under the number
				// above it, over its own): the column's heading is above them all.
				break
			}
			return o.Text
		}
	}
	return ""
}

// titleRatio: a segment set this many times larger than a number is a title (the
// carrier's logo over its tagline), never the heading of the number's column.
const titleRatio = 1.4

// rowOfNumbers: a line with a number on it, a table's row rather than its heading.
func rowOfNumbers(l *layout.Line) bool {
	for _, o := range l.Segs {
		if countDigits(o.Text) >= 7 {
			return true
		}
	}
	return false
}

// isProse: the number stands in running text — a sentence of marketing or a notice —
// on its segment, or on a short piece of a paragraph whose next or previous line is one.
func isProse(lay *layout.Layout, s *layout.Seg) bool {
	words := wordCount(s.Text)
	if words >= 8 && len(tokens(s.Text)) >= 10 {
		return true
	}
	// A wrapped line's short piece: not a labelled heading ("Service for …") over a
	// paragraph, which is set in its own size.
	if words < 2 || lineLabelRe.MatchString(s.Text) {
		return false
	}
	// A piece that begins and ends inside a sentence, on words in lower case ("as
	// (954) 555-0199 over", where OCR split a paragraph's line among the columns
	// beside it); no table's cell or row is set so.
	if ts := tokens(s.Text); len(ts) >= 3 && lowerWord(ts[0].text) && lowerWord(ts[len(ts)-1].text) {
		return true
	}
	for _, o := range []*layout.Seg{lay.Above(s), lay.Below(s, false)} {
		if o != nil && wordCount(o.Text) >= 8 && len(tokens(o.Text)) >= 10 && sameSize(inkSize(o), inkSize(s)) {
			return true
		}
	}
	return false
}

// lowerWord: w is a word of two or more letters, all in lower case.
func lowerWord(w string) bool {
	w = strings.TrimRight(w, ".,;:")
	if len(w) < 2 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// wordCount counts tokens of two or more letters.
func wordCount(s string) int {
	n := 0
	for _, t := range tokens(s) {
		letters := 0
		for _, r := range t.text {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f {
				letters++
			}
		}
		if letters >= 2 && letters*2 >= len(t.text) {
			n++
		}
	}
	return n
}

// faxLine: s stands on a line a fax machine stamped at the top or bottom of the page.
func faxLine(lay *layout.Layout, s *layout.Seg) bool {
	h := lay.Pages[s.Page-1].Height
	if h <= 0 || s.Line.Top > faxTop*h && s.Line.Bot < (1-faxBottom)*h {
		return false
	}
	t := lineText(s)
	return faxTimeRe.MatchString(t) && (faxCounterRe.MatchString(t) || faxWordRe.MatchString(t))
}

// frameOnly marks the numbers printed only in the page frame (the top and bottom
// bands running headers and footers stand in), on two pages or more: the carrier's
// number in a running footer, however OCR read the words around it.
func (pl *places) frameOnly(cands []*phoneCand) {
	type seen struct {
		pages   map[int]bool
		inFrame bool
	}
	by := map[string]*seen{}
	for _, c := range cands {
		if c.local {
			continue
		}
		v := by[c.e164]
		if v == nil {
			v = &seen{pages: map[int]bool{}, inFrame: true}
			by[c.e164] = v
		}
		v.pages[c.seg.Page] = true
		h := pl.lay.Pages[c.seg.Page-1].Height
		if h <= 0 || c.seg.BBox[1] > layout.RunningTop*h && c.seg.BBox[3] < (1-layout.RunningBottom)*h {
			v.inFrame = false
		}
	}
	for _, c := range cands {
		if v := by[c.e164]; v != nil && v.inFrame && len(v.pages) >= 2 && c.place.weak == "" {
			c.place.weak = "page frame"
		}
	}
}

// foldOCR reads the letters OCR takes for digits back as letters, inside words, so
// that a label reads the same on a scan: "Ca11 us", "Questi0ns", "5upport".
func foldOCR(s string) string {
	b := []byte(s)
	for _, t := range tokens(s) {
		letters := 0
		for i := 0; i < len(t.text); i++ {
			c := t.text[i]
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				letters++
			}
		}
		if letters < 2 || letters*2 < len(t.text) {
			continue
		}
		for i := t.start; i < t.end; i++ {
			switch b[i] {
			case '0':
				b[i] = 'o'
			case '1', '|':
				b[i] = 'l'
			case '5':
				b[i] = 's'
			}
		}
	}
	return string(b)
}
