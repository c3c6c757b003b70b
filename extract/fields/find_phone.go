package fields

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/layout"
)

// The customer's own numbers. Every NANP number printed in a common format is a
// candidate; what decides is where the bill prints it (see find_phone_place.go): its
// label, its row and column heading, and the part of the page it stands in. A bill
// prints the carrier's numbers in known places — the customer-service box, the page
// header and footer, the remittance coupon, the carrier's own address line, marketing
// text, a fax machine's header line — and the customer's in the account and line
// tables, labelled or billed. Toll-free and service codes are the carrier's unless the
// bill lists them as a line of the account, and digit runs that belong to the account
// number are never a phone number.

// phoneSep is what stands between digit groups: nothing, a space, or a dash or dot
// with a space either side (OCR puts spaces where the print had none).
const phoneSep = `(?:\s?[.\-–]\s?|\s)?`

// phoneRe: OCR reads a parenthesis as a brace or bracket now and then ("{410) 555").
var phoneRe = mustQuick(`(?:\+?1` + phoneSep + `)?(?:[(\[{]\d{3}[)\]}]\s?|\d{3}` + phoneSep + `)\d{3}` + phoneSep + `\d{4}`)

// localRe is a seven-digit local number ("555-0134"), read only on the customer's
// rows of a line table whose area code the bill prints once.
var localRe = mustQuick(`\d{3}\s?[.\-–]\s?\d{4}`)

// carrierContact marks a number as the carrier's own, when it labels the number
// (before it on its segment, on the segment to its left, on the line above a lone
// number) or heads its column.
var carrierContact = mustQuick(`(?i)\b(?:customer\s+(?:service|care|support)|call\s+us|call\b|calling|contact\s+us|questions?|` +
	`repairs?|support|help|assistance|billing\s+(?:inquir|question|dept|department|fax)|technical|tech\b|sales|to\s+pay|pay\s+by|` +
	`payment\s+(?:line|center)|tty|tdd|relay|outage|report|dial|hearing|speech|disab|español|espanol|spanish|` +
	`emergency|press|agent|reach\s+us|our\b|visit|text\s+us|business\s+office|fraud|lost\s+or\s+stolen|care\b|service\s+center|` +
	`toll[\s-]free|hours|24/7|anytime|moving|upgrade|order|noc\b|network\s+operations|operations\s+center|trouble)`)

var tollFree = map[string]bool{"800": true, "822": true, "833": true, "844": true, "855": true, "866": true,
	"877": true, "888": true, "880": true, "881": true, "882": true, "883": true, "884": true, "885": true,
	"886": true, "887": true, "889": true}

// premium area codes are never a customer's line to port.
var premium = map[string]bool{"900": true, "976": true}

var moneyRe = mustQuick(`\$\s?\d[\d,]*\.\d{2}|\b\d{1,4}\.\d{2}\b`)

// lineText is the whole printed line a segment stands on.
func lineText(s *layout.Seg) string {
	var b strings.Builder
	for _, o := range s.Line.Segs {
		b.WriteString(o.Text)
		b.WriteByte(' ')
	}
	return b.String()
}

// nanp validates the ten digits: area code and exchange start 2-9, and neither is
// premium or an N11 service code.
func nanp(d string) bool {
	if len(d) != 10 || d[0] < '2' || d[3] < '2' {
		return false
	}
	if premium[d[:3]] || d[1] == '1' && d[2] == '1' || d[4] == '1' && d[5] == '1' {
		return false
	}
	return true
}

func digitsOnly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

type span struct {
	seg        *layout.Seg
	start, end int
}

// phoneCand is one printed number and what its place says about its owner.
type phoneCand struct {
	seg        *layout.Seg
	start, end int
	e164       string
	local      bool // seven digits, area code to infer
	place      place
}

