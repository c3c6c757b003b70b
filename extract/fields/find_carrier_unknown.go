package fields

import (
	"math"
	"strings"

	"github.com/portdocs/portdocs/extract/layout"

	"github.com/portdocs/portdocs/port"
)

// A carrier that is not in port.Carriers is named by the places every sender names
// itself: its name in logo type at the top of page 1, the payee ("Make checks payable
// to X"), a greeting ("Thank you for choosing X"), the legal line ("d/b/a X", "© 2026
// X", "X Holdings, LLC") and its web address (x.com). One place is never enough: the
// name must stand in two kinds of them, so a customer's business in large type or an
// advertiser in the fine print is not taken for the sender.

// brandQualifiers are the words a logo sets beside a carrier's name for a product
// line ("ALLO" and "BUSINESS"): the name may stand without them.
var brandQualifiers = map[string]bool{"business": true, "fiber": true, "telecom": true, "telephone": true,
	"communications": true, "wireless": true, "broadband": true, "voice": true, "phone": true, "internet": true,
	"cable": true, "networks": true, "solutions": true, "enterprise": true, "connect": true}

// companyWords are the qualifiers that are words of a company's name, not of a product
// line's: a logo's value keeps them.
var companyWords = map[string]bool{"communications": true, "telecom": true, "telephone": true, "connect": true,
	"networks": true, "cable": true}

var (
	payeeRe    = mustQuick(`(?i)\bpayable\s+[tf][o0]:?\s+(\S.*)$`) // (OCR reads "to" as "fo", "t0")
	greetingRe = mustQuick(`(?i)\b(?:thanks?\s+(?:you\s+)?for\s+(?:choosing|being\s+an?|your\s+business\s+with)|welcome\s+to)\s+(\S.*)$`)
	dbaRe      = mustQuick(`(?i)\b(?:d/b/a|dba)\s+(\S.*)$`)
	copyRe     = mustQuick(`(?i)(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)?,?\s+(\S.*)$`)
	// entityRe: "X, Inc." — OCR reads the capital I of "Inc." as a small one now and then.
	entityRe = mustQuick(`^(\S.*?),?\s+(?:Holdings,?\s+)?(?:[Ii]nc\.?|LLC|L\.L\.C\.|Corp\.?|Corporation|Company|Co\.|LP|L\.P\.)(?:\W|$)`)
	domainRe = mustQuick(`(?i)(?:^|[^@\w.])(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+)(?:com|net|org|us|biz|co)\b`)
	// returnRe: a one-line return address, the sender's name before its street or PO
	// box and its city, state and ZIP ("GREAT PLAINS COMMUNICATIONS · PO BOX 500 ·
	// BLAIR NE 68008-0500"), as a window envelope shows it over the mailing block.
	returnRe  = mustQuick(`(?i)^([A-Z][^·•|]*?)\s*[·•|]\s*(?:P\.?\s?O\.?\s+(?:BOX|DRAWER)\s+\d+|\d{1,6}\s+[A-Z0-9][^·•|]*?)\s*[·•|,]?\s+[A-Z][A-Za-z .'-]*,?\s+[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?$`)
	nameEndRe = mustQuick(`\s*(?:[.;:|·•(]|\s[-–—]\s|,\s|\s(?:at|or|and|for|by|on|to|with|is|in)\s).*$`)
)

// sayings are the phrases a sender names itself with, in a fixed order (the first
// place a name is said is its evidence).
// Each has the words one of its matches must hold (in lower case), looked for before
// the expression is run: most lines hold none.
var sayings = []struct {
	kind  string
	re    *quickRe
	words []string
}{{"payee", payeeRe, []string{"payable"}}, {"greeting", greetingRe, []string{"for", "welcome"}},
	{"dba", dbaRe, []string{"dba", "d/b/a"}}, {"copyright", copyRe, []string{"©", "(c)", "copyright"}}}

// nameStart reads a name off the start of rest: up to four words, the first
// capitalized, each starting with a letter or digit, before a sentence's punctuation
// or a joining word; legal suffixes and "Holdings" are dropped.
func nameStart(rest string) string {
	rest = nameEndRe.ReplaceAllString(strings.TrimSpace(rest), "")
	rest = trimLegal(strings.TrimRight(rest, ".,!?"))
	rest = strings.TrimSuffix(strings.TrimSpace(rest), " Holdings")
	ws := strings.Fields(rest)
	if len(ws) == 0 || len(ws) > 4 {
		return ""
	}
	if c := ws[0][0]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
		return "" // a sentence goes on ("welcome to your new bill"), a name is capitalized
	}
	for _, w := range ws {
		if c := w[0]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return strings.Join(ws, " ")
}

