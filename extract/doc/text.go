package doc

import "unicode"

// HasAlnum says whether s holds a letter or a digit: a word, not a mark ("-", "|",
// a fax's speck).
func HasAlnum(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
