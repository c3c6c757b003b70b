package port

import (
	"strings"
	"unicode"
)

// token is one word of an address line: as typed (for messages) and folded (to compare).
type token struct{ raw, key string }

func tokenize(s string) []token {
	s = strings.NewReplacer("#", " # ", ",", " ", ";", " ").Replace(s)
	var out []token
	for _, raw := range strings.Fields(s) {
		key := strings.ReplaceAll(foldWords(raw), " ", "-")
		if raw == "#" {
			key = "#"
		}
		if key == "" {
			continue
		}
		out = append(out, token{raw: raw, key: key})
	}
	return out
}

func raws(ts []token) string {
	r := make([]string, len(ts))
	for i, t := range ts {
		r[i] = t.raw
	}
	return strings.Join(r, " ")
}

// streetLine is a delivery address line broken into the parts Publication 28 names.
type streetLine struct {
	poBox        string // box number when this is a PO Box address
	number       string // house number
	predir       string // standard directional before the name
	name         []string
	suffix       string // standard suffix abbreviation
	postdir      string
	unitDesig    string // standard designator, "#" when only a number sign was given
	unitNum      string
	numberRaw    string
	nameRaw      string // the street as typed, without house number and unit
	unitRaw      string
	hasUnitInput bool
	line2        []string // second-line words that are not a unit
	line2Raw     string
}

// nameFold keeps street-name words as they are except the few whose spellings carriers
// treat as one (MOUNT/MT, SAINT/ST, FORT/FT, HIGHWAY/HWY, ROUTE/RTE) and ordinal words
// (FIRST → 1ST). Suffix plurals (PARKS → PARK) are NOT folded here: in a street name
// they tell two streets apart.
var nameFold = map[string]string{
	"MOUNT": "MT", "MNT": "MT", "SAINT": "ST", "FORT": "FT",
	"HIGHWAY": "HWY", "HIGHWY": "HWY", "HIWAY": "HWY", "HIWY": "HWY", "HWAY": "HWY",
	"ROUTE": "RTE", "RT": "RTE", "COUNTY": "CNTY", "CO": "CNTY", "ROAD": "RD",
	"FIRST": "1ST", "SECOND": "2ND", "THIRD": "3RD", "FOURTH": "4TH", "FIFTH": "5TH",
	"SIXTH": "6TH", "SEVENTH": "7TH", "EIGHTH": "8TH", "NINTH": "9TH", "TENTH": "10TH",
	"ELEVENTH": "11TH", "TWELFTH": "12TH", "THIRTEENTH": "13TH", "FOURTEENTH": "14TH",
	"FIFTEENTH": "15TH", "SIXTEENTH": "16TH", "SEVENTEENTH": "17TH", "EIGHTEENTH": "18TH",
	"NINETEENTH": "19TH", "TWENTIETH": "20TH",
}

// unitNeedsNumber are the designators that take a number (§213); the others stand alone.
var unitNeedsNumber = map[string]bool{
	"APT": true, "BLDG": true, "DEPT": true, "FL": true, "HNGR": true, "KEY": true, "LOT": true,
	"PIER": true, "RM": true, "SLIP": true, "SPC": true, "STE": true, "STOP": true, "TRLR": true,
	"UNIT": true, "#": true,
}

func dir(key string) (string, bool) {
	d, ok := directional[strings.ReplaceAll(key, "-", "")]
	return d, ok
}

// isOrdinal reports "2ND", "3RD", "21ST" (a floor written before its designator).
func isOrdinal(k string) (string, bool) {
	for _, suf := range []string{"ST", "ND", "RD", "TH"} {
		if n, ok := strings.CutSuffix(k, suf); ok && n != "" && strings.IndexFunc(n, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
			return n, true
		}
	}
	return "", false
}

// findUnit looks for a secondary unit in ts starting at from; it returns the unit and
// the index where it starts (len(ts) when there is none).
func findUnit(ts []token, from int) (desig, num string, at, end int) {
	for i := from; i < len(ts); i++ {
		k := ts[i].key
		if k == "#" && i+1 < len(ts) {
			return "#", ts[i+1].key, i, i + 2
		}
		// "2ND FLOOR", "3RD FL"
		if n, ok := isOrdinal(k); ok && i+1 < len(ts) {
			if u, ok := units[ts[i+1].key]; ok && u == "FL" {
				return "FL", n, i, i + 2
			}
		}
		u, ok := units[k]
		if !ok {
			continue
		}
		if unitNeedsNumber[u] {
			if i+1 < len(ts) {
				n, e := ts[i+1].key, i+2
				if n == "#" && i+2 < len(ts) {
					n, e = ts[i+2].key, i+3
				}
				// "OLD PIER RD" is a street, "PIER 39" a unit: a unit number has a digit
				// or is a single letter (APT B).
				if len(n) == 1 || strings.ContainsAny(n, "0123456789") {
					return u, n, i, e
				}
			}
			continue
		}
		if i == len(ts)-1 { // BSMT, REAR...: only as the last word
			return u, "", i, i + 1
		}
	}
	return "", "", len(ts), len(ts)
}