func findPhones(lay *layout.Layout, skip []span, blocks []*addrBlock) []PhoneNumber {
	pl := newPlaces(lay, blocks)
	var cands []*phoneCand
	for _, s := range lay.Segs {
		if countDigits(s.Text) < 7 {
			continue
		}
		var ten [][]int
		if countDigits(s.Text) >= 10 {
			ten = phoneMatches(s.Text)
		}
		for _, m := range ten {
			start, end := m[0], m[1]
			if !phoneBoundary(s.Text, start, end) || overlapsAny(skip, s, start, end) {
				continue
			}
			e, ok := e164Of(s.Text[start:end])
			if !ok || identifier(lay, s, start, end) {
				continue
			}
			c := &phoneCand{seg: s, start: start, end: end, e164: e, place: pl.of(s, start, end, e)}
			cands = append(cands, c)
			for _, n := range numberRange(e, s.Text[end:]) {
				cands = append(cands, &phoneCand{seg: s, start: start, end: end, e164: n, place: c.place})
			}
		}
		for _, m := range localRe.FindAllStringIndex(s.Text, -1) {
			start, end := m[0], m[1]
			bounded := phoneBoundary(s.Text, start, end)
			if !bounded && start == 1 && s.Text[0] == '-' && lay.Source(s.Page) == doc.SourceOCR {
				// A dash opening the segment is what OCR made of an area code too small
				// to read ("-555.0145" under "540.555.0144"), no number's tail.
				bounded = phoneBoundary(s.Text[1:], 0, end-1)
			}
			if insideAny(ten, start, end) || !bounded || overlapsAny(skip, s, start, end) {
				continue
			}
			if s.Text[start] < '2' { // an exchange starts 2-9
				continue
			}
			cands = append(cands, &phoneCand{seg: s, start: start, end: end, local: true, place: pl.of(s, start, end, "")})
		}
	}
	pl.frameOnly(cands)

	var out []PhoneNumber
	seen := map[string]bool{}
	add := func(c *phoneCand, conf float64) {
		if seen[c.e164] {
			return
		}
		seen[c.e164] = true
		box, wconf := c.seg.Span(c.start, c.end)
		out = append(out, PhoneNumber{Number: c.e164, Page: c.seg.Page, BBox: roundBox(box),
			Confidence: roundConf(conf * wconf), Source: lay.Source(c.seg.Page)})
	}
	// A number the bill prints both as the carrier's and as a line of the account
	// (the carrier's own main number is never one of the customer's, but a customer's
	// line printed once more in a "your numbers" sidebar is) counts once, as the
	// customer's: the carrier's mention does not take it away.
	//
	// The other way round, a number the bill labels as the carrier's ("Local office:")
	// and prints elsewhere with nothing saying it is a line (a footer OCR garbled, a
	// page alone with no running footer to repeat it) stays the carrier's.
	carrierNamed := map[string]bool{}
	for _, c := range cands {
		if !c.local && (c.place.carrierLabel || c.place.headCarrier) {
			carrierNamed[c.e164] = true
		}
	}
	var customer []*phoneCand
	for _, c := range cands {
		if c.local || carrierNamed[c.e164] && !c.place.lineOfAccount() {
			continue
		}
		switch owner, conf := c.place.owner(); owner {
		case ownerCustomer:
			customer = append(customer, c)
			add(c, conf)
		}
	}
	for _, c := range cands {
		if !c.local {
			continue
		}
		if o := c.place.owner7(); o == ownerCarrier || o == ownerUnknown && !inCustomerRow(c, customer) {
			continue
		}
		area := areaNear(lay, c)
		if area == "" {
			area = areaFor(c, customer)
		}
		if area != "" {
			if e, ok := e164Of(area + digitsOnly(c.seg.Text[c.start:c.end])); ok {
				c.e164 = e
				add(c, localConf)
			}
		}
	}
	return out
}

// rangeRe is the end of a block of numbers printed as a range after its first number
// ("870-555-0140 THRU 0149", "- 0149", "to 870-555-0149"): its last four digits, or
// the whole last number.
var rangeRe = mustQuick(`(?i)^\s*(?:[-–—]|thru\b|through\b|to\b)\s*((?:\+?1[-.\s]?)?(?:\(?\d{3}\)?[-.\s]?)?(?:\d{3}[-.\s]?)?\d{4})\b`)

