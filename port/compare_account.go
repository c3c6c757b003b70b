package port

import (
	"fmt"
	"strings"
)

// confusable maps the characters OCR (and people reading a bill) mix up to one class.
var confusable = map[rune]rune{
	'O': '0', 'Q': '0', 'D': '0', '0': '0',
	'I': '1', 'L': '1', '1': '1', '|': '1',
	'S': '5', '5': '5',
	'B': '8', '8': '8',
	'Z': '2', '2': '2',
	'G': '6', '6': '6',
}

func confusableKey(s string) string {
	return strings.Map(func(r rune) rune {
		if c, ok := confusable[r]; ok {
			return c
		}
		return r
	}, s)
}

// CompareAccountNumber compares letters and digits only (spaces and dashes are how a bill
// prints the number). A difference that OCR could explain (O/0, I/1, S/5, B/8) is still a
// mismatch — the carrier compares characters — but the hint says which ones to check.
func CompareAccountNumber(typed, bill string) Comparison {
	if squash(typed) == squash(bill) {
		return Comparison{Status: StatusMatch}
	}
	t, b := alnum(typed), alnum(bill)
	if t == b && t != "" {
		return Comparison{Status: StatusEquivalent}
	}
	c := mismatch(CodeAccountNumberMismatch, "account number differs from the bill: "+said(strings.TrimSpace(bill), typed))
	switch {
	case len(t) == len(b) && confusableKey(t) == confusableKey(b):
		var pairs []string
		for i := range len(t) {
			if t[i] != b[i] {
				pairs = append(pairs, fmt.Sprintf("%c on the bill vs %c typed", b[i], t[i]))
			}
		}
		c.Hint = "look-alike characters (" + strings.Join(pairs, ", ") + "): check the bill closely"
	case isTransposition(t, b):
		c.Hint = "two digits swapped?"
	case len(t) != len(b):
		c.Hint = fmt.Sprintf("the bill's account number has %d letters and digits; you typed %d", len(b), len(t))
	}
	if c.Hint != "" {
		c.Message += " (" + c.Hint + ")"
	}
	return c
}

// isTransposition: the two strings differ only by two adjacent characters swapped.
func isTransposition(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}

// ComparePIN compares a PIN the bill happens to show. Messages never quote a PIN.
func ComparePIN(typed, bill string) Comparison {
	if alnum(typed) == alnum(bill) && alnum(typed) != "" {
		return Comparison{Status: StatusMatch}
	}
	return mismatch(CodePINMismatch, "the account PIN differs from the one printed on the bill; check it with the account holder")
}

// CompareCarrier: the same carrier under its brand or a legal entity name (per the
// carrier table) is equivalent; a different carrier is a mismatch.
func CompareCarrier(typed, bill string) Comparison {
	if squash(typed) == squash(bill) {
		return Comparison{Status: StatusMatch}
	}
	tc, tok := FindCarrier(typed)
	bc, bok := FindCarrier(bill)
	msg := "carrier differs from the bill: " + said(strings.TrimSpace(bill), typed)
	if tok && bok {
		if tc.Name == bc.Name {
			return Comparison{Status: StatusEquivalent}
		}
		return hinted(CodeCarrierMismatch, msg, fmt.Sprintf("%s and %s are different carriers; the port request goes to the carrier on the bill", tc.Name, bc.Name))
	}
	// "ATT" for "AT&T": the same letters as one of the bill carrier's own names.
	if bok && alnum(typed) != "" {
		for _, n := range bc.Names {
			if alnum(n) == alnum(typed) {
				return Comparison{Status: StatusEquivalent}
			}
		}
	}
	tk, bk := newBusinessKey(typed), newBusinessKey(bill)
	if tk.core != "" && tk.core == bk.core && (tk.suffix == "" || bk.suffix == "" || tk.suffix == bk.suffix) {
		return Comparison{Status: StatusEquivalent}
	}
	return mismatch(CodeCarrierMismatch, msg)
}