var poBoxForms = [][]string{{"PO", "BOX"}, {"P", "O", "BOX"}, {"POST", "OFFICE", "BOX"}, {"POB"}, {"POBOX"}, {"BOX"}, {"PO"}}

func parseStreet(street, street2 string) streetLine {
	var sl streetLine
	ts := tokenize(street)
	// PO Box: "PO BOX 123", "P.O. Box 123", "Post Office Box 123", "POB 123".
	for _, form := range poBoxForms {
		if len(ts) > len(form) {
			ok := true
			for i, w := range form {
				if ts[i].key != w {
					ok = false
					break
				}
			}
			if ok {
				sl.poBox = ts[len(form)].key
				sl.numberRaw = raws(ts)
				ts = ts[len(form)+1:]
				break
			}
		}
	}
	// The house number is the first word when it has a digit: "1234", "12-B", and the
	// Wisconsin/Utah grid numbers "N4521", "W5120"; or a number spelled out, as
	// prestige addresses print it ("One N. Dearborn St." is 1 N Dearborn St).
	if n, ok := spelledHouseNumbers[ts0key(ts)]; ok && sl.poBox == "" && len(ts) > 2 {
		sl.number, sl.numberRaw = n, ts[0].raw
		ts = ts[1:]
	} else if sl.poBox == "" && len(ts) > 1 && strings.ContainsAny(ts[0].key, "0123456789") {
		sl.number, sl.numberRaw = ts[0].key, ts[0].raw
		ts = ts[1:]
		// "123 1/2 MAIN ST": the fraction belongs to the house number.
		if len(ts) > 0 && strings.Contains(ts[0].raw, "/") {
			sl.number += " " + ts[0].key
			sl.numberRaw += " " + ts[0].raw
			ts = ts[1:]
		}
	}
	t2 := tokenize(street2)
	if len(t2) == 1 && strings.ContainsAny(t2[0].key, "0123456789") {
		// a bare "200" on the second line is a unit whose kind was not given
		t2 = append([]token{{raw: "", key: "#"}}, t2...)
	}
	if d, n, at, end := findUnit(t2, 0); at < len(t2) {
		sl.unitDesig, sl.unitNum, sl.unitRaw = d, n, strings.TrimSpace(raws(t2[at:end]))
		sl.hasUnitInput = true
		t2 = append(t2[:at:at], t2[end:]...)
	}
	// Whatever else line 2 holds (a building name, "C/O ...") is compared as text so a
	// difference there is never silently dropped.
	sl.line2Raw = raws(t2)
	for _, t := range t2 {
		sl.line2 = append(sl.line2, t.key)
	}
	if d, n, at, end := findUnit(ts, 1); at < len(ts) {
		if !sl.hasUnitInput {
			sl.unitDesig, sl.unitNum, sl.unitRaw = d, n, raws(ts[at:end])
			sl.hasUnitInput = true
		} else {
			// a unit on both lines: keep the second as text so it is still compared
			for _, t := range ts[at:end] {
				sl.line2 = append(sl.line2, t.key)
			}
		}
		// words after the unit on the street line (rare) are compared as text too
		for _, t := range ts[end:] {
			sl.line2 = append(sl.line2, t.key)
		}
		ts = ts[:at]
	}
	sl.nameRaw = raws(ts)
	keys := make([]string, len(ts))
	for i, t := range ts {
		keys[i] = t.key
	}
	if len(keys) >= 2 {
		if d, ok := dir(keys[len(keys)-1]); ok {
			sl.postdir, keys = d, keys[:len(keys)-1]
		}
	}
	if len(keys) >= 2 {
		if s, ok := suffixes[keys[len(keys)-1]]; ok {
			sl.suffix, keys = s, keys[:len(keys)-1]
		}
	}
	if len(keys) >= 2 {
		if d, ok := dir(keys[0]); ok {
			sl.predir, keys = d, keys[1:]
		}
	}
	for i, k := range keys {
		if f, ok := nameFold[k]; ok {
			keys[i] = f
		}
	}
	sl.name = keys
	// "4-B" and "4B" are one unit; the hyphen is typing, not part of the number.
	sl.unitNum = strings.ReplaceAll(sl.unitNum, "-", "")
	return sl
}

