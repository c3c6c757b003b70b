package fields

import (
	"slices"
	"sort"
	"strings"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/layout"
)

// The account number: a value after one of its labels, never after an invoice,
// statement or order label. A value repeated (in page headers, on the remittance
// stub) wins over one printed once.

var accountRule = labelRule{
	hints: []string{"acc", "ban"},
	label: mustQuick(`(?i)(?:(?:billing|customer|master|main|wireless|your|service)\s+)?` +
		`(?:account|acct\.?)\s*(?:number|num\b\.?|no\b\.?|nbr\b\.?|#|id\b)|\bBAN\b|\baccount\s*:`),
	exclude: mustQuick(`(?i)\b(?:invoice|statement|order|reference|confirmation|ticket|case|bank|card|routing|sub|previous|old|prior|other|new)[\s\-]*$`),
	value:   accountValue,
	same:    0.95, right: 0.92, below: 0.85,
}

// accountFallbacks are the labels asked, in order, only when no account-number label
// is on the bill: where both are printed, the account number is what a port names.
//   - The word "Account" alone before its value ("Main Account  4471-2290", "Account
//     6031-4471-22" in a header), on its line only: a bare "Account" heading over a
//     table is no label of the row below it.
//   - The identifier some carriers print instead ("Customer ID", "Customer Number",
//     "Customer Account", "Billing ID").
var accountFallbacks = []labelRule{
	{
		hints:   []string{"acc", "acct"},
		label:   mustQuick(`(?i)\b(?:(?:billing|customer|master|main|wireless|your|service)\s+)?(?:account|acct\.?)\b`),
		exclude: accountRule.exclude,
		value:   accountValue,
		same:    0.9, right: 0.87,
	},
	{
		hints:   []string{"customer", "client", "subscriber", "billing"},
		label:   mustQuick(`(?i)\b(?:customer|client|subscriber)\s*(?:id\b|number|num\b\.?|no\b\.?|nbr\b\.?|#|account\b)|\bbilling\s+id\b`),
		exclude: accountRule.exclude,
		value:   accountValue,
		same:    0.9, right: 0.87, below: 0.8,
	},
}

var accountTok = mustQuick(`^[A-Z0-9][A-Z0-9\-]*$`)

// accountValue reads an account number at the start of s: tokens of capitals, digits
// and dashes (the groups of "287 654 3210 987"), with at least four digits, mostly
// digits, not masked.
func accountValue(s string) int {
	end := 0
	digits, alnum := 0, 0
	for i, t := range tokens(s) {
		txt := strings.TrimRight(t.text, ",;")
		if !accountTok.MatchString(txt) {
			if i == 0 && isMasked(t.text) {
				return 0
			}
			break
		}
		d := countDigits(txt)
		if d == 0 {
			break // a word: the value ended
		}
		if i > 0 && t.start-end > 1 {
			break
		}
		digits += d
		alnum += len(strings.ReplaceAll(txt, "-", ""))
		end = t.start + len(txt)
		if txt != t.text {
			break // trailing punctuation ends the value
		}
	}
	// Every token holds a digit, so words never get in; account numbers with letters
	// ("5-KD7T4M2Q") still need a few digits and some length.
	if digits < 3 || digits < 4 && alnum < 6 || isMasked(s[:end]) {
		return 0
	}
	if looksLikeDate(s[:end]) {
		return 0
	}
	return end
}

var dateLike = mustQuick(`^\d{1,4}[/\-]\d{1,2}[/\-]\d{2,4}$`)

func looksLikeDate(s string) bool { return dateLike.MatchString(s) }

// bankLabelRe opens a line of a bank's details: where to send a wire or an ACH payment.
var bankLabelRe = mustQuick(`(?i)^\s*(?:bank(?:\s+name)?|aba|routing|swift|iban|bic|beneficiary|sort\s+code)\b`)

