package extract

import (
	"regexp"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// The customer's own numbers: every NANP number printed in a common format, except
// toll-free and service codes and numbers the bill labels as the carrier's (customer
// service, repair, "call us"), and digit runs that belong to the account number.

// phoneSep is what stands between digit groups: nothing, a space, or a dash or dot
// with a space either side (OCR puts spaces where the print had none).
const phoneSep = `(?:\s?[.\-–]\s?|\s)?`

var phoneRe = regexp.MustCompile(`(?:\+?1` + phoneSep + `)?(?:\(\d{3}\)\s?|\d{3}` + phoneSep + `)\d{3}` + phoneSep + `\d{4}`)

// carrierContact marks a number as the carrier's own, when it stands before the number
// on its segment, on the segment to its left, or on the line above a lone number.
var carrierContact = regexp.MustCompile(`(?i)\b(?:customer\s+(?:service|care|support)|call\s+us|call\b|calling|contact\s+us|questions?|` +
	`repairs?|support|help|assistance|billing\s+(?:inquir|question|dept|department)|technical|tech\b|sales|to\s+pay|pay\s+by|` +
	`payment\s+(?:line|center)|tty|tdd|relay|outage|report|dial|hearing|speech|disab|español|espanol|spanish|` +
	`emergency|press|agent|reach\s+us|our\b|visit|text\s+us|business\s+office|fraud|lost\s+or\s+stolen|care\b|service\s+center)`)

// customerLine marks a number as one of the account's lines.
var customerLine = regexp.MustCompile(`(?i)\b(?:line|lines|number|phone|mobile|wireless|cell|tel|telephone|btn|tn|service\s+for|` +
	`your\s+number|main|fax|device|user|extension|did|trunk|voice)\b`)

var tollFree = map[string]bool{"800": true, "822": true, "833": true, "844": true, "855": true, "866": true,
	"877": true, "888": true, "880": true, "881": true, "882": true, "883": true, "884": true, "885": true,
	"886": true, "887": true, "889": true}

// premium area codes are never a customer's line to port.
var premium = map[string]bool{"900": true, "976": true}

var moneyRe = regexp.MustCompile(`\$\s?\d[\d,]*\.\d{2}`)

// lineText is the whole printed line a segment stands on.
func lineText(s *textSeg) string {
	var b strings.Builder
	for _, o := range s.line.segs {
		b.WriteString(o.text)
		b.WriteByte(' ')
	}
	return b.String()
}

// nanp validates the ten digits: area code and exchange start 2-9, and neither is
// premium or an N11 service code.
func nanp(d string) bool {
	if len(d) != 10 || d[0] < '2' || d[3] < '2' {
		return false
	}
	if premium[d[:3]] || d[1] == '1' && d[2] == '1' || d[4] == '1' && d[5] == '1' {
		return false
	}
	return true
}

func digitsOnly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

type span struct {
	seg        *textSeg
	start, end int
}

func findPhones(lay *docLayout, skip []span) []PhoneNumber {
	var out []PhoneNumber
	seen := map[string]bool{}
	for _, s := range lay.segs {
		if countDigits(s.text) < 10 {
			continue
		}
		for _, m := range phoneRe.FindAllStringIndex(s.text, -1) {
			start, end := m[0], m[1]
			if !phoneBoundary(s.text, start, end) || overlapsAny(skip, s, start, end) {
				continue
			}
			raw := s.text[start:end]
			d := digitsOnly(raw)
			if len(d) == 11 {
				d = d[1:]
			}
			if !nanp(d) {
				continue
			}
			ctx := phoneContext(lay, s, start)
			if carrierContact.MatchString(ctx) {
				continue
			}
			// A toll-free number is the carrier's unless the bill lists it as a line
			// of the account (labelled, or billed on a charges row).
			positive := customerLine.MatchString(ctx) || moneyRe.MatchString(lineText(s))
			if tollFree[d[:3]] && !positive {
				continue
			}
			num, err := phonenumbers.Parse(d, "US")
			if err != nil || !phonenumbers.IsPossibleNumber(num) {
				continue
			}
			e164 := phonenumbers.Format(num, phonenumbers.E164)
			if seen[e164] {
				continue
			}
			seen[e164] = true
			conf := 0.8
			if positive {
				conf = 0.95
			}
			box, wconf := s.span(start, end)
			out = append(out, PhoneNumber{Number: e164, Page: s.page, BBox: roundBox(box),
				Confidence: roundConf(conf * wconf), Source: lay.source(s.page)})
		}
	}
	return out
}

// phoneBoundary rejects a match that is part of a longer number: glued to letters or
// digits, or next to digit groups as in a spaced account number ("287 654 3210 987").
func phoneBoundary(s string, start, end int) bool {
	if start > 0 {
		c := s[start-1]
		if isAlnum(c) || c == '-' || c == '.' || c == '/' || c == '#' {
			return false
		}
	}
	if end < len(s) {
		c := s[end]
		if isAlnum(c) || c == '-' || c == '/' || (c == '.' && end+1 < len(s) && isDigit(s[end+1])) {
			return false
		}
	}
	// A number starting "+1" or "(" begins there; otherwise a digit group just before
	// it means it is the tail of a longer number.
	if start >= 2 && s[start-1] == ' ' && s[start] != '+' && s[start] != '(' {
		ts := tokens(s[:start-1])
		if len(ts) > 0 {
			p := ts[len(ts)-1].text
			if len(p) >= 2 && countDigits(p) == len(p) {
				return false
			}
		}
	}
	if end+1 < len(s) && s[end] == ' ' {
		ts := tokens(s[end+1:])
		if len(ts) > 0 {
			n := ts[0].text
			if len(n) >= 3 && countDigits(n) == len(n) {
				return false
			}
		}
	}
	return true
}

func isAlnum(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// phoneContext is the text that labels a number: what precedes it on its segment, the
// segment to its left, and the line above when the number stands alone.
func phoneContext(lay *docLayout, s *textSeg, start int) string {
	ctx := s.text[:start]
	if l := s.left(); l != nil {
		ctx = l.text + " " + ctx
	}
	if strings.TrimSpace(s.text[:start]) == "" {
		if a := lay.above(s); a != nil && len(tokens(a.text)) <= 6 {
			ctx = a.text + " " + ctx
		}
	}
	return ctx
}

func overlapsAny(spans []span, s *textSeg, start, end int) bool {
	for _, sp := range spans {
		if sp.seg == s && start < sp.end && sp.start < end {
			return true
		}
	}
	return false
}