func cityKey(s string) string {
	ws := strings.Fields(foldWords(s))
	for i, w := range ws {
		if f, ok := nameFold[w]; ok {
			ws[i] = f
		}
	}
	return strings.Join(ws, " ")
}

func stateKey(s string) string {
	if c, ok := StateCode(s); ok {
		return c
	}
	return foldWords(s)
}

func splitZIP(s string) (zip5, plus4 string) {
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	if len(d) == 9 {
		return d[:5], d[5:]
	}
	return d, ""
}

// CompareAddress compares a typed address with the one on the bill, USPS Publication 28
// style: suffixes, unit designators, directionals and state names fold to their standard
// abbreviations; house number, unit number and ZIP5 must agree exactly; ZIP+4 on one side
// only is equivalent. The message names each differing part as the bill prints it.
func CompareAddress(typed, bill Address) Comparison {
	if squash(typed.Street) == squash(bill.Street) && squash(typed.Street2) == squash(bill.Street2) &&
		squash(typed.City) == squash(bill.City) && squash(typed.State) == squash(bill.State) && squash(typed.ZIP) == squash(bill.ZIP) {
		return Comparison{Status: StatusMatch}
	}
	t, b := parseStreet(typed.Street, typed.Street2), parseStreet(bill.Street, bill.Street2)
	var diffs []string
	zipOnly := true
	add := func(d string, isZIP bool) {
		diffs = append(diffs, d)
		if !isZIP {
			zipOnly = false
		}
	}
	switch {
	case (t.poBox == "") != (b.poBox == ""):
		add(said(strings.TrimSpace(bill.Street), typed.Street)+" (a PO Box and a street address are different addresses)", false)
	case t.poBox != "":
		if t.poBox != b.poBox {
			add("PO Box: "+said(b.numberRaw, t.numberRaw), false)
		}
	default:
		if t.number != b.number {
			add("house number: "+said(b.numberRaw, t.numberRaw), false)
		}
		if t.predir != b.predir || t.postdir != b.postdir || t.suffix != b.suffix || strings.Join(t.name, " ") != strings.Join(b.name, " ") {
			add("street: "+said(b.nameRaw, t.nameRaw), false)
		}
	}
	if t.unitDesig != b.unitDesig || t.unitNum != b.unitNum {
		// A bare "#" is the designator to use when the kind is unknown (§213.2): it agrees
		// with any designator as long as the number is the same.
		if !(t.unitNum == b.unitNum && t.unitNum != "" && (t.unitDesig == "#" || b.unitDesig == "#")) {
			add("suite/unit: "+said(b.unitRaw, t.unitRaw), false)
		}
	}
	if strings.Join(t.line2, " ") != strings.Join(b.line2, " ") {
		add("address line 2: "+said(b.line2Raw, t.line2Raw), false)
	}
	if cityKey(typed.City) != cityKey(bill.City) {
		add("city: "+said(bill.City, typed.City), false)
	}
	if stateKey(typed.State) != stateKey(bill.State) {
		add("state: "+said(bill.State, typed.State), false)
	}
	tz5, tz4 := splitZIP(typed.ZIP)
	bz5, bz4 := splitZIP(bill.ZIP)
	if tz5 != bz5 || (tz4 != "" && bz4 != "" && tz4 != bz4) {
		add("ZIP code: "+said(bill.ZIP, typed.ZIP), true)
	}
	if len(diffs) == 0 {
		return Comparison{Status: StatusEquivalent}
	}
	code := CodeBillingAddressMismatch
	if zipOnly {
		code = CodeZIPCodeMismatch
	}
	return mismatch(code, strings.Join(diffs, "; "))
}

// FormatAddress prints an address on one line for messages.
func FormatAddress(a Address) string {
	parts := []string{}
	for _, p := range []string{a.Street, a.Street2, a.City, strings.TrimSpace(a.State + " " + a.ZIP)} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// spelledHouseNumbers are the house numbers addresses spell out.
var spelledHouseNumbers = map[string]string{"ONE": "1", "TWO": "2", "THREE": "3", "FOUR": "4", "FIVE": "5",
	"SIX": "6", "SEVEN": "7", "EIGHT": "8", "NINE": "9", "TEN": "10"}

func ts0key(ts []token) string {
	if len(ts) == 0 {
		return ""
	}
	return ts[0].key
}