// inBankDetails: the segment stands in a bank's details, under a line that opens with
// a bank's label ("Bank: ...", "ABA Routing: ..."): its "Account:" is the carrier's
// bank account, paid into, never the customer's.
func inBankDetails(lay *layout.Layout, s *layout.Seg) bool {
	for a, n := lay.Above(s), 0; a != nil && n < 3; a, n = lay.Above(a), n+1 {
		if bankLabelRe.MatchString(a.Text) {
			return true
		}
	}
	return false
}

// findAccount returns the account number and the hits that printed it.
func findAccount(lay *layout.Layout) (*Field[string], []hit) {
	notBank := func(hits []hit) []hit {
		return slices.DeleteFunc(hits, func(h hit) bool { return inBankDetails(lay, h.seg) })
	}
	hits := notBank(accountRule.find(lay))
	for _, r := range accountFallbacks {
		if len(hits) > 0 {
			break
		}
		hits = notBank(r.find(lay))
	}
	if len(hits) == 0 {
		return nil, nil
	}
	type group struct {
		hits  []hit
		pages map[int]bool
		best  hit
		score float64
	}
	groups := map[string]*group{}
	var order []string
	for _, h := range hits {
		k := alnumUpper(h.value)
		g := groups[k]
		if g == nil {
			g = &group{pages: map[int]bool{}, best: h}
			groups[k] = g
			order = append(order, k)
		}
		g.hits = append(g.hits, h)
		g.pages[h.seg.Page] = true
		if h.rule > g.best.rule {
			g.best = h
		}
	}
	// On an OCR'd page a value one character short of another, its start, is the same
	// number with its last character lost (a footer's small type: "DP-7K4Q-229" for
	// "DP-7K4Q-2291"): one number, read whole where the longer one was. On a text
	// layer both are printed as they are (an account and its sub-account).
	for _, long := range order {
		short := long[:len(long)-1]
		lg, g := groups[long], groups[short]
		if lg == nil || g == nil || lay.Source(g.best.seg.Page) != doc.SourceOCR {
			continue
		}
		if v := strings.TrimSpace(lg.best.value); len(v) < 2 || !isAlnum(v[len(v)-2]) {
			continue // a suffix set apart ("77-410-5923-A"): a sub-account, printed
		}
		lg.hits = append(lg.hits, g.hits...)
		for p := range g.pages {
			lg.pages[p] = true
		}
		delete(groups, short)
	}
	order = slices.DeleteFunc(order, func(k string) bool { return groups[k] == nil })
	for _, g := range groups {
		// Pages that repeat the number (headers, a stub) and how surely it was read.
		g.score = g.best.rule + 0.3*float64(len(g.pages)-1) + 0.1*float64(len(g.hits)-1)
	}
	sort.SliceStable(order, func(i, j int) bool { return groups[order[i]].score > groups[order[j]].score })
	g := groups[order[0]]
	f := g.best.field(lay)
	if len(g.pages) > 1 {
		f.Confidence = roundConf(f.Confidence + 0.03)
	}
	if len(order) > 1 {
		f.Confidence = roundConf(f.Confidence - 0.15)
		f.Warnings = append(f.Warnings, "the bill shows more than one account number")
	}
	flagConfusions(f)
	return f, g.hits
}

// flagConfusions lowers the confidence of an OCR'd account number that mixes letters
// and digits OCR confuses (O/0, I/l/1, S/5, B/8 ...) and says where they are (issue 3,
// item 4). The value is never changed: a silent "correction" that then matched the
// customer's submission would be a false pass. Text-layer values are left alone.
func flagConfusions(f *Field[string]) {
	if f == nil {
		return
	}
	if w := ConfusionWarning("the account number", f.Value, f.Source); w != "" {
		f.Confidence = roundConf(ConfusionConfidence(f.Confidence, f.Value, f.Source))
		f.Warnings = append(f.Warnings, w)
	}
}
