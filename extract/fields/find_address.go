package fields

import (
	"sort"
	"strings"
	"unicode"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/layout"

	"github.com/portdocs/portdocs/port"
)

// Addresses by US address grammar, bottom-up from the last line:
//
//	name lines   (0-3: a person, ATTN/C/O contact, a business)
//	street line  (house number or PO Box; a unit may end it)
//	unit line    (optional: STE 200, APT 4B, # 12, FL 3)
//	CITY, ST ZIP (ZIP or ZIP+4)
//
// A block is the customer's mailing block unless it is the carrier's remittance
// address (a "make checks payable"/"remit to" heading, or the carrier's name in it),
// or labelled as the service address.

var cityLineRe = mustQuick(`^([\p{L}][\p{L}.'’\- ]*?),?\s+([A-Z]{2})\.?,?\s+(\d{5}(?:[\s\-]\d{4})?)$`)

// cityLineOCRRe is cityLineRe with a digit or a lower-case letter admitted for one of
// the state code's capitals ("COLUMBUS, 0H 43215", "WAIPAHU Hi 96797"), for OCR pages
// only, where repairState decides.
var cityLineOCRRe = mustQuick(`^([\p{L}][\p{L}.'’\- ]*?),?\s+([A-Z][0-9a-z]|[0-9a-z][A-Z])\.?,?\s+(\d{5}(?:[\s\-]\d{4})?)$`)

// stateEndRe ends a city line cut before its ZIP; zipOnlyRe is a ZIP alone.
var (
	stateEndRe = mustQuick(`\p{L}[,.]?\s+[A-Za-z0-9]{2}\.?,?$`)
	zipOnlyRe  = mustQuick(`^\d{5}(?:-\d{4})?$`)
)

// splitZIPRe is a ZIP+4 OCR read as two words ("68506-1 741"): the speck or gap of a
// fax between two of its digits.
var splitZIPRe = mustQuick(`\b(\d{5}-\d{1,3}) (\d{1,3})$`)

// joinSplitZIP joins a ZIP+4 OCR split in two at the end of a city line, when its
// two parts hold the four digits exactly.
func joinSplitZIP(text string) string {
	m := splitZIPRe.FindStringSubmatchIndex(text)
	if m == nil || m[3]-m[2]-6+m[5]-m[4] != 4 {
		return text
	}
	return text[:m[3]] + text[m[4]:]
}

var states = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Fields(`AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV
		NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP AA AE AP`) {
		m[s] = true
	}
	return m
}()

// unitDesignators are USPS Publication 28 §213 secondary unit designators, as printed.
var unitDesignators = map[string]bool{"APT": true, "APARTMENT": true, "STE": true, "SUITE": true, "UNIT": true,
	"FL": true, "FLOOR": true, "RM": true, "ROOM": true, "BLDG": true, "BUILDING": true, "DEPT": true,
	"DEPARTMENT": true, "LOT": true, "SPC": true, "SPACE": true, "TRLR": true, "TRAILER": true, "OFC": true,
	"OFFICE": true, "PH": true, "PENTHOUSE": true, "HNGR": true, "HANGAR": true, "PIER": true, "SLIP": true,
	"STOP": true, "KEY": true, "PMB": true, "#": true}

// unitsAlone need no number after them.
var unitsAlone = map[string]bool{"BSMT": true, "BASEMENT": true, "FRNT": true, "FRONT": true, "LBBY": true,
	"LOBBY": true, "LOWR": true, "LOWER": true, "REAR": true, "SIDE": true, "UPPR": true, "UPPER": true}

func unitWord(t string) string {
	return strings.ToUpper(strings.TrimRight(strings.TrimLeft(t, ","), ".,:"))
}

