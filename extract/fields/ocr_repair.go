package fields

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/portdocs/portdocs/extract/doc"

	"github.com/portdocs/portdocs/port"
)

// OCR repairs that the bill's own grammar makes safe. Each repairs only where exactly
// one reading is valid, and the address repair says so in a warning with a lower
// confidence (so a check never passes on it unseen). Account numbers are never
// repaired: the digits of an identifier have no grammar to check them against.

// streetConfusions are the characters OCR mistakes for one another in a street line.
var streetConfusions = map[rune][]rune{
	'5': {'S'}, '$': {'S'}, 'S': {'5'},
	'1': {'I', 'L', 'T'}, 'I': {'T', 'L', '1'}, 'L': {'I', '1'}, '|': {'I', 'L', '1'},
	'0': {'O', 'D'}, 'O': {'0', 'D'}, 'D': {'O'},
	'8': {'B'}, 'B': {'8'}, '6': {'G'}, 'G': {'6'}, '2': {'Z'}, 'Z': {'2'},
}

var ordinalRe = mustQuick(`^\d+(?:ST|ND|RD|TH)$`)

// readings are the valid words (by the grammar's test) that word becomes with one or
// two characters changed by streetConfusions; word itself is never among them.
func readings(word string, valid func(string) bool) []string {
	rs := []rune(word)
	var out []string
	add := func(s string) {
		if s != word && valid(s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for i, r := range rs {
		for _, alt := range streetConfusions[r] {
			one := append([]rune{}, rs...)
			one[i] = alt
			add(string(one))
			for j := i + 1; j < len(rs); j++ {
				for _, alt2 := range streetConfusions[rs[j]] {
					two := append([]rune{}, one...)
					two[j] = alt2
					add(string(two))
				}
			}
		}
	}
	return out
}

func isSuffix(w string) bool      { _, ok := port.SuffixAbbr(w); return ok && w == strings.ToUpper(w) }
func isDirectional(w string) bool { _, ok := port.DirectionalAbbr(w); return ok && len(w) <= 2 }

// repairStreet reads an OCR street line ("1600 5 72ND SI") by USPS Publication 28
// grammar: house number, an optional pre-directional, the name, the suffix. The last
// word, when it is no suffix and exactly one reading of it is ("SI" → "ST"), and the
// word after the house number, when it is a stray character before a numbered street
// and exactly one reading of it is a directional ("5" → "S"), are repaired. It returns
// the line unchanged and false when nothing was, or when any position is ambiguous.
func repairStreet(street string) (string, bool) {
	if m := routeBoxRe.FindStringSubmatch(strings.TrimSpace(street)); m != nil {
		// A rural route or highway contract box ("HC 61 BOX 9"): OCR glues the box
		// number to its word and puts a speck after the route ("HC 61- BOX9").
		fixed := m[1] + " " + m[2] + " " + m[3] + " " + m[4]
		return fixed, fixed != street
	}
	ws := strings.Fields(street)
	if len(ws) < 3 || !startsWithDigit(ws[0]) {
		return street, false
	}
	changed := false
	last := len(ws) - 1
	if w := strings.TrimRight(ws[last], ".,"); !isSuffix(strings.ToUpper(w)) && !isDirectional(w) && !ordinalRe.MatchString(w) && len(w) <= 4 {
		// A suffix in mixed case ("Bivd.", its l read as an i) is read in capitals and
		// given its case back.
		if rs := readings(strings.ToUpper(w), isSuffix); len(rs) == 1 {
			ws[last], changed = sameCase(rs[0], w)+ws[last][len(w):], true
		} else if len(rs) > 1 {
			return street, false
		}
	}
	if w := ws[1]; len(ws) >= 4 && len(w) <= 2 && !isDirectional(w) && ordinalRe.MatchString(ws[2]) {
		if rs := readings(w, isDirectional); len(rs) == 1 {
			ws[1], changed = rs[0], true
		} else if len(rs) > 1 {
			return street, false
		}
	}
	if !changed {
		return street, false
	}
	return strings.Join(ws, " "), true
}

// sameCase is fixed (capitals) in the case of read, letter by letter.
func sameCase(fixed, read string) string {
	out := []rune(fixed)
	for i, r := range []rune(read) {
		if i < len(out) && unicode.IsLower(r) {
			out[i] = unicode.ToLower(out[i])
		}
	}
	return string(out)
}

// routeBoxRe is a USPS Publication 28 rural route or highway contract address
// ("RR 2 BOX 152", "HC 61 BOX 9"), with the marks and lost spaces OCR gives it.
var routeBoxRe = mustQuick(`(?i)^(RR|HC)\s*(\d{1,4})[\s\-.,:;]*(BOX)\s*(\d{1,5}[A-Z]?)$`)

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// stateConfusions are the characters OCR mistakes for a state code's capitals (a
// fax's blur closes C into G and O, opens O into C; strokes lost or gained turn N into
// M or H, E into F, U into V; the digits are the capitals' look-alikes, O read 0).
var stateConfusions = map[rune][]rune{
	'C': {'G', 'O'}, 'G': {'C', 'O'}, 'O': {'C', 'D', 'Q'}, 'D': {'O'}, 'Q': {'O'},
	'I': {'L', 'T'}, 'L': {'I'}, 'T': {'I'}, 'M': {'N'}, 'N': {'M', 'H'}, 'H': {'N'},
	'U': {'V'}, 'V': {'U', 'Y'}, 'Y': {'V'}, 'E': {'F'}, 'F': {'E'},
	'0': {'O', 'D'}, '1': {'I', 'L'}, '5': {'S'}, '8': {'B'}, '6': {'G'}, '2': {'Z'}, '4': {'A'}, '7': {'T'},
}

// zipAreas are the USPS national areas: the states (and territories and military
// codes) whose ZIP codes start with each digit.
var zipAreas = [10]string{
	"CT MA ME NH NJ NY PR RI VT VI AE", "DE NY PA", "DC MD NC SC VA WV", "AL FL GA MS TN AA", "IN KY MI OH",
	"IA MN MT ND SD WI", "IL KS MO NE", "AR LA OK TX", "AZ CO ID NM NV UT WY", "AK CA HI OR WA GU AS MP AP",
}

// repairState reads the state code of an OCR city line ("RALEIGH, NG 27612", "Hi")
// that is no USPS code (a lower-case letter is read as its capital first): when exactly one code differs from it by one character OCR confuses
// and lies in the national area the ZIP after it starts with ("NC": ZIPs 2xxxx), that
// code is returned with true; otherwise st unchanged and false.
func repairState(st, zip string) (string, bool) {
	if states[st] || len(st) != 2 || zip == "" || !startsWithDigit(zip) {
		return st, false
	}
	area := strings.Fields(zipAreas[zip[0]-'0'])
	var found []string
	read := st
	if up := strings.ToUpper(st); up != st {
		// A capital OCR read in lower case ("Hi": I and i are one stroke apart).
		if states[up] && slices.Contains(area, up) {
			return up, true
		}
		st = up
	}
	for i, r := range st {
		for _, alt := range stateConfusions[r] {
			c := []rune(st)
			c[i] = alt
			if s := string(c); states[s] && slices.Contains(area, s) && !slices.Contains(found, s) {
				found = append(found, s)
			}
		}
	}
	if len(found) != 1 {
		return read, false
	}
	return found[0], true
}

// repairConfidence scales the confidence of a field the grammar repaired.
const repairConfidence = 0.85

// repairAddressOCR repairs an OCR-read address field's street in place, with a
// warning naming both readings. stateRead is the state code as OCR read it when the
// block finder repaired it (repairState; the field holds the repaired code), or "".
func repairAddressOCR(f *Field[port.Address], stateRead, what string) {
	if f == nil || f.Source != doc.SourceOCR {
		return
	}
	// A city ends in no full stop ("Beaverton." is a fax's speck read after it): the
	// stops of a city's own abbreviations ("St. Louis", "Ft. Myers") stand inside it.
	if c := f.Value.City; strings.HasSuffix(c, ".") && !strings.Contains(c[:len(c)-1], ".") && len(c) > 4 {
		f.Value.City = strings.TrimSuffix(c, ".")
	}
	if stateRead != "" && stateRead != f.Value.State {
		f.Warnings = append(f.Warnings, fmt.Sprintf("%s: OCR read the state as %q; repaired to %q by its ZIP code and the USPS state codes (check it on the bill)", what, stateRead, f.Value.State))
		f.Confidence = roundConf(f.Confidence * repairConfidence)
	}
	if f.Value.Street2 == "" {
		if street, unit, ok := repairUnit(f.Value.Street); ok {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s: OCR read the street as %q; read as %q and unit %q by USPS address grammar (check it on the bill)", what, f.Value.Street, street, unit))
			f.Value.Street, f.Value.Street2 = street, unit
			f.Confidence = roundConf(f.Confidence * repairConfidence)
		}
	}
	fixed, ok := repairStreet(f.Value.Street)
	if !ok {
		return
	}
	f.Warnings = append(f.Warnings, fmt.Sprintf("%s: OCR read the street as %q; repaired to %q by USPS address grammar (check it on the bill)", what, f.Value.Street, fixed))
	f.Value.Street = fixed
	f.Confidence = roundConf(f.Confidence * repairConfidence)
}

// repairUnit reads the unit OCR left in a street line because its designator has a
// lowercase l read as a capital I, the two being one glyph in most sans-serif faces
// ("410 Bloomfield Ave FI 2": "Fl 2", "BIdg 4": "Bldg 4"). The last two words must be
// that word and a unit number, after a street of three or more words ending in a
// suffix; the word becomes a designator only with its I's after the first letter as
// l's. It returns the street, the unit and true, or false when nothing was repaired.
func repairUnit(street string) (string, string, bool) {
	ws := strings.Fields(street)
	n := len(ws)
	if n < 5 || !startsWithDigit(ws[0]) || !startsWithDigit(ws[n-1]) || !isSuffix(strings.ToUpper(strings.Trim(ws[n-3], ".,"))) {
		return street, "", false
	}
	w := ws[n-2]
	if len(w) < 2 || unitDesignators[unitWord(w)] || !strings.Contains(w[1:], "I") {
		return street, "", false
	}
	fixed := w[:1] + strings.ReplaceAll(w[1:], "I", "l")
	if !unitDesignators[unitWord(fixed)] {
		return street, "", false
	}
	return strings.Join(ws[:n-2], " "), fixed + " " + ws[n-1], true
}