// maxRange is the largest block of numbers a range is read as (a DID block of a
// hundred); a wider one is left as its printed numbers.
const maxRange = 100

// numberRange is the numbers after first (E.164) of a range printed right after it
// (rest is the text that follows it), or none. The last number must share the first's
// printed leading digits and come after it.
func numberRange(first, rest string) []string {
	m := rangeRe.FindStringSubmatch(rest)
	if m == nil {
		return nil
	}
	d := digitsOnly(m[1])
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	own := first[2:] // ten digits
	if len(d) != 4 && len(d) != 7 && len(d) != 10 || d[:len(d)-4] != own[10-len(d):6] {
		return nil
	}
	lo, _ := strconv.Atoi(own[6:])
	hi, _ := strconv.Atoi(d[len(d)-4:]) // four digits, both
	if hi <= lo || hi-lo >= maxRange {
		return nil
	}
	var out []string
	for n := lo + 1; n <= hi; n++ {
		out = append(out, first[:8]+fmt.Sprintf("%04d", n))
	}
	return out
}

// inCustomerRow: c stands on a line of numbers with one of the customer's ten-digit
// numbers (a grid of the account's numbers, some printed without their area code,
// or with it lost by OCR in a small render).
func inCustomerRow(c *phoneCand, customer []*phoneCand) bool {
	for _, o := range customer {
		if o.seg.Line == c.seg.Line && o.seg != c.seg {
			return true
		}
	}
	return false
}

// localConf is the confidence of a seven-digit number whose area code was inferred.
const localConf = 0.6

// areaRe is an area code printed alone, as a table cell or a piece OCR split off.
var areaRe = mustQuick(`^[(\[{]\d{3}[)\]}]$`)

// areaNear is an area code printed right by a seven-digit number: the segment left
// of it on its line, or a lone "(203)" just above or below it in its column (OCR
// reads a cell's two lines apart).
func areaNear(lay *layout.Layout, c *phoneCand) string {
	s := c.seg
	if strings.TrimSpace(s.Text[:c.start]) == "" {
		if l := s.Left(); l != nil && areaRe.MatchString(strings.TrimSpace(l.Text)) {
			return digitsOnly(l.Text)
		}
	}
	lines := lay.Lines[s.Page-1]
	for _, li := range []int{s.Line.Index + 1, s.Line.Index - 1} {
		if li < 0 || li >= len(lines) {
			continue
		}
		l := lines[li]
		if math.Min(math.Abs(l.Top-s.Line.Bot), math.Abs(s.Line.Top-l.Bot)) > 1.2*s.Size {
			continue
		}
		for _, o := range l.Segs {
			// The area code stands over the number or just left of it.
			if o.BBox[0] < s.BBox[2] && o.BBox[2] > s.BBox[0]-3*s.Size && areaRe.MatchString(strings.TrimSpace(o.Text)) {
				return digitsOnly(o.Text)
			}
		}
	}
	return ""
}

// areaFor is the area code of a seven-digit number on a customer's row: the one of
// the nearest customer number in its column on its page, or the one area code every
// customer number on the bill shares. A toll-free code is no local number's.
func areaFor(c *phoneCand, customer []*phoneCand) string {
	best, bestD := "", math.Inf(1)
	areas := map[string]bool{}
	for _, o := range customer {
		a := o.e164[2:5]
		if tollFree[a] {
			continue
		}
		areas[a] = true
		if o.seg.Page != c.seg.Page || o.seg.BBox[0] > c.seg.BBox[2] || c.seg.BBox[0] > o.seg.BBox[2] {
			continue
		}
		if d := math.Abs(o.seg.BBox[1] - c.seg.BBox[1]); d < bestD {
			best, bestD = a, d
		}
	}
	if best != "" {
		return best
	}
	if len(areas) == 1 {
		for a := range areas {
			return a
		}
	}
	return ""
}