var (
	streetStartRe = mustQuick(`(?i)^(?:\d+[A-Z]?(?:[\-/]\d+[A-Z]?)?|[NSEW]\d+[NSEW]?\d*|P\.?\s?O\.?\s+(?:BOX|DRAWER)|POST\s+OFFICE\s+(?:BOX|DRAWER)|BOX|DRAWER|RR|HC|PMB|ONE|TWO|MILE\s+\d+(?:\.\d+)?|` + prStreetStart + `)\b`)
	poBoxRe       = mustQuick(`(?i)^(?:P\.?\s?O\.?\s+(?:BOX|DRAWER)|POST\s+OFFICE\s+(?:BOX|DRAWER)|BOX|DRAWER)\s+\S+`)
	// attnRe is the contact prefix, with the letters OCR confuses in it (ATIN, ATTH).
	attnRe         = mustQuick(`(?i)^(?:A\s?T\s?[TIl1]\s?[NH]|ATTENTION|ATENCI[OÓ]N|[AÀ]\s+L['’]ATTENTION\s+DE|C/O|C\\O|CARE\s+OF|A/C)(?:[:.;]\s*|\s+|$)`)
	remitLabelRe   = mustQuick(`(?i)payable\s+to|remit|make\s+checks|send\s+(?:your\s+)?payments?|mail\s+(?:your\s+)?payments?|payment\s+address|pay\s+by\s+mail|return\s+(?:this|bottom)|amount\s+enclosed|payment\s+coupon|please\s+mail`)
	serviceLabelRe = mustQuick(`(?i)\b(?:service\s+(?:address|location)|service\s+for\b|location\s+of\s+service|installation\s+address|service\s+(?:is\s+)?(?:provided\s+|located\s+|installed\s+)?at|premises?\s+address|site\s+address|physical\s+address|where\s+(?:your\s+)?service|(?:primary\s+)?place\s+of\s+(?:primary\s+)?use|(?:registered\s+)?(?:e911|911|emergency)(?:\s+\(?e?911\)?)?\s+(?:address|location)|(?:office|site)\s+location|(?:address|location)\s*\(\s*e?911\s*\))`)
	billingLabelRe = mustQuick(`(?i)\b(?:bill\s+to|billing\s+address|mailing\s+address|account\s+address|customer\s+address|sold\s+to|billed\s+to)`)
	anyLabelRe     = mustQuick(`^[^:]{2,40}:\s*`)
)

// prStreetStart starts a Puerto Rico street line: a lettered house number before a
// Spanish street word (USPS Publication 28 §29: "B14 CALLE TABONUCO"), or a highway
// and its kilometre post ("CARR 2 KM 14.5", "KM 3.2 CARR 175").
const prStreetStart = `[A-Z]{1,2}-?\d+[A-Z]?\s+(?:CALLE|AVE|AVENIDA|CAMINO|PASEO|CARR|CARRETERA)|(?:CARR|CARRETERA)\s+\d+[A-Z]?|KM\s+\d+(?:\.\d+)?`

// splitStreet splits a street line at its unit designator: "1234 N MAIN ST STE 200"
// gives "1234 N MAIN ST" and "STE 200"; street2 is "" when there is none.
func splitStreet(s string) (street, street2 string) {
	s = strings.TrimSpace(s)
	ts := tokens(s)
	for i := 1; i < len(ts); i++ {
		w := unitWord(ts[i].text)
		if poBoxRe.MatchString(s) && i < 3 {
			continue
		}
		isUnit := false
		switch {
		case strings.HasPrefix(ts[i].text, "#") && len(ts[i].text) > 1:
			isUnit = true
		case unitDesignators[w] && i+1 < len(ts) && i >= 2:
			isUnit = true
		case unitsAlone[w] && i == len(ts)-1 && i >= 2:
			isUnit = true
		}
		if isUnit {
			return strings.TrimRight(strings.TrimSpace(s[:ts[i].start]), ","), strings.TrimSpace(s[ts[i].start:])
		}
	}
	return strings.TrimRight(s, ","), ""
}

