package fields

import (
	"fmt"
	"strings"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/layout"

	"github.com/portdocs/portdocs/port"
)

// findFields runs every finder over the layout. It is the one pipeline behind both
// the text layer and OCR. sections are the account sections' labels
// (sectionRule.find), read once for the phone finder and findAccountSections.
func findFields(lay *layout.Layout, sections []hit) (Fields, []PhoneNumber, []string) {
	var f Fields
	var warnings []string
	f.CarrierName = findCarrier(lay)
	acct, acctHits := findAccount(lay)
	f.AccountNumber = acct
	pin, w := findPIN(lay)
	f.AccountPIN = pin
	warnings = append(warnings, w...)
	f.BillDate = findBillDate(lay)

	// The address blocks, outside the page frame: the addresses' and, where the
	// carrier's remittance address stands, the phone numbers' places.
	blocks := findBlocks(lay, true)
	billing, service := findAddresses(lay, blocks)
	if billing != nil {
		rule := 0.9
		if len(billing.names) == 0 {
			rule = 0.75
		}
		f.BillingAddress = addressField(lay, billing, rule)
		repairAddressOCR(f.BillingAddress, billing.stateRead, "billing address")
		person, business := billing.people()
		if person.seg != nil {
			if len(person.more) == 0 {
				person.text = trimStrayStop(person.text) // (its evidence ends before the stop)
			}
			f.BillingName = nameField(lay, person, mendNameOCR)
			f.BillingName.Value = trimStrayStop(f.BillingName.Value)
		}
		if business.seg != nil {
			f.BusinessName = nameField(lay, business, closeInitialism)
		}
	}
	if f.CarrierName != nil {
		if _, ok := port.FindCarrier(f.CarrierName.Value); !ok {
			warnings = append(warnings, fmt.Sprintf("the carrier %q is not one portdocs knows: it was read from where the bill names its sender (its heading, payee, legal line, web address)", f.CarrierName.Value))
		}
	}
	if f.CarrierName != nil && f.AccountPIN == nil {
		if c, ok := port.FindCarrier(f.CarrierName.Value); ok && c.Wireless {
			warnings = append(warnings, c.Name+" sells mobile lines: porting a mobile number needs the account PIN, which this bill does not show")
		}
	}
	if service != nil {
		f.ServiceAddress = addressField(lay, service, 0.9)
		repairAddressOCR(f.ServiceAddress, service.stateRead, "service address")
	}
	if f.BillingName == nil && f.BusinessName == nil {
		f.BillingName, f.BusinessName = labelledNames(lay)
	}

	// Digits of the account number, or of any account's on the bill, are not phone
	// numbers (a sub-account may be numbered like one).
	var skip []span
	for _, h := range append(acctHits, sections...) {
		skip = append(skip, span{h.seg, h.start, h.end})
	}
	phones := findPhones(lay, skip, blocks)
	if phones == nil {
		phones = []PhoneNumber{}
	}
	return f, phones, warnings
}

var nameLabelRule = labelRule{
	hints: []string{"name"},
	label: mustQuick(`(?i)\b(?:account|customer|company|business|billing)\s+name\b`),
	value: func(s string) int {
		t := strings.TrimSpace(s)
		if t == "" || !nameLike(t) {
			return 0
		}
		return len(strings.TrimRight(s, " "))
	},
	same: 0.8, right: 0.78, below: 0.7,
}

// labelledNames is the fallback when no mailing block names the customer: an
// "Account Name:" / "Customer Name:" line.
func labelledNames(lay *layout.Layout) (person, business *Field[string]) {
	for _, h := range nameLabelRule.find(lay) {
		if businessLike(h.value) {
			if business == nil {
				business = h.field(lay)
			}
		} else if person == nil {
			person = h.field(lay)
		}
	}
	return person, business
}

