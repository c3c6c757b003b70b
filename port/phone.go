package port

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// ErrInvalidNumber is wrapped by NormalizeNumber for anything that is not a dialable
// NANP number.
var ErrInvalidNumber = errors.New("not a valid phone number")

// NormalizeNumber turns what people type ("(410) 555-0142", "410.555.0142",
// "1 410 555 0142", "+14105550142") into E.164. The default region is US; numbers
// outside the North American Numbering Plan (+1) are refused because the ports
// portdocs prepares are US ports. Validity is libphonenumber's.
func NormalizeNumber(s string) (string, error) {
	raw := strings.TrimSpace(s)
	if raw == "" {
		return "", fmt.Errorf("empty: %w", ErrInvalidNumber)
	}
	if len(raw) > maxNumberText {
		// Not a number someone typed; and the messages below quote their input.
		return "", fmt.Errorf("%s is %d characters, too long for a phone number: %w", quoteShort(raw), len(raw), ErrInvalidNumber)
	}
	if national, ok := plainNANP(raw); ok {
		if !validNANP(national) {
			return "", fmt.Errorf("%q is not a valid 10-digit NANP number: %w", raw, ErrInvalidNumber)
		}
		return "+1" + national, nil
	}
	return parseNumber(raw)
}

// maxNumberText is the longest text read as one phone number: "+1 (410) 555-0142 ext.
// 12345" is 27 characters.
const maxNumberText = 64

// quoteShort quotes s for a message, cut to its first 32 characters.
func quoteShort(s string) string {
	if r := []rune(s); len(r) > 32 {
		return fmt.Sprintf("%q…", string(r[:32]))
	}
	return fmt.Sprintf("%q", s)
}

// plainNANP is the fast path for the way nearly everyone writes a US number: digits with
// spaces, dashes, dots, parentheses and an optional +1 or 1. It returns the 10-digit
// national number; anything else (letters, extensions, other countries) goes to the
// full parser.
func plainNANP(s string) (string, bool) {
	var d [16]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n == len(d) {
				return "", false
			}
			d[n] = c
			n++
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		case c == '+' && n == 0:
		default:
			return "", false
		}
	}
	if strings.HasPrefix(s, "+") && (n != 11 || d[0] != '1') {
		return "", false
	}
	switch {
	case n == 10:
		return string(d[:10]), true
	case n == 11 && d[0] == '1':
		return string(d[1:11]), true
	}
	return "", false
}

// validity caches libphonenumber's verdict per 8-digit prefix: NANP patterns decide on
// the area code, the exchange and at most the next digits, never on the last two, and
// a list of 10,000 numbers shares few prefixes. It is cleared when it grows large.
var validity = struct {
	sync.Mutex
	m map[string]bool
}{m: map[string]bool{}}

func validNANP(national string) bool {
	key := national[:8]
	validity.Lock()
	v, ok := validity.m[key]
	validity.Unlock()
	if ok {
		return v
	}
	v = validWithLibrary(national)
	validity.Lock()
	if len(validity.m) > 200000 {
		validity.m = map[string]bool{}
	}
	validity.m[key] = v
	validity.Unlock()
	return v
}

func validWithLibrary(national string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	n, err := phonenumbers.Parse("+1"+national, "US")
	return err == nil && phonenumbers.IsValidNumber(n)
}

func parseNumber(raw string) (e164 string, err error) {
	// phonenumbers is a third-party parser fed user text: never let it panic us.
	defer func() {
		if r := recover(); r != nil {
			e164, err = "", fmt.Errorf("%q could not be read: %w", raw, ErrInvalidNumber)
		}
	}()
	n, perr := phonenumbers.Parse(raw, "US")
	if perr != nil {
		return "", fmt.Errorf("%q: %w", raw, ErrInvalidNumber)
	}
	if n.GetCountryCode() != 1 {
		return "", fmt.Errorf("%q is not a US or Canadian (+1) number: %w", raw, ErrInvalidNumber)
	}
	if !phonenumbers.IsValidNumber(n) {
		return "", fmt.Errorf("%q is not a valid 10-digit NANP number: %w", raw, ErrInvalidNumber)
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}