// unitGlueRe finds a unit designator stuck to its number by a mark OCR made of a gap
// or a speck ("FL-2", "FL:2", "STE;300"), or with the gap lost ("FL2", "STE300"):
// USPS writes designator, space, number.
var unitGlueRe = func() *quickRe {
	var names []string
	for d := range unitDesignators {
		if d != "#" {
			names = append(names, d)
		}
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	return mustQuick(`(?i)\b(` + strings.Join(names, "|") + `)(?:[:;\-_,]+\s*([0-9#]|[A-Z]\b)|(\d))`)
}()

// unglueUnit separates a unit designator from its number where OCR joined them with
// stray punctuation; text without such a unit comes back unchanged.
func unglueUnit(s string) string { return unitGlueRe.ReplaceAllString(s, "$1 $2$3") }

func isUnitLine(s string) bool {
	ts := tokens(s)
	if len(ts) == 0 || len(ts) > 3 {
		return false
	}
	w := unitWord(ts[0].text)
	if strings.HasPrefix(ts[0].text, "#") {
		return true
	}
	return unitDesignators[w] && len(ts) >= 2 || unitsAlone[w] && len(ts) == 1
}

// urbanizationRe is a Puerto Rico urbanization or condominium line, printed above
// the street line (Publication 28 §29: "URB SANTA JUANITA").
var urbanizationRe = mustQuick(`(?i)^(?:URB|URBANIZACI[OÓ]N|COND|CONDOMINIO)\.?\s+\p{L}`)

// isUnitAbove: a line printed above the street line that is part of the address, not
// a name: an urbanization, or a unit with its number ("BLDG 2", "STE 300"). A
// designator before a word ("SUITE SOLUTIONS") is a business's name.
func isUnitAbove(s string) bool {
	s = strings.TrimSpace(s)
	if urbanizationRe.MatchString(s) {
		return true
	}
	ts := tokens(s)
	if len(ts) != 2 || !isUnitLine(s) {
		return false
	}
	n := strings.TrimLeft(ts[1].text, "#")
	return countDigits(n) > 0 || len(n) == 1
}

func isStreetLine(s string) bool {
	if !streetStartRe.MatchString(s) {
		return false
	}
	ts := tokens(s)
	if poBoxRe.MatchString(s) {
		return true
	}
	// A house number and at least one name word; not a money amount or a date.
	return len(ts) >= 2 && !strings.ContainsAny(ts[0].text, "$") && countDigits(s) < len(s)/2+2
}

type addrBlock struct {
	addr  port.Address
	names []*layout.Seg // name lines, top to bottom
	lines []*layout.Seg // street .. city
	label string        // "service", "billing", "remit" or ""
	page  int
	top   float64
	// stateRead is the state code as OCR read it when repairState repaired it, or "".
	stateRead string
}

// blockSizeRatio: a line above a block printed this many times larger or smaller
// than the block's street and city lines (a logo, a banner) is not one of its lines.
// Mailing blocks are set in one size; a bold business line is a point or two larger.
const blockSizeRatio = 1.5

// blockPitchRatio: a line above a block standing this many times the block's line
// pitch above the line under it is not one of its lines but something printed over
// the block (a running header, a heading): a mailing block is set solid, every line
// at one pitch, as the window of the envelope needs.
const blockPitchRatio = 1.5

// findBlocks finds every address block on every page. With frame, running headers
// and footers (see running.go) are no part of any block.
func findBlocks(lay *layout.Layout, frame bool) []*addrBlock {
	above := lay.Above
	if frame {
		above = func(s *layout.Seg) *layout.Seg {
			if up := lay.Above(s); up != nil && !up.Running {
				return up
			}
			return nil
		}
	}
	var out []*addrBlock
	for _, s := range lay.Segs {
		if frame && s.Running {
			continue
		}
		text := strings.TrimSpace(s.Text)
		if r := s.Right(); r != nil && text != "" && !isDigit(text[len(text)-1]) && r.BBox[0]-s.BBox[2] < 6*s.Size && stateEndRe.MatchString(text) {
			// "BALTIMORE MD" and its ZIP set apart like a column (a tab, or a small
			// render's wide word space): one city line.
			if z := strings.TrimSpace(r.Text); zipOnlyRe.MatchString(z) {
				text += " " + z
			}
		}
		if len(text) < 8 || !isDigit(text[len(text)-1]) {
			continue // every address ends with its ZIP
		}
		label := ""
		if m := anyLabelRe.FindStringIndex(text); m != nil {
			// "Service Address: BALTIMORE, MD 21202" - read past a label on the line.
			label = text[:m[1]]
			text = text[m[1]:]
		}
		ocr := lay.Source(s.Page) == doc.SourceOCR
		if ocr {
			text = joinSplitZIP(text)
		}
		m := cityLineRe.FindStringSubmatch(text)
		if m == nil && ocr {
			m = cityLineOCRRe.FindStringSubmatch(text)
		}
		stateRead := ""
		if m != nil && !states[m[2]] && ocr {
			// "RALEIGH, NG 27612": a state code OCR misread, when its ZIP tells which.
			if st, ok := repairState(m[2], m[3]); ok {
				stateRead, m[2] = m[2], st
			}
		}
		if m == nil || !states[m[2]] {
			// A one-line address: "500 E PRATT ST, BALTIMORE, MD 21202".
			if a, ok := parseOneLine(stripLabel(text)); ok {
				b := &addrBlock{page: s.Page, lines: []*layout.Seg{s}, addr: a, top: s.BBox[1]}
				labels := label + " " + labelOf(s.Text) + " " + leftText(s)
				if up := above(s); up != nil {
					labels += " " + up.Text
				}
				b.label = classifyLabel(labels)
				out = append(out, b)
			}
			continue
		}
		b := &addrBlock{page: s.Page, lines: []*layout.Seg{s}, stateRead: stateRead}
		b.addr.City = strings.TrimRight(strings.TrimSpace(m[1]), ",")
		b.addr.State = m[2]
		b.addr.ZIP = m[3]
		cur := s
		var unit string
		up := above(cur)
		if up != nil && isUnitLine(unglueUnit(up.Text)) {
			unit = strings.TrimSpace(unglueUnit(up.Text))
			b.lines = append([]*layout.Seg{up}, b.lines...)
			cur = up
			up = above(cur)
		}
		streetText := ""
		if up != nil {
			t := stripLabel(up.Text)
			if isStreetLine(t) {
				streetText = t
				b.lines = append([]*layout.Seg{up}, b.lines...)
				cur = up
			}
		}
		if streetText == "" {
			continue // a city line alone is not an address
		}
		b.addr.Street, b.addr.Street2 = splitStreet(unglueUnit(streetText))
		if up = above(cur); up != nil {
			if u := strings.TrimSpace(unglueUnit(up.Text)); isUnitAbove(u) {
				// "BLDG 2" or "URB SANTA JUANITA" over the street: its street2, first.
				unit = strings.TrimSpace(u + " " + unit)
				b.lines = append([]*layout.Seg{up}, b.lines...)
				cur = up
			}
		}
		if unit != "" {
			if b.addr.Street2 != "" {
				b.addr.Street2 += " " + unit
			} else {
				b.addr.Street2 = unit
			}
		}
		// Name lines above the street, up to a label or anything else.
		blockSize, pitch := lowerMedianSize(b.lines), linePitch(b.lines)
		labels := label + " " + leftText(cur) + " " + labelOf(cur.Text)
		for n := 0; n < 4; n++ {
			up = above(cur)
			if up == nil {
				break
			}
			t := strings.TrimSpace(up.Text)
			if l := labelOf(t); l != "" {
				labels += " " + l
				rest := strings.TrimSpace(t[len(l):])
				if rest != "" && nameLike(rest) {
					b.names = append([]*layout.Seg{up}, b.names...)
				}
				break
			}
			// A heading naming an address ("Primary Place of Use (Service Address}" as OCR
			// reads it, brackets and colon garbled) is the block's label, never a name;
			// nor is a logo or banner printed in another size right above the block.
			if !nameLike(t) || len(b.names) == 3 || classifyLabel(t) != "" || !sameSize(inkSize(up), blockSize) ||
				pitch > 0 && inkTop(cur)-inkTop(up) > blockPitchRatio*pitch {
				labels += " " + t
				break
			}
			b.names = append([]*layout.Seg{up}, b.names...)
			cur = up // a segment left of a name line belongs to another column's block
		}
		// Two lines above the block may carry its heading ("Remit to:", "Service Address").
		if up = above(cur); up != nil {
			labels += " " + up.Text
		}
		b.top = cur.BBox[1]
		b.label = classifyLabel(labels)
		for _, n := range b.names {
			if nameIsCarrier(n.Text) {
				b.label = "remit"
			}
		}
		out = append(out, b)
	}
	// An address table's rows come after the blocks: a labelled block of its own
	// is the service address before a table's first row.
	return stateFromSiblings(append(out, tableBlocks(lay, frame)...))
}

// lowerMedianSize is the lower median of the segments' inkSizes: OCR's estimate of a
// short line ("FL 2") can be far off, so one line does not decide.
func lowerMedianSize(segs []*layout.Seg) float64 {
	sizes := make([]float64, len(segs))
	for i, s := range segs {
		sizes[i] = inkSize(s)
	}
	sort.Float64s(sizes)
	return sizes[(len(sizes)-1)/2]
}

// inkSize is the smallest size of a segment's words of two letters or digits or more:
// a fax's specks stuck to a word make its OCR box, and so its estimated size, larger,
// never smaller (punctuation and specks read alone are left out: their boxes are not
// a letter's height). The segment's size when it has no such word.
func inkSize(s *layout.Seg) float64 {
	size := 0.0
	for _, w := range s.Words {
		n := 0
		for _, r := range w.Text {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				n++
			}
		}
		if n >= 2 && (size == 0 || layout.WordSize(w) < size) {
			size = layout.WordSize(w)
		}
	}
	if size == 0 {
		return s.Size
	}
	return size
}

