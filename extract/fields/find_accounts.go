package fields

import (
	"sort"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/layout"

	"github.com/nyaruka/phonenumbers"
)

// Account is one account's part of a bill that shows several: a summary bill of a
// company with several accounts, or sub-accounts under a master account. A losing
// carrier ports one account per order, so the check splits a request along these.
type Account struct {
	AccountNumber string   `json:"account_number"` // as printed where its section starts
	Page          int      `json:"page"`
	BBox          doc.BBox `json:"bbox"`
	Numbers       []string `json:"numbers"` // E.164, numbers of phone_numbers listed under it
}

// sectionRule finds the labels that open an account's section. It is accountRule
// with sub-accounts allowed: "Sub-account number 4455 …" opens a section, where it is
// never the bill's account number.
var sectionRule = labelRule{
	hints: accountRule.hints,
	label: mustQuick(`(?i)(?:(?:billing|customer|master|main|wireless|your|service|sub[\s\-]?)\s*)?` +
		`(?:account|acct\.?)\s*(?:number|num\b\.?|no\b\.?|nbr\b\.?|#|id\b)|\bBAN\b|\baccount\s*:`),
	exclude: mustQuick(`(?i)\b(?:invoice|statement|order|reference|confirmation|ticket|case|bank|card|routing|previous|old|prior|other|new)[\s\-]*$`),
	value:   accountValue,
	same:    accountRule.same, right: accountRule.right, below: accountRule.below,
}

// runningBand is the share of a page's height, at its top and at its bottom, where
// running headers and footers stand.
const runningBand = 0.15

// findAccountSections splits the bill's phone numbers by the account they are listed
// under, when the bill shows more than one account with numbers. A section starts at
// an account label with its value and runs, in reading order, to the next one. The
// account number repeated in every page's header or footer (a running header: same
// value, same band, two pages or more) starts nothing; numbers listed before any
// section belong to master, the bill's account number. Values that differ only by one
// character OCR confuses count as one account. hits are the section labels
// (sectionRule.find). It returns nil for a bill of one account.
func findAccountSections(lay *layout.Layout, hits []hit, phones []PhoneNumber, master string) []Account {
	if len(hits) < 2 {
		return nil
	}
	// Canonical values: one per account, OCR near-misses folded in.
	var canon []string
	key := func(v string) string {
		k := alnumUpper(v)
		for _, c := range canon {
			if nearlySame(k, c) {
				return c
			}
		}
		canon = append(canon, k)
		return k
	}
	masterKey := ""
	if master != "" {
		masterKey = key(master)
	}
	// Running headers and footers: a value in a page's top or bottom band on two pages.
	bandPages := map[string]map[int]bool{}
	inBand := func(h hit) bool {
		p := lay.Pages[h.seg.Page-1]
		if p.Height <= 0 {
			return false
		}
		y := h.seg.BBox[1]
		return y < runningBand*p.Height || y > (1-runningBand)*p.Height
	}
	for _, h := range hits {
		if inBand(h) {
			k := key(h.value)
			if bandPages[k] == nil {
				bandPages[k] = map[int]bool{}
			}
			bandPages[k][h.seg.Page] = true
		}
	}
	type starter struct {
		page, line int
		key        string
		h          hit
	}
	var starts []starter
	for _, h := range hits {
		k := key(h.value)
		if inBand(h) && len(bandPages[k]) > 1 {
			continue
		}
		starts = append(starts, starter{h.seg.Page, h.seg.Line.Index, k, h})
	}
	sort.SliceStable(starts, func(i, j int) bool {
		if starts[i].page != starts[j].page {
			return starts[i].page < starts[j].page
		}
		return starts[i].line < starts[j].line
	})
	distinct := map[string]bool{}
	for _, s := range starts {
		distinct[s.key] = true
	}
	if len(distinct) < 2 && (len(distinct) == 0 || distinct[masterKey] || masterKey == "") {
		return nil
	}

	accepted := map[string]bool{}
	for _, p := range phones {
		accepted[p.Number] = true
	}
	owner := map[string]string{} // E.164 → account key
	var order []string
	first := map[string]hit{} // account key → where its section starts
	for _, s := range starts {
		if _, ok := first[s.key]; !ok {
			first[s.key] = s.h
		}
	}
	si := -1
	for _, seg := range lay.Segs {
		for si+1 < len(starts) && (starts[si+1].page < seg.Page ||
			starts[si+1].page == seg.Page && starts[si+1].line <= seg.Line.Index) {
			si++
		}
		cur := masterKey
		if si >= 0 {
			cur = starts[si].key
		}
		if cur == "" || countDigits(seg.Text) < 10 {
			continue
		}
		for _, m := range phoneRe.FindAllStringIndex(seg.Text, -1) {
			e164, ok := e164Of(seg.Text[m[0]:m[1]])
			if !ok || !accepted[e164] {
				continue
			}
			if prev, ok := owner[e164]; ok && (prev != masterKey || si < 0) {
				continue // listed under an account already (a summary list repeats numbers)
			}
			if _, ok := owner[e164]; !ok {
				order = append(order, e164)
			}
			owner[e164] = cur
		}
	}
	byKey := map[string]*Account{}
	var out []*Account
	for _, n := range order {
		k := owner[n]
		a := byKey[k]
		if a == nil {
			h, ok := first[k]
			if !ok { // the master account, printed only in the running header
				a = &Account{AccountNumber: master}
			} else {
				f := h.field(lay)
				a = &Account{AccountNumber: h.value, Page: f.Page, BBox: f.BBox}
			}
			byKey[k] = a
			out = append(out, a)
		}
		a.Numbers = append(a.Numbers, n)
	}
	if len(out) < 2 {
		return nil
	}
	res := make([]Account, len(out))
	for i, a := range out {
		res[i] = *a
	}
	return res
}

// e164Of reads a matched phone number as E.164.
func e164Of(raw string) (string, bool) {
	d := digitsOnly(raw)
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	if len(d) != 10 || !nanp(d) {
		return "", false
	}
	num, err := phonenumbers.Parse(d, "US")
	if err != nil {
		return "", false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}

// nearlySame: two account values of one length that differ in one character OCR
// confuses ("8310…" and "831O…"): one printed value, read twice.
func nearlySame(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) != len(b) || len(a) < 6 {
		return false
	}
	diff := 0
	for i := range len(a) {
		if a[i] != b[i] {
			if diff++; diff > 1 || !looksAlike(rune(a[i]), rune(b[i])) {
				return false
			}
		}
	}
	return true
}
