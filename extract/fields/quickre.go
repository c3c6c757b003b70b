package fields

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// quickRe is a regexp with a cheap test before it: need holds lower-case literals one
// of which every match contains, read from the expression's syntax tree, so that a text
// holding none of them is no match and the regexp is not run. Most of the finders'
// label and context expressions are long case-insensitive alternations that Go runs by
// backtracking from every position of every segment; the test costs a few substring
// searches. need is nil when some match may contain no literal ("\d{4}", "[A-Z]+").
type quickRe struct {
	*regexp.Regexp
	need [][]byte
}

func mustQuick(expr string) *quickRe {
	q := &quickRe{Regexp: regexp.MustCompile(expr)}
	if tree, err := syntax.Parse(expr, syntax.Perl); err == nil {
		for _, n := range needOf(tree.Simplify()) {
			q.need = append(q.need, []byte(n))
		}
	}
	return q
}

// needOf is a set of ASCII lower-case literals one of which every match of re contains,
// or nil when there is none to rely on.
func needOf(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		lit := string(re.Rune)
		for _, r := range re.Rune {
			// A case-folded letter beyond ASCII has forms the ASCII lowering below does
			// not make ("©" has none).
			if r >= utf8.RuneSelf && re.Flags&syntax.FoldCase != 0 && unicode.SimpleFold(r) != r {
				return nil
			}
		}
		return []string{asciiLower(lit)}
	case syntax.OpCapture, syntax.OpPlus:
		return needOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return needOf(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []string
		for _, sub := range re.Sub {
			if n := needOf(sub); n != nil && (best == nil || shortest(n) > shortest(best)) {
				best = n
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			n := needOf(sub)
			if n == nil {
				return nil
			}
			all = append(all, n...)
		}
		return all
	}
	return nil
}

func shortest(set []string) int {
	m := len(set[0])
	for _, s := range set[1:] {
		m = min(m, len(s))
	}
	return m
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 32
		}
		return r
	}, s)
}

// may: s holds one of the literals every match needs (or the expression needs none).
func (q *quickRe) may(s string) bool {
	if q.need == nil {
		return true
	}
	// Case folding also maps the Kelvin sign to k and the long s to s.
	if strings.ContainsAny(s, "\u212a\u017f") {
		return true
	}
	var buf [256]byte
	low := buf[:0]
	if len(s) > len(buf) {
		low = make([]byte, 0, len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		low = append(low, c)
	}
	for _, n := range q.need {
		if bytes.Contains(low, n) {
			return true
		}
	}
	return false
}

func (q *quickRe) MatchString(s string) bool {
	return q.may(s) && q.Regexp.MatchString(s)
}

func (q *quickRe) FindString(s string) string {
	if !q.may(s) {
		return ""
	}
	return q.Regexp.FindString(s)
}

func (q *quickRe) FindStringIndex(s string) []int {
	if !q.may(s) {
		return nil
	}
	return q.Regexp.FindStringIndex(s)
}

func (q *quickRe) FindStringSubmatch(s string) []string {
	if !q.may(s) {
		return nil
	}
	return q.Regexp.FindStringSubmatch(s)
}

func (q *quickRe) FindStringSubmatchIndex(s string) []int {
	if !q.may(s) {
		return nil
	}
	return q.Regexp.FindStringSubmatchIndex(s)
}

func (q *quickRe) FindAllStringIndex(s string, n int) [][]int {
	if !q.may(s) {
		return nil
	}
	return q.Regexp.FindAllStringIndex(s, n)
}

func (q *quickRe) FindAllStringSubmatch(s string, n int) [][]string {
	if !q.may(s) {
		return nil
	}
	return q.Regexp.FindAllStringSubmatch(s, n)
}

func (q *quickRe) ReplaceAllString(src, repl string) string {
	if !q.may(src) {
		return src
	}
	return q.Regexp.ReplaceAllString(src, repl)
}