// nameField is the field of a name line: its value the line's text and the text of
// the lines or cells it goes on in, read tight and mended on an OCR'd page.
func nameField(lay *layout.Layout, n nameLine, mend func(string) string) *Field[string] {
	i := max(strings.Index(n.seg.Text, n.text), 0)
	end := min(i+len(n.text), len(n.seg.Text))
	f := hit{seg: n.seg, start: i, end: end, value: n.text, rule: 0.85}.field(lay)
	ocr := lay.Source(n.seg.Page) == doc.SourceOCR
	if ocr {
		f.Value = n.seg.JoinTight(i, end)
	}
	for _, m := range n.more {
		t := strings.TrimSpace(m.Text)
		if ocr {
			t = m.JoinTight(0, len(m.Text))
		}
		f.Value += " " + strings.TrimSpace(t)
		f.BBox = layout.UnionBox(f.BBox, m.BBox)
	}
	if ocr {
		f.Value = mend(f.Value)
	}
	return f
}

// trimStrayStop drops a full stop or comma that OCR put after a person's name (a speck
// of a fax read as "ROJAS."). A name ends in a stop only after an abbreviation (Jr.,
// Sr., Esq., Dr.), which is at most three letters, so a longer last word loses it.
func trimStrayStop(name string) string {
	t := strings.TrimRight(name, ".,;")
	if t == name {
		return name
	}
	last := t
	if i := strings.LastIndexAny(t, " ."); i >= 0 {
		last = t[i+1:]
	}
	if len([]rune(last)) <= 3 && strings.HasSuffix(name[len(t):], ".") && !strings.ContainsAny(name[len(t):], ",;") && len(name)-len(t) == 1 {
		return name // "Jr.", "Esq."
	}
	return t
}

// openInitialismRe is a dotted initialism at the end of a name that lost its last stop
// ("P.C", "L.L.C"): OCR drops a final speck-sized stop, and an initialism written with
// stops always ends with one.
var openInitialismRe = mustQuick(`(?:^|\s)(?:[A-Z]\.){1,3}[A-Z]$`)

// nameLookAlikes are the capitals OCR reads as digits at a name word's start.
var nameLookAlikes = map[byte]byte{'0': 'O', '1': 'I', '5': 'S', '8': 'B', '6': 'G'}

// mendNameOCR mends what OCR puts in an OCR'd person's name where no name has it:
//   - a digit at the start of a word, read twice beside its letter ("0O'BRIEN": the 0
//     goes) or for it ("0'BRIEN": O'BRIEN);
//   - a Q ending a word after a consonant ("FAIRBANKS-OTERQ": OTERO), where names end
//     in Q only after a vowel (Tariq, Farooq) and the O's tail is a speck's.
//
// Other words are returned as read.
func mendNameOCR(name string) string {
	ws := strings.Fields(name)
	for i, w := range ws {
		w = mendBang(w)
		if len(w) >= 3 && isDigit(w[0]) && (isLetterByte(w[1]) || w[1] == '\'') {
			c, ok := nameLookAlikes[w[0]]
			switch {
			case !ok:
			case w[1] == c:
				w = w[1:]
			default:
				w = string(c) + w[1:]
			}
		}
		parts := strings.Split(w, "-")
		for k, p := range parts {
			if n := len(p); n >= 3 && (p[n-1] == 'Q' || p[n-1] == 'q') && isLetterByte(p[n-2]) && !strings.ContainsRune("AEIOUYaeiouy", rune(p[n-2])) {
				parts[k] = p[:n-1] + string(p[n-1]-'Q'+'O')
			}
		}
		ws[i] = strings.Join(parts, "-")
	}
	return strings.Join(ws, " ")
}

// mendBang mends a "!" OCR reads inside a word of capitals, where no name has one:
// beside an I it is that letter's stroke read twice ("LOU!IS"), and is dropped;
// between other letters it is the I it stands for ("SM!TH"). In lower case it may
// stand for an l or an i, and is left as read.
func mendBang(w string) string {
	if strings.ToUpper(w) != w {
		return w
	}
	for k := strings.IndexByte(w, '!'); k > 0 && k+1 < len(w) && isLetterByte(w[k-1]) && isLetterByte(w[k+1]); k = strings.IndexByte(w, '!') {
		if w[k-1] == 'I' || w[k+1] == 'I' {
			w = w[:k] + w[k+1:]
		} else {
			w = w[:k] + "I" + w[k+1:]
		}
	}
	return w
}

func isLetterByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// closeInitialism gives an OCR'd business name's trailing initialism back its final
// stop; anything else is returned as read.
func closeInitialism(name string) string {
	if openInitialismRe.MatchString(name) {
		return name + "."
	}
	return name
}