// phoneMatches finds the numbers in s. A match that starts with the last digit of
// something else ("CO 80111 720-555-0194": the 1 taken for the country code) is read
// again without it.
func phoneMatches(s string) [][]int {
	var out [][]int
	for pos := 0; pos < len(s); {
		m := phoneRe.FindStringIndex(s[pos:])
		if m == nil {
			break
		}
		start, end := pos+m[0], pos+m[1]
		if start > 0 && isDigit(s[start-1]) && (s[start] == '1' || s[start] == '+') {
			if n := phoneRe.FindStringIndex(s[start+1 : end]); n != nil && n[1] == end-start-1 {
				start = start + 1 + n[0]
			}
		}
		out = append(out, []int{start, end})
		pos = end
	}
	return out
}

func insideAny(ms [][]int, start, end int) bool {
	for _, m := range ms {
		if start < m[1] && m[0] < end {
			return true
		}
	}
	return false
}

// phoneBoundary rejects a match that is part of a longer number: glued to letters or
// digits, or next to digit groups as in a spaced account number ("287 654 3210 987").
func phoneBoundary(s string, start, end int) bool {
	if start > 0 {
		c := s[start-1]
		if isAlnum(c) || c == '-' || c == '.' || c == '/' || c == '#' {
			return false
		}
	}
	if end < len(s) {
		c := s[end]
		if isAlnum(c) || c == '-' || c == '/' || (c == '.' && end+1 < len(s) && isDigit(s[end+1])) {
			return false
		}
	}
	// A number starting "+1" or "(" begins there; otherwise a digit group just before
	// it means it is the tail of a longer number.
	if start >= 2 && s[start-1] == ' ' && s[start] != '+' && s[start] != '(' {
		ts := tokens(s[:start-1])
		if len(ts) > 0 {
			p := ts[len(ts)-1].text
			if len(p) >= 2 && countDigits(p) == len(p) {
				return false
			}
		}
	}
	if end+1 < len(s) && s[end] == ' ' {
		ts := tokens(s[end+1:])
		if len(ts) > 0 {
			n := ts[0].text
			if len(n) >= 3 && countDigits(n) == len(n) {
				return false
			}
		}
	}
	return true
}

func isAlnum(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// idLabelRe ends the label of an identifier: "Company ID", "Customer No.", "Order #".
var idLabelRe = mustQuick(`(?i)\b(?:id|identifier|no\.?|#|acct|account|invoice|order|reference|ref|confirmation|conf|ticket|case|member|customer|company|tax|ein|fein|ban|can|serial|contract)\s*(?:id|no\.?|number|#)?\s*[:#.]?\s*$`)

// identifier: ten digits printed as one run, with no separator a number is written
// with, under an identifier's label ("Company ID 5839201847"): an ID, not a number.
func identifier(lay *layout.Layout, s *layout.Seg, start, end int) bool {
	if digitsOnly(s.Text[start:end]) != s.Text[start:end] {
		return false
	}
	label := phoneContext(lay, s, start)
	return idLabelRe.MatchString(label) && !phoneLabelRe.MatchString(label)
}

// phoneContext is the text that labels a number: what precedes it on its segment, the
// segment to its left, and the line above when the number stands alone.
func phoneContext(lay *layout.Layout, s *layout.Seg, start int) string {
	ctx := s.Text[:start]
	if l := s.Left(); l != nil {
		ctx = l.Text + " " + ctx
	}
	if strings.TrimSpace(s.Text[:start]) == "" {
		if a := lay.Above(s); a != nil && len(tokens(a.Text)) <= 6 {
			ctx = a.Text + " " + ctx
			// A label wrapped over two lines ("Dialpad Meetings shared dial-in, /
			// Portland:"): the line above ends mid-phrase, and neither holds a number.
			if aa := lay.Above(a); aa != nil && countDigits(a.Text) == 0 && countDigits(aa.Text) == 0 &&
				len(tokens(aa.Text)) <= 6 && strings.HasSuffix(strings.TrimSpace(aa.Text), ",") {
				ctx = aa.Text + " " + ctx
			}
		}
	}
	return ctx
}

func overlapsAny(spans []span, s *layout.Seg, start, end int) bool {
	for _, sp := range spans {
		if sp.seg == s && start < sp.end && sp.start < end {
			return true
		}
	}
	return false
}