// linePitch is the smallest distance between the tops of successive segments (the
// block's leading; a unit line set apart does not widen it); 0 for one segment.
func linePitch(segs []*layout.Seg) float64 {
	pitch := 0.0
	for i := 1; i < len(segs); i++ {
		if d := inkTop(segs[i]) - inkTop(segs[i-1]); d > 0 && (pitch == 0 || d < pitch) {
			pitch = d
		}
	}
	return pitch
}

// inkTop is where a segment's words start, the upper median of their tops: specks a
// fax stuck to some words raise their boxes, never lower them.
func inkTop(s *layout.Seg) float64 {
	tops := make([]float64, len(s.Words))
	for i, w := range s.Words {
		tops[i] = w.BBox[1]
	}
	sort.Float64s(tops)
	return tops[len(tops)/2]
}

// sameSize: two font sizes a block's lines can share.
func sameSize(a, b float64) bool {
	return a <= blockSizeRatio*b && b <= blockSizeRatio*a
}

func leftText(s *layout.Seg) string {
	if l := s.Left(); l != nil {
		return l.Text
	}
	return ""
}

var labelPrefixRe = mustQuick(`(?i)^(?:(?:registered\s+)?(?:e911|911|emergency)(?:\s+\(?911\)?)?\s+(?:address|location)|bill\s+to|billing\s+address|mailing\s+address|account\s+address|customer\s+address|sold\s+to|billed\s+to|service\s+(?:address|location)|location\s+of\s+service|installation\s+address|service\s+(?:is\s+)?(?:provided\s+|located\s+|installed\s+)?at|premises?\s+address|site\s+address|physical\s+address|(?:primary\s+)?place\s+of\s+(?:primary\s+)?use|remit\s+to|remittance\s+address|send\s+payments?\s+to|make\s+checks\s+payable\s+to|payable\s+to|mail\s+payments?\s+to)\b\s*[:\-]?\s*`)