// logoStop are words of a page's heading that are no carrier's name.
var logoStop = mustQuick(`(?i)\b(?:statement|invoice|bill|billing|account|summary|page|total|amount|due|date|your|customer|number|service|payment|monthly|notice)\b`)

// unknownCarrier names a carrier the table does not know, from the bill's structure,
// or returns nil. Its confidence grows with the kinds of place that name it: the logo
// and one place (0.77) is below a check's review line, the logo and two (0.84) or
// two places without a logo (0.8) are not; the extraction warns that the carrier is
// not a known one either way.
func unknownCarrier(lay *layout.Layout, medSize float64) *Field[string] {
	// Where the sender names itself, by kind; a kind counts once however often.
	said := map[string]map[string]bool{} // folded name → kinds
	type place struct {
		seg  *layout.Seg
		name string // as printed
	}
	first := map[string]place{}
	var domains []string
	note := func(kind, name string, s *layout.Seg) {
		f := port.FoldCarrierName(name)
		if len(f) < 3 {
			return
		}
		if said[f] == nil {
			said[f] = map[string]bool{}
		}
		said[f][kind] = true
		if _, ok := first[f]; !ok {
			first[f] = place{s, name}
		}
	}
	for _, s := range lay.Segs {
		text := strings.TrimSpace(s.Text)
		for _, k := range sayings {
			if !containsAny(s.Lower, k.words) {
				continue
			}
			if m := k.re.FindStringSubmatch(text); m != nil {
				if n := nameStart(m[1]); n != "" {
					note(k.kind, n, s)
				}
			}
		}
		if n := len(text); n > 5 && isDigit(text[n-1]) && strings.ContainsAny(text, "·•|") {
			if m := returnRe.FindStringSubmatch(text); m != nil {
				if n := nameStart(m[1]); n != "" {
					note("return address", n, s)
				}
			}
		}
		// A legal entity stands in the fine print at a page's foot (or in a running
		// footer), not in the customer's block.
		foot := s.Running || s.BBox[1] > 0.75*lay.Pages[s.Page-1].Height
		if foot {
			if m := entityRe.FindStringSubmatch(text); m != nil {
				if n := nameStart(m[1]); n != "" {
					note("entity", n, s)
				}
			}
		}
		if !strings.Contains(s.Lower, ".") {
			continue // a host name has its dot
		}
		for _, m := range domainRe.FindAllStringSubmatch(s.Lower, -1) {
			labels := strings.Split(strings.TrimSuffix(m[1], "."), ".")
			joined := strings.Join(labels, "")
			rev := ""
			for i := len(labels) - 1; i >= 0; i-- {
				rev += labels[i]
			}
			domains = append(domains, strings.ReplaceAll(joined, "-", ""), strings.ReplaceAll(rev, "-", ""))
		}
	}
	// kinds counts the kinds of place that say f, or a name that starts with it
	// ("Glo Fiber" says "Glo"); its web address is one more.
	kinds := func(f string) int {
		set := map[string]bool{}
		for name, ks := range said {
			if strings.HasPrefix(name, f) {
				for k := range ks {
					set[k] = true
				}
			}
		}
		for _, d := range domains {
			if strings.Contains(d, f) {
				set["web"] = true
			}
		}
		return len(set)
	}

	// logoName is the value of a logo and how many kinds of place say it:
	// the logo's evidence is its best-said name's, the whole logo or the logo without
	// the brand qualifiers set beside the name ("ALLO BUSINESS": "ALLO"); its value
	// the whole logo when a place says it whole ("payable to Mid-Rivers
	// Communications"), though more places say the name without its qualifier, and
	// otherwise the best-said name with the words of the company's name the places
	// leave out ("Mid-Rivers" said, "Mid-Rivers Communications" printed), not a
	// product line's.
	logoName := func(text string) (string, int) {
		ws := strings.Fields(text)
		names := []string{text}
		for n := len(ws) - 1; n >= 1 && brandQualifiers[strings.ToLower(ws[n])]; n-- {
			names = append(names, strings.Join(ws[:n], " "))
		}
		name, whole, k := "", "", 0
		for _, n := range names {
			f := port.FoldCarrierName(n)
			if len(f) < 3 {
				continue
			}
			nk := kinds(f)
			if nk > k {
				name, k = n, nk
			}
			if nk >= 1 && said[f] != nil && whole == "" {
				whole = n
			}
		}
		if whole != "" {
			return whole, k
		}
		if name != "" {
			for n := len(strings.Fields(name)); n < len(ws) && companyWords[strings.ToLower(ws[n])]; n++ {
				name += " " + ws[n]
			}
		}
		return name, k
	}

	// The logo: a short line of large type at the top of page 1.
	var best *layout.Seg
	var bestName, bestNext string
	bestKinds, bestSize := 0, 0.0
	page := lay.Pages[0]
	for _, s := range lay.Segs {
		if s.Page != 1 || s.BBox[1] > 0.2*page.Height || medSize <= 0 {
			continue
		}
		// A rule OCR reads as "|" parts a logo from the name or tagline beside it,
		// each in its own size.
		parts := strings.Split(s.Text, " | ")
		at := 0
		for pi, part := range parts {
			text := strings.TrimSpace(part)
			size := s.SizeOf(at, at+len(part))
			at += len(part) + len(" | ")
			next := ""
			if pi+1 < len(parts) {
				next = strings.TrimSpace(parts[pi+1])
			}
			if size < 1.4*medSize {
				continue
			}
			ws := strings.Fields(text)
			if len(ws) > 5 || strings.ContainsAny(text, "0123456789:$@") || logoStop.MatchString(text) || !hasLetter(text) {
				continue
			}
			name, k := logoName(text)
			if k >= 1 && (best == nil || k > bestKinds || k == bestKinds && size > bestSize) {
				best, bestName, bestNext, bestKinds, bestSize = s, name, next, k, size
			}
		}
	}
	if best != nil {
		if full, name, ok := acronymBeside(lay, best, bestName, bestNext); ok {
			best, bestName = full, name
		}
		// A logo in capitals ("TPX") yields to the name in mixed case where the bill
		// prints it in text ("TPx" in its running header).
		var cands []carrierHit
		low := layout.ASCIILower(bestName)
		for _, s := range lay.Segs {
			if i := strings.Index(s.Lower, low); i >= 0 && (i == 0 || !isAlnum(s.Lower[i-1])) {
				if e := i + len(bestName); e == len(s.Lower) || !isAlnum(s.Lower[e]) {
					cands = append(cands, carrierHit{seg: s, start: i, end: e})
				}
			}
		}
		if alt, ok := mixedCaseForm(bestName, cands); ok {
			best, bestName = alt.seg, alt.seg.Text[alt.start:alt.end]
		}
		start := strings.Index(best.Text, bestName)
		if start < 0 { // (the words of a name joined by one space, where the line has more)
			start, bestName = 0, strings.TrimSpace(best.Text)
		}
		return hit{seg: best, start: start, end: start + len(bestName), value: bestName, rule: math.Min(0.92, 0.7+0.07*float64(bestKinds))}.field(lay)
	}

	// No logo in text (often an image): a name said in two kinds of places.
	var name string
	most := 0
	for f, p := range first {
		if k := kinds(f); k >= 2 && (k > most || k == most && f < port.FoldCarrierName(name)) {
			most, name = k, p.name
		}
	}
	if name == "" {
		return nil
	}
	p := first[port.FoldCarrierName(name)]
	start := strings.Index(p.seg.Text, name)
	if start < 0 {
		return nil
	}
	return hit{seg: p.seg, start: start, end: start + len(name), value: name, rule: math.Min(0.85, 0.6+0.1*float64(most))}.field(lay)
}

