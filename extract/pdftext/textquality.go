package pdftext

import (
	"github.com/portdocs/portdocs/extract/doc"
	"strings"
	"unicode"
)

// Usable reports whether a page's text layer holds real text; false when it is
// empty, too thin to be the page's content (a scanner's header line over an image), or
// garbage. Garbage comes from fonts without a Unicode map: the PDF shows glyphs, but
// the "text" behind them is private-use code points, control characters, U+FFFD, or
// glyph ids read as letters ("Dffrxqw Qxpehu"). A false "usable" loses the page, a false
// "unusable" only costs an OCR pass, so when in doubt this says unusable.
func Usable(p doc.Page) bool {
	return textLayerScore(p).usable()
}

type textScore struct {
	runes, alnum int     // non-space runes; letters and digits among them
	bad          int     // private-use, control, replacement, unassigned runes
	tokens       int     // white-space separated tokens
	plausible    float64 // length-weighted share of tokens shaped like words or numbers
	words        int     // tokens of letters only (no digits)
	wordShape    float64 // length-weighted share of those shaped like words
	common       int     // tokens that are common English/Spanish or billing words
}

func (s textScore) usable() bool {
	switch {
	case s.alnum < 40 || s.tokens < 8:
		return false // empty, or a stamp/header line over a scanned page
	case float64(s.bad) > 0.02*float64(s.runes):
		return false
	case s.common >= 3 && s.plausible >= 0.5 && s.wordShape >= 0.5:
		return true
	case s.words >= 15 && s.common == 0:
		return false // plenty of words, not one "the", "account" or "total": shifted glyph codes
	}
	return s.plausible >= 0.75 && s.wordShape >= 0.75
}

func textLayerScore(p doc.Page) textScore {
	var s textScore
	var weight, good, wWeight, wGood float64
	for _, w := range p.Words {
		for _, tok := range strings.Fields(w.Text) {
			s.tokens++
			for _, r := range tok {
				s.runes++
				switch {
				case badRune(r):
					s.bad++
				case unicode.IsLetter(r) || unicode.IsDigit(r):
					s.alnum++
				}
			}
			core := strings.TrimFunc(tok, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if core == "" {
				continue // lone punctuation: neither evidence for nor against
			}
			l := float64(len([]rune(core)))
			weight += l
			ok := plausibleToken(core)
			if ok {
				good += l
			}
			if strings.IndexFunc(core, unicode.IsDigit) < 0 {
				s.words++
				wWeight += l
				if ok {
					wGood += l
				}
			}
			if commonWords[strings.ToLower(core)] {
				s.common++
			}
		}
	}
	if weight > 0 {
		s.plausible = good / weight
	}
	s.wordShape = 1
	if wWeight > 0 {
		s.wordShape = wGood / wWeight
	}
	return s
}

func badRune(r rune) bool {
	switch {
	case r == unicode.ReplacementChar:
		return true
	case r >= 0xE000 && r <= 0xF8FF, r >= 0xF0000: // private use areas
		return true
	case unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r':
		return true
	case !unicode.Is(unicode.L, r) && !unicode.Is(unicode.N, r) && !unicode.Is(unicode.P, r) &&
		!unicode.Is(unicode.S, r) && !unicode.Is(unicode.Z, r) && !unicode.Is(unicode.M, r):
		return true // unassigned or surrogate
	}
	return false
}

// plausibleToken says whether a token (surrounding punctuation removed) is shaped like
// a word, a number, an identifier or an amount.
func plausibleToken(t string) bool {
	var letters, digits, upper, lower, other int
	for _, r := range t {
		switch {
		case unicode.IsDigit(r):
			digits++
		case unicode.IsLetter(r):
			letters++
			if unicode.IsUpper(r) {
				upper++
			} else if unicode.IsLower(r) {
				lower++
			}
		default:
			other++
		}
	}
	switch {
	case letters == 0:
		return digits > 0 // 123.45, 217-555-0142, 10/03/2026
	case digits > 0:
		return len(t) <= 20 // account numbers, ZIP+4 with letters, "2nd", "STE12"
	case !isLatinWord(t):
		return letters >= 1 && other == 0 // other scripts: judge by shape only
	case letters <= 3:
		return true // "of", "IL", "ST", "LLC"
	}
	// Case pattern: lower, UPPER, Capitalised, or McDonald-like (one inner capital).
	first := []rune(t)[0]
	innerUpper := upper
	if unicode.IsUpper(first) {
		innerUpper--
	}
	if lower > 0 && innerUpper > 1 {
		return false
	}
	return hasVowel(t) && maxConsonantRun(t) <= 4
}

func isLatinWord(t string) bool {
	for _, r := range t {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

func hasVowel(t string) bool {
	return strings.ContainsAny(strings.ToLower(t), "aeiouyàáâäèéêëìíîïòóôöùúûü")
}

func maxConsonantRun(t string) int {
	run, best := 0, 0
	for _, r := range strings.ToLower(t) {
		if unicode.IsLetter(r) && !strings.ContainsRune("aeiouyàáâäèéêëìíîïòóôöùúûü", r) {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

// commonWords are frequent English words and words every phone bill prints.
var commonWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`the of and to a in for is on that by this with you it not or be are
		from at as your all have new more an was we will can us if my has but our one do no
		account number total amount due date bill billing statement invoice service services
		charges charge payment payments balance previous page summary monthly taxes fees tax
		fee phone mobile wireless internet voice plan usage minutes call calls customer name
		address please pay online auto credit period details line lines business thank
		de la el en y su del los las por para cuenta factura cargos pago servicio fecha`) {
		m[w] = true
	}
	return m
}()