// labelOf returns the address label a line starts with, with its colon.
func labelOf(s string) string {
	if m := labelPrefixRe.FindString(strings.TrimSpace(s)); m != "" {
		return m
	}
	return ""
}

func stripLabel(s string) string {
	s = strings.TrimSpace(s)
	if l := labelOf(s); l != "" {
		return strings.TrimSpace(s[len(l):])
	}
	return s
}

// labelLetters folds the letters OCR reads for a label's plain ones (a stroke through
// an l, an i without its dot: "Primary płace of use"). Only labels are folded: a name
// keeps its Ł.
var labelLetters = strings.NewReplacer("ł", "l", "Ł", "L", "ı", "i", "İ", "I")

func classifyLabel(s string) string {
	s = labelLetters.Replace(s)
	switch {
	case remitLabelRe.MatchString(s):
		return "remit"
	case serviceLabelRe.MatchString(s):
		return "service"
	case billingLabelRe.MatchString(s):
		return "billing"
	}
	return ""
}

func nameIsCarrier(s string) bool {
	s = strings.TrimSpace(attnRe.ReplaceAllString(s, ""))
	if _, ok := port.FindCarrier(s); ok {
		return true
	}
	low := layout.ASCIILower(s)
	for i := 0; i+2 <= len(low); i++ {
		if i > 0 && isAlnum(low[i-1]) {
			continue
		}
		for _, cn := range carrierNames[low[i:i+2]] {
			if cn.ambiguous || len(cn.lower) < 3 || !strings.HasPrefix(low[i:], cn.lower) {
				continue
			}
			if e := i + len(cn.lower); e == len(low) || !isAlnum(low[e]) {
				return true
			}
		}
	}
	return false
}