// acronymBeside is the name a logo's acronym stands for, printed beside it or under
// it ("HTC   Horry Telephone Cooperative", "HTC | Horry ..."): the words' initials
// spell the acronym. next is the text after a rule on the logo's own segment.
func acronymBeside(lay *layout.Layout, logo *layout.Seg, acr, next string) (*layout.Seg, string, bool) {
	acr = strings.TrimRight(acr, ".")
	if len(acr) < 2 || len(acr) > 5 || strings.ToUpper(acr) != acr || !hasLetter(acr) || strings.ContainsAny(acr, " -&") {
		return nil, "", false
	}
	if next != "" && initialsOf(next) == acr {
		return logo, next, true
	}
	for _, o := range []*layout.Seg{logo.Right(), lay.Below(logo, false)} {
		if o == nil || o.Line == logo.Line && o.BBox[0]-logo.BBox[2] > 4*logo.Size {
			continue
		}
		if t := strings.TrimSpace(o.Text); initialsOf(t) == acr {
			return o, t, true
		}
	}
	return nil, "", false
}

// initialsOf is the capitals the words of a name start with, its small words aside
// ("Horry Telephone Cooperative": HTC), or "" when a word starts otherwise.
func initialsOf(name string) string {
	var initials strings.Builder
	for _, w := range strings.Fields(name) {
		switch strings.ToLower(w) {
		case "of", "and", "&", "the":
			continue
		}
		if c := w[0]; c < 'A' || c > 'Z' {
			return ""
		}
		initials.WriteByte(w[0])
	}
	return initials.String()
}

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if isLetterByte(s[i]) {
			return true
		}
	}
	return false
}
