package fields

import (
	"fmt"
	"math"
	"strings"
	"unicode"

	"github.com/portdocs/portdocs/extract/doc"
)

// OCR reads some letters and digits as each other: O/o/Q/D and 0, I/l/i/| and 1, S/s and 5,
// B and 8, Z/z and 2, G and 6, T and 7, g/q and 9. In a token that mixes letters and
// digits — an account number like "8123 4567 O199" — such a character is a doubt, not
// a fact. These helpers let the finders and the check SAY so (lower confidence, a
// warning, "differs only by OCR look-alikes") and never change a value: a value read as
// "O199" stays "O199", because a silent "correction" that then matches the customer's
// submission would be a false pass.

// confusables maps each look-alike to the class it could really be.
var confusables = map[rune]rune{
	'O': '0', 'o': '0', 'Q': '0', 'D': '0', '0': 'O',
	'I': '1', 'l': '1', 'i': '1', '|': '1', '1': 'I',
	'S': '5', 's': '5', '5': 'S',
	'B': '8', '8': 'B',
	'Z': '2', 'z': '2', '2': 'Z',
	'G': '6', '6': 'G',
	'T': '7', '7': 'T',
	'g': '9', 'q': '9', '9': 'g',
}

// ConfusableChars returns the rune indexes (0-based, into []rune(s)) of characters in s
// that OCR may have confused between letter and digit. Only tokens (runs without white
// space) that mix letters and digits count, and in them only the minority class: in
// "8123 4567 O199" the O, in "ACME" nothing, in "B0B" the 0, in "AB12" the B (a tie
// counts the letters, since account numbers are mostly digits).
func ConfusableChars(s string) []int {
	rs := []rune(s)
	var out []int
	for start := 0; start < len(rs); {
		if unicode.IsSpace(rs[start]) {
			start++
			continue
		}
		end := start
		letters, digits := 0, 0
		for end < len(rs) && !unicode.IsSpace(rs[end]) {
			switch {
			case unicode.IsDigit(rs[end]):
				digits++
			case unicode.IsLetter(rs[end]) || rs[end] == '|':
				letters++
			}
			end++
		}
		if letters > 0 && digits > 0 {
			flagLetters := digits >= letters
			for i := start; i < end; i++ {
				r := rs[i]
				if _, ok := confusables[r]; !ok {
					continue
				}
				if unicode.IsDigit(r) != flagLetters {
					out = append(out, i)
				}
			}
		}
		start = end
	}
	return out
}

// ConfusionConfidence lowers an OCR confidence for the look-alikes in value: each one
// takes 15% off, down to a floor of 0.2. Text-layer values are not OCR and keep theirs.
func ConfusionConfidence(conf float64, value string, src doc.Source) float64 {
	if src != doc.SourceOCR {
		return conf
	}
	n := len(ConfusableChars(value))
	if n == 0 {
		return conf
	}
	return max(math.Min(conf, 0.2), conf*math.Pow(0.85, float64(n)))
}

// ConfusionWarning is the warning to put on a field whose OCR'd value holds look-alikes,
// or "" when there are none. It names positions, never the value (values may be account
// numbers, which are not logged).
func ConfusionWarning(field, value string, src doc.Source) string {
	if src != doc.SourceOCR {
		return ""
	}
	idx := ConfusableChars(value)
	if len(idx) == 0 {
		return ""
	}
	pos := make([]string, len(idx))
	for i, p := range idx {
		pos[i] = fmt.Sprint(p + 1)
	}
	return fmt.Sprintf("%s was read by OCR and has letter/digit look-alikes at character %s; check it against the bill",
		field, strings.Join(pos, ", "))
}

// ConfusableMatch reports whether onBill and submitted differ only where OCR look-alikes
// stand (ignoring case and white space), returning the rune indexes in onBill where
// they differ. ok is false when they differ anywhere else, or have different lengths.
// It is for explaining a mismatch ("the bill's O may be a 0"), never for turning one
// into a match.
func ConfusableMatch(onBill, submitted string) (diffs []int, ok bool) {
	strip := func(s string) (rs []rune, idx []int) {
		for i, r := range []rune(s) {
			if !unicode.IsSpace(r) {
				rs, idx = append(rs, r), append(idx, i)
			}
		}
		return
	}
	a, ai := strip(onBill)
	b, _ := strip(submitted)
	if len(a) != len(b) {
		return nil, false
	}
	for i := range a {
		if unicode.ToUpper(a[i]) == unicode.ToUpper(b[i]) {
			continue
		}
		if !looksAlike(a[i], b[i]) {
			return nil, false
		}
		diffs = append(diffs, ai[i])
	}
	return diffs, true
}

func looksAlike(a, b rune) bool {
	ca, oka := confusables[a]
	cb, okb := confusables[b]
	switch {
	case oka && unicode.ToUpper(ca) == unicode.ToUpper(b):
		return true
	case okb && unicode.ToUpper(cb) == unicode.ToUpper(a):
		return true
	case oka && okb && unicode.IsDigit(ca) && ca == cb:
		return true // l and I both look like 1
	}
	return false
}