// notNameRe: words of a bill's headings and tables, never of a name line.
var notNameRe = mustQuick(`(?i)\b(?:page|account|acct|statement|invoice|billing|bill\s+(?:date|period|to)|date|total|amount|due|balance|summary|charges?|payments?|period|number|phone|www|https?|\.com|e-?mail|continued|details?|usage)\b`)

// allCodes: every word of s holds a digit ("T14 P1 G0117"), as no name's words do.
func allCodes(s string) bool {
	ws := strings.Fields(s)
	for _, w := range ws {
		if countDigits(w) == 0 {
			return false
		}
	}
	return len(ws) > 0
}

// nameLike: a line that can be a person, contact or business line of a mailing block.
func nameLike(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 60 || strings.Contains(s, ":") && !attnRe.MatchString(s) {
		return false
	}
	if strings.ContainsAny(s, "$@") || countDigits(s) > 3 {
		return false
	}
	if _, iso := parseDate(s); iso != "" {
		return false
	}
	if notNameRe.MatchString(s) {
		return false
	}
	if allCodes(s) {
		return false // a mail piece's sort code ("T14 P1"), no name
	}
	if s[0] == '#' || s[0] == '*' {
		return false // a mailer's keyline ("#BWNHHGJ", "***AUTO**"): no name begins so
	}
	letters := 0
	for _, r := range s {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 127 {
			letters++
		}
	}
	return letters >= 2 && len(tokens(s)) <= 8
}

var businessWords = map[string]bool{"LLC": true, "L.L.C.": true, "INC": true, "INC.": true, "CORP": true, "CORP.": true,
	"CORPORATION": true, "CO": true, "CO.": true, "COMPANY": true, "LTD": true, "LTD.": true, "LP": true, "LLP": true,
	"PC": true, "P.C.": true, "PLLC": true, "PA": true, "P.A.": true, "GROUP": true, "SERVICES": true, "SERVICE": true,
	"SOLUTIONS": true, "HOLDINGS": true, "ENTERPRISES": true, "ASSOCIATES": true, "PARTNERS": true, "AGENCY": true,
	"CLINIC": true, "DENTAL": true, "MEDICAL": true, "PLUMBING": true, "HEATING": true, "BAKERY": true, "CAFE": true,
	"RESTAURANT": true, "STORE": true, "SHOP": true, "STUDIO": true, "INDUSTRIES": true, "INTERNATIONAL": true,
	"MANAGEMENT": true, "CONSULTING": true, "LAW": true, "FIRM": true, "OFFICE": true, "OFFICES": true, "CENTER": true,
	"CENTRE": true, "CHURCH": true, "SCHOOL": true, "ACADEMY": true, "UNIVERSITY": true, "FOUNDATION": true,
	"TRUST": true, "BANK": true, "HOSPITAL": true, "PHARMACY": true, "MARKET": true, "REALTY": true,
	"PROPERTIES": true, "CONSTRUCTION": true, "ELECTRIC": true, "AUTO": true, "MOTORS": true, "SUPPLY": true,
	"DESIGN": true, "MEDIA": true, "MARKETING": true, "TECHNOLOGIES": true, "TECHNOLOGY": true, "SYSTEMS": true,
	"LABS": true, "DELI": true, "GRILL": true, "PIZZA": true, "SALON": true, "SPA": true, "FITNESS": true, "GYM": true,
	"INSURANCE": true, "ACCOUNTING": true, "DBA": true, "D/B/A": true, "&": true, "AND": true, "THE": true, "OF": true,
	"BROTHERS": true, "BROS": true, "BROS.": true, "SONS": true, "INSTITUTE": true, "VETERINARY": true,
	"LANDSCAPING": true, "CLEANING": true, "ROOFING": true, "HVAC": true, "LOGISTICS": true, "TRUCKING": true,
	"FARM": true, "FARMS": true, "HOTEL": true, "INN": true, "MOTEL": true, "BAR": true, "PUB": true, "BREWING": true,
	"COFFEE": true, "FLORIST": true, "GALLERY": true, "PRINTING": true, "REPAIR": true, "CARE": true, "HEALTH": true,
	"PARTNERSHIP": true, "ASSOCIATION": true, "SOCIETY": true, "CLUB": true, "LLLP": true, "PLC": true}

