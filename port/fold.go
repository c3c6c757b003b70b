package port

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// foldWords is the common denominator of every comparison: upper case, accents
// removed (JOSÉ → JOSE), apostrophes and periods dropped so "P.C." and "O'Brien" keep
// their letters together, every other non-alphanumeric rune a single space.
func foldWords(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading space
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining accent: drop it, keep the base letter
		case r == '\'' || r == '.' || r == '’' || r == '`':
			// joined: "P.C." → PC, "O'BRIEN" → OBRIEN
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if s, ok := undecomposed[unicode.ToUpper(r)]; ok {
				b.WriteString(s) // Ø has no combining form: SØRENSEN → SORENSEN
			} else {
				b.WriteRune(unicode.ToUpper(r))
			}
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// undecomposed are letters NFD leaves whole, written as people type them plainly.
var undecomposed = map[rune]string{'Ø': "O", 'Æ': "AE", 'Œ': "OE", 'ẞ': "SS", 'ß': "SS", 'Ł': "L", 'Đ': "D", 'Ð': "D", 'Þ': "TH", 'ı': "I"}

// squash is the "same after case and white space" test of the match status.
func squash(s string) string {
	return strings.Join(strings.Fields(strings.ToUpper(s)), " ")
}

// AccountKey is how carriers compare account numbers: letters and digits only, upper
// case ("287 654-3210" and "2876543210" are one account).
func AccountKey(s string) string { return alnum(s) }

// alnum keeps letters and digits only, upper case (account numbers, PINs).
func alnum(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}
