package pdftext

import "strings"

// A small tokenizer for PDF content streams and ToUnicode CMaps. The library's own
// interpreter loops forever on an unterminated hex string at the end of a stream and
// cannot skip inline images, so decoded streams are tokenized here instead, with hard
// limits on nesting and pdfOperand counts.

type opKind uint8

const (
	opNumber opKind = iota + 1
	opString
	opName
	opArray
	opDict
	opOther // true, false, null
)

type pdfOperand struct {
	kind opKind
	num  float64
	str  string // string bytes, or a name
	arr  []pdfOperand
}

const (
	maxLexDepth    = 32   // nested arrays/dicts in one pdfOperand
	maxOperands    = 4096 // operands waiting for an operator
	maxArrayLength = 1 << 16
)

type pdfLexer struct {
	b   []byte
	pos int
}

func isPDFSpace(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ':
		return true
	}
	return false
}

func isPDFDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// skipSpace moves past white space and comments.
func (l *pdfLexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isPDFSpace(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

// next returns the next pdfOperand, or an operator in op. ok is false at the end.
func (l *pdfLexer) next(depth int) (o pdfOperand, op string, ok bool) {
	l.skipSpace()
	for l.pos < len(l.b) && strings.IndexByte("])>{}", l.b[l.pos]) >= 0 {
		l.pos++ // stray delimiters: skip them, as readers do
		l.skipSpace()
	}
	if l.pos >= len(l.b) {
		return pdfOperand{}, "", false
	}
	c := l.b[l.pos]
	switch {
	case c == '(':
		l.pos++
		return pdfOperand{kind: opString, str: l.literal()}, "", true
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		l.pos += 2
		return l.dict(depth), "", true
	case c == '<':
		l.pos++
		return pdfOperand{kind: opString, str: l.hex()}, "", true
	case c == '[':
		l.pos++
		return l.array(depth), "", true
	case c == '/':
		l.pos++
		return pdfOperand{kind: opName, str: l.name()}, "", true
	}
	start := l.pos
	for l.pos < len(l.b) && !isPDFSpace(l.b[l.pos]) && !isPDFDelim(l.b[l.pos]) {
		l.pos++
	}
	word := string(l.b[start:l.pos])
	if n, isNum := parseNumber(word); isNum {
		return pdfOperand{kind: opNumber, num: n}, "", true
	}
	switch word {
	case "true", "false", "null":
		return pdfOperand{kind: opOther, str: word}, "", true
	}
	return pdfOperand{}, word, true
}

func parseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	i := 0
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		i = 1
	}
	var whole, frac float64
	scale := 1.0
	digits := 0
	dot := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			if dot {
				scale /= 10
				frac += float64(c-'0') * scale
			} else {
				whole = whole*10 + float64(c-'0')
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	v := whole + frac
	if neg {
		v = -v
	}
	return v, true
}

func (l *pdfLexer) literal() string {
	var out []byte
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
			out = append(out, c)
		case ')':
			depth--
			if depth == 0 {
				return string(out)
			}
			out = append(out, c)
		case '\\':
			if l.pos >= len(l.b) {
				return string(out)
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
			case '\n':
			case '0', '1', '2', '3', '4', '5', '6', '7':
				x := int(e - '0')
				for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
					x = x*8 + int(l.b[l.pos]-'0')
					l.pos++
				}
				out = append(out, byte(x))
			default:
				out = append(out, e)
			}
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

func unhexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func (l *pdfLexer) hex() string {
	var out []byte
	hi := -1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		d := unhexDigit(c)
		if d < 0 {
			continue // white space or junk
		}
		if hi < 0 {
			hi = d
		} else {
			out = append(out, byte(hi<<4|d))
			hi = -1
		}
	}
	if hi >= 0 {
		out = append(out, byte(hi<<4))
	}
	return string(out)
}

func (l *pdfLexer) name() string {
	var out []byte
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isPDFSpace(c) || isPDFDelim(c) {
			break
		}
		l.pos++
		if c == '#' && l.pos+1 < len(l.b) {
			h, lo := unhexDigit(l.b[l.pos]), unhexDigit(l.b[l.pos+1])
			if h >= 0 && lo >= 0 {
				out = append(out, byte(h<<4|lo))
				l.pos += 2
				continue
			}
		}
		out = append(out, c)
	}
	return string(out)
}

func (l *pdfLexer) array(depth int) pdfOperand {
	a := pdfOperand{kind: opArray}
	for l.pos < len(l.b) {
		l.skipSpace()
		if l.pos < len(l.b) && l.b[l.pos] == ']' {
			l.pos++
			return a
		}
		if depth >= maxLexDepth {
			l.pos++ // too deep: consume without keeping
			continue
		}
		o, op, ok := l.next(depth + 1)
		if !ok {
			break
		}
		if op != "" {
			continue // operators inside arrays are junk
		}
		if len(a.arr) < maxArrayLength {
			a.arr = append(a.arr, o)
		}
	}
	return a
}

// dict reads a dictionary as a flat pdfOperand list (keys and values alternate).
func (l *pdfLexer) dict(depth int) pdfOperand {
	d := pdfOperand{kind: opDict}
	for l.pos < len(l.b) {
		l.skipSpace()
		if l.pos+1 < len(l.b) && l.b[l.pos] == '>' && l.b[l.pos+1] == '>' {
			l.pos += 2
			return d
		}
		if depth >= maxLexDepth {
			l.pos++
			continue
		}
		o, op, ok := l.next(depth + 1)
		if !ok {
			break
		}
		if op != "" {
			continue
		}
		if len(d.arr) < maxArrayLength {
			d.arr = append(d.arr, o)
		}
	}
	return d
}

// skipInlineImage moves past BI ... ID <binary> EI; the binary data would otherwise be
// read as operators.
func (l *pdfLexer) skipInlineImage() {
	for {
		_, op, ok := l.next(0)
		if !ok {
			return
		}
		if op == "ID" {
			break
		}
	}
	if l.pos < len(l.b) {
		l.pos++ // the single white-space byte after ID
	}
	for i := l.pos; i+1 < len(l.b); i++ {
		if l.b[i] == 'E' && l.b[i+1] == 'I' && (i == 0 || isPDFSpace(l.b[i-1])) &&
			(i+2 == len(l.b) || isPDFSpace(l.b[i+2]) || isPDFDelim(l.b[i+2])) {
			l.pos = i + 2
			return
		}
	}
	l.pos = len(l.b)
}