func businessLike(s string) bool {
	for _, t := range tokens(s) {
		w := strings.ToUpper(strings.Trim(t.text, ",;"))
		if businessWords[w] || businessWords[strings.TrimSuffix(w, ".")] {
			return true
		}
		if strings.Contains(w, "&") {
			return true
		}
	}
	return countDigits(s) > 0 || len(tokens(s)) > 5
}

// people reads the block's name lines into the person (billing name) and business.
// An ATTN/C/O line is the person and makes the other line the business; otherwise a
// line with a business word (LLC, &, DENTAL, ...) is the business; of two plain lines
// the first is the account's name (the business) and the second its contact.
func (b *addrBlock) people() (person, business nameLine) {
	var plain []*layout.Seg
	var cont map[*layout.Seg]*layout.Seg
	for _, n := range b.names {
		t := strings.TrimSpace(stripLabel(n.Text))
		if m := attnRe.FindString(t); m != "" {
			if person.seg == nil {
				person = nameLine{seg: n, text: strings.TrimSpace(t[len(m):])}
				if person.text == "" {
					person = cellsRight(n)
				}
			}
			continue
		}
		if k := len(plain); k > 0 && cont[plain[k-1]] == nil && continuesName(plain[k-1].Text, t) {
			if cont == nil {
				cont = map[*layout.Seg]*layout.Seg{}
			}
			cont[plain[k-1]] = n // one line more at most
			continue
		}
		plain = append(plain, n)
	}
	line := func(n *layout.Seg) nameLine {
		l := nameLine{seg: n, text: strings.TrimSpace(stripLabel(n.Text))}
		if m := cont[n]; m != nil && m.Page == n.Page {
			l.more = []*layout.Seg{m}
		}
		return l
	}
	if person.seg != nil {
		if len(plain) > 0 {
			business = line(plain[0])
		}
		return person, business
	}
	var bseg, pseg *layout.Seg
	for _, n := range plain {
		if t := stripLabel(n.Text); bseg == nil && businessLike(t) && !coupleName(t) {
			bseg = n
		}
	}
	for _, n := range plain {
		if n != bseg && pseg == nil {
			pseg = n
		}
	}
	if bseg == nil && len(plain) >= 2 {
		bseg, pseg = plain[0], plain[1]
	}
	if bseg != nil {
		business = line(bseg)
	}
	if pseg != nil {
		person = line(pseg)
	}
	return person, business
}

// nameLine is a name as the block prints it: text on seg (after its label), going
// on in more (the next line a narrow window wrapped it onto, the cells OCR split it
// into).
type nameLine struct {
	seg  *layout.Seg
	text string
	more []*layout.Seg
}

// cellsRight is the name right of a label that stands alone in its segment ("ATTN:"
// then "SCHWARTZ," and "GERALD A" as OCR splits a fax's wide spacing): the segments
// next to it on its line, up to a gap wider than a few letters or what is no name.
func cellsRight(label *layout.Seg) nameLine {
	var l nameLine
	for prev, r := label, label.Right(); r != nil && r.BBox[0]-prev.BBox[2] < 2*label.Size && nameLike(r.Text); prev, r = r, r.Right() {
		if l.seg == nil {
			l.seg, l.text = r, strings.TrimSpace(r.Text)
		} else {
			l.more = append(l.more, r)
		}
	}
	return l
}

// continuesName: a name line the window was too narrow for goes on on the next line:
// the next begins with "&", or the line ends with a word that needs one after it
// ("... LLC DBA LOS ÁLAMOS FEED" / "& SEED", "SMITH, JONES AND" / "PARTNERS").
func continuesName(line, next string) bool {
	line, next = strings.ToUpper(strings.TrimSpace(line)), strings.ToUpper(next)
	if strings.HasPrefix(next, "&") || strings.HasPrefix(next, "+ ") {
		return true
	}
	for _, w := range []string{"&", "AND", "DBA", "D/B/A", "OF", ","} {
		if strings.HasSuffix(line, w) && (w == "," || len(line) == len(w) || line[len(line)-len(w)-1] == ' ') {
			return true
		}
	}
	return false
}

var stateZIPTail = mustQuick(`,?\s+([A-Z]{2})\.?,?\s+(\d{5}(?:-\d{4})?)$`)

// parseOneLine reads "STREET[, UNIT], CITY, ST ZIP" printed on one line.
func parseOneLine(s string) (port.Address, bool) {
	var a port.Address
	s = strings.TrimSpace(s)
	tail := stateZIPTail.FindStringSubmatchIndex(s)
	if tail == nil || !states[s[tail[2]:tail[3]]] {
		return a, false
	}
	a.State, a.ZIP = s[tail[2]:tail[3]], s[tail[4]:tail[5]]
	head := strings.TrimSpace(s[:tail[0]])
	parts := strings.Split(head, ",")
	if len(parts) < 2 {
		return splitByGrammar(head, a)
	}
	a.City = strings.TrimSpace(parts[len(parts)-1])
	streetPart := strings.TrimSpace(parts[0])
	if !isStreetLine(streetPart) || a.City == "" {
		return a, false
	}
	a.Street, a.Street2 = splitStreet(streetPart)
	if len(parts) > 2 {
		rest := strings.TrimSpace(strings.Join(parts[1:len(parts)-1], ","))
		if a.Street2 == "" {
			a.Street2 = rest
		} else if rest != "" {
			a.Street2 += " " + rest
		}
	}
	return a, true
}

// addressField turns a block into a field with the lines it spans as evidence.
func addressField(lay *layout.Layout, b *addrBlock, rule float64) *Field[port.Address] {
	box := b.lines[0].BBox
	conf := 1.0
	for _, l := range b.lines {
		box = layout.UnionBox(box, l.BBox)
		if l.Conf < conf {
			conf = l.Conf
		}
	}
	return &Field[port.Address]{Value: b.addr, Confidence: roundConf(rule * conf), Page: b.page,
		BBox: roundBox(box), Source: lay.Source(b.page)}
}

// findAddresses picks the mailing block and the service address among framed, the
// blocks findBlocks(lay, true) finds.
func findAddresses(lay *layout.Layout, framed []*addrBlock) (billing, service *addrBlock) {
	billing, service = pickAddresses(lay, framed)
	if billing == nil {
		// A bill that prints its mailing block at the same place on every page (each
		// page a copy) has it marked as a running line: read it all the same.
		b, s := pickAddresses(lay, findBlocks(lay, false))
		if billing = b; service == nil {
			service = s
		}
	}
	return billing, service
}

// pickAddresses picks the mailing block and the service address among blocks.
func pickAddresses(lay *layout.Layout, blocks []*addrBlock) (billing, service *addrBlock) {
	bestScore := -1.0
	for _, b := range blocks {
		switch b.label {
		case "remit":
			continue
		case "service":
			if service == nil {
				service = b
			}
			continue
		}
		score := 0.0
		if len(b.names) > 0 {
			score += 2
		}
		if b.label == "billing" {
			score += 2
		}
		if b.page == 1 {
			score += 2
		}
		if b.top < 0.5*lay.Pages[b.page-1].Height {
			score += 0.5
		}
		if score > bestScore {
			billing, bestScore = b, score
		}
	}
	return billing, service
}

// splitByGrammar reads "45 FIRE ISLAND AVE BABYLON" (no commas): the street ends at
// the street suffix (with any post-directional and unit after it) that is not followed
// by another suffix; the city is the rest. Without a suffix the line is not split.
func splitByGrammar(head string, a port.Address) (port.Address, bool) {
	ts := tokens(head)
	if len(ts) < 3 || !isStreetLine(head) {
		return a, false
	}
	suffix := func(i int) bool {
		_, ok := port.SuffixAbbr(strings.Trim(ts[i].text, ".,"))
		return ok
	}
	for i := 2; i < len(ts)-1; i++ {
		if !suffix(i) || suffix(i+1) {
			continue
		}
		end := i + 1
		if end < len(ts)-1 {
			if _, ok := port.DirectionalAbbr(strings.Trim(ts[end].text, ".,")); ok && len(strings.Trim(ts[end].text, ".,")) <= 2 {
				end++
			}
		}
		if end < len(ts)-2 && (unitDesignators[unitWord(ts[end].text)] || strings.HasPrefix(ts[end].text, "#")) {
			end += 2
			if strings.HasPrefix(ts[end-2].text, "#") && len(ts[end-2].text) > 1 {
				end--
			}
		}
		if end >= len(ts) {
			return a, false
		}
		a.Street, a.Street2 = splitStreet(head[:ts[end-1].end])
		a.City = strings.TrimRight(head[ts[end].start:], ", ")
		return a, a.City != ""
	}
	return a, false
}
