package pdftext

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// font is what the text interpreter needs from a PDF font: how many bytes a code
// takes, each code's advance width (1/1000 em) and each code's Unicode text.
type pdfFont struct {
	name     string // BaseFont as the file names it, subset tag included ("ABCDEF+Arial")
	twoByte  bool
	first    int
	widths   []float64       // simple fonts: widths[code-first]
	cidW     map[int]float64 // composite fonts: widths by CID (Identity: CID = code)
	defaultW float64
	std      *[256]uint16 // standard-14 metrics when the font has no /Widths
	scale    float64      // Type 3: pdfGlyph space to 1/1000 em
	toUni    *toUnicode
	enc      pdf.TextEncoding
	cache    map[int]string
}

const (
	maxCMapBytes    = 4 << 20
	maxContentBytes = 8 << 20
	maxWidthEntries = 1 << 16
)

// errStreamTooLarge is a stream that decodes to more than its cap.
var errStreamTooLarge = errors.New("stream too large")

// readStream decodes a stream, refusing more than max bytes so a compression bomb
// costs at most max.
func readStream(v pdf.Value, max int64) ([]byte, error) {
	if v.Kind() != pdf.Stream {
		return nil, errors.New("not a stream")
	}
	rd := v.Reader()
	b, err := io.ReadAll(io.LimitReader(rd, max+1))
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: more than %d MB", errStreamTooLarge, max>>20)
	}
	if err != nil && len(b) == 0 {
		return nil, err
	}
	return b, nil // a damaged tail still leaves the text before it
}

func loadFont(fv pdf.Value) *pdfFont {
	f := &pdfFont{defaultW: 500, scale: 1, cache: make(map[int]string)}
	subtype := fv.Key("Subtype").Name()
	base := fv.Key("BaseFont").Name()
	f.name = base
	if subtype == "Type0" {
		f.twoByte = true
		f.defaultW = 1000
		desc := fv.Key("DescendantFonts").Index(0)
		if dw := desc.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.defaultW = dw.Float64()
		}
		f.cidW = readCIDWidths(desc.Key("W"))
	} else {
		f.first = int(fv.Key("FirstChar").Int64())
		w := fv.Key("Widths")
		n := w.Len()
		if n > maxWidthEntries {
			n = maxWidthEntries
		}
		for i := 0; i < n; i++ {
			f.widths = append(f.widths, w.Index(i).Float64())
		}
		if subtype == "Type3" {
			if m := fv.Key("FontMatrix"); m.Len() >= 1 && m.Index(0).Float64() != 0 {
				f.scale = m.Index(0).Float64() * 1000
			}
		}
		if len(f.widths) == 0 {
			f.std = standardWidths(base)
		}
		if mw := fv.Key("FontDescriptor").Key("MissingWidth"); mw.Kind() == pdf.Integer || mw.Kind() == pdf.Real {
			if mw.Float64() > 0 {
				f.defaultW = mw.Float64()
			}
		}
	}
	if tu := fv.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		if b, err := readStream(tu, maxCMapBytes); err == nil {
			f.toUni = parseToUnicode(b)
		}
	}
	if !f.twoByte {
		// The library's byte encodings (WinAnsi, MacRoman, /Differences). Only those:
		// for other encodings it parses the ToUnicode CMap with its own interpreter,
		// which loops forever on some damaged CMaps; that CMap is read above instead.
		enc := fv.Key("Encoding")
		switch {
		case enc.Kind() == pdf.Dict, enc.Name() == "WinAnsiEncoding", enc.Name() == "MacRomanEncoding":
			lib := pdf.Font{V: fv}
			f.enc = lib.Encoder()
		}
	}
	return f
}

// standardWidths returns the metrics of a standard-14 font (or a common alias).
func standardWidths(base string) *[256]uint16 {
	if i := strings.IndexByte(base, '+'); i >= 0 {
		base = base[i+1:]
	}
	b := strings.ToLower(base)
	bold := strings.Contains(b, "bold")
	italic := strings.Contains(b, "italic") || strings.Contains(b, "oblique")
	switch {
	case strings.HasPrefix(b, "courier"):
		return &courierWidths
	case strings.HasPrefix(b, "times"):
		switch {
		case bold && italic:
			return stdWidths["Times-BoldItalic"]
		case bold:
			return stdWidths["Times-Bold"]
		case italic:
			return stdWidths["Times-Italic"]
		}
		return stdWidths["Times-Roman"]
	case bold:
		return stdWidths["Helvetica-Bold"]
	}
	return stdWidths["Helvetica"]
}

var courierWidths = func() (w [256]uint16) {
	for i := range w {
		w[i] = 600
	}
	return w
}()

func readCIDWidths(w pdf.Value) map[int]float64 {
	out := make(map[int]float64)
	n := w.Len()
	for i := 0; i < n && len(out) < maxWidthEntries; {
		first := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for k := 0; k < next.Len() && len(out) < maxWidthEntries; k++ {
				out[first+k] = next.Index(k).Float64()
			}
			i += 2
			continue
		}
		last := int(next.Int64())
		width := w.Index(i + 2).Float64()
		if last-first > maxWidthEntries || last < first {
			break
		}
		for c := first; c <= last && len(out) < maxWidthEntries; c++ {
			out[c] = width
		}
		i += 3
	}
	return out
}

// width is the advance of code in 1/1000 em.
func (f *pdfFont) width(code int) float64 {
	if f.twoByte {
		if w, ok := f.cidW[code]; ok {
			return w
		}
		return f.defaultW
	}
	if i := code - f.first; i >= 0 && i < len(f.widths) {
		if w := f.widths[i]; w != 0 || f.scale != 1 {
			return w * f.scale
		}
	}
	if f.std != nil && code >= 0 && code < 256 {
		return float64(f.std[code])
	}
	return f.defaultW
}

// text is the Unicode text of one code.
func (f *pdfFont) text(code int, raw string) string {
	if s, ok := f.cache[code]; ok {
		return s
	}
	s := ""
	if f.toUni != nil {
		s, _ = f.toUni.lookup(raw)
	}
	if s == "" && f.enc != nil {
		s = f.enc.Decode(raw)
	}
	if s == "" && !f.twoByte && f.toUni == nil {
		s = string(rune(code))
	}
	s = cleanGlyphText(s)
	f.cache[code] = s
	return s
}

// cleanGlyphText undoes typographic ligatures and drops control characters, so words
// compare as typed; everything else is kept exactly.
func cleanGlyphText(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 0xFB00:
			b.WriteString("ff")
		case r == 0xFB01:
			b.WriteString("fi")
		case r == 0xFB02:
			b.WriteString("fl")
		case r == 0xFB03:
			b.WriteString("ffi")
		case r == 0xFB04:
			b.WriteString("ffl")
		case r == 0xFB05 || r == 0xFB06:
			b.WriteString("st")
		case r == 0x00A0 || r == 0x2007 || r == 0x202F || r == '\t':
			b.WriteByte(' ')
		case r == 0x00AD || r == 0xFFFD || r == 0xFEFF || r < 0x20 || r == 0x7F:
			// soft hyphen, replacement, BOM, control: nothing printed
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// toUnicode is a parsed ToUnicode CMap.
type toUnicode struct {
	chars  map[string]string
	ranges []cmapRange
}

type cmapRange struct {
	lo, hi string
	dst    string   // first destination (UTF-16BE), incremented along the range
	arr    []string // or one destination per code
}

const maxCMapEntries = 1 << 17

func parseToUnicode(b []byte) *toUnicode {
	m := &toUnicode{chars: make(map[string]string)}
	l := &pdfLexer{b: b}
	var stack []pdfOperand
	mode := ""
	for {
		o, op, ok := l.next(0)
		if !ok {
			break
		}
		if op == "" {
			if len(stack) < maxOperands {
				stack = append(stack, o)
			}
			continue
		}
		switch op {
		case "beginbfchar", "beginbfrange":
			mode = op
			stack = stack[:0]
		case "endbfchar":
			for i := 0; i+1 < len(stack) && len(m.chars) < maxCMapEntries; i += 2 {
				if stack[i].kind == opString && stack[i+1].kind == opString {
					m.chars[stack[i].str] = utf16BE(stack[i+1].str)
				} else if stack[i].kind == opString && stack[i+1].kind == opName {
					m.chars[stack[i].str] = glyphNameText(stack[i+1].str)
				}
			}
			stack, mode = stack[:0], ""
		case "endbfrange":
			for i := 0; i+2 < len(stack) && len(m.ranges) < maxCMapEntries; i += 3 {
				lo, hi, dst := stack[i], stack[i+1], stack[i+2]
				if lo.kind != opString || hi.kind != opString || len(lo.str) != len(hi.str) || lo.str > hi.str {
					continue
				}
				r := cmapRange{lo: lo.str, hi: hi.str}
				switch dst.kind {
				case opString:
					r.dst = dst.str
				case opArray:
					for _, a := range dst.arr {
						r.arr = append(r.arr, a.str)
					}
				default:
					continue
				}
				m.ranges = append(m.ranges, r)
			}
			stack, mode = stack[:0], ""
		default:
			if mode == "" {
				stack = stack[:0]
			}
		}
	}
	if len(m.chars) == 0 && len(m.ranges) == 0 {
		return nil
	}
	return m
}

func (m *toUnicode) lookup(code string) (string, bool) {
	if s, ok := m.chars[code]; ok {
		return s, true
	}
	for _, r := range m.ranges {
		if len(r.lo) != len(code) || code < r.lo || code > r.hi {
			continue
		}
		off := codeValue(code) - codeValue(r.lo)
		if r.arr != nil {
			if off < len(r.arr) {
				return utf16BE(r.arr[off]), true
			}
			return "", false
		}
		d := []byte(r.dst)
		if len(d) == 0 {
			return "", false
		}
		// Increment the last UTF-16 unit; ranges never cross a 256 boundary in
		// practice, and this is what readers do.
		v := int(d[len(d)-1]) + off
		if len(d) >= 2 {
			v += int(d[len(d)-2]) << 8
			d[len(d)-2] = byte(v >> 8)
		}
		d[len(d)-1] = byte(v)
		return utf16BE(string(d)), true
	}
	return "", false
}

func codeValue(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v<<8 | int(s[i])
	}
	return v
}

func utf16BE(s string) string {
	if len(s)%2 == 1 {
		r := make([]rune, len(s)) // odd length: read as Latin-1 bytes
		for i := 0; i < len(s); i++ {
			r[i] = rune(s[i])
		}
		return string(r)
	}
	u := make([]uint16, len(s)/2)
	for i := range u {
		u[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
	}
	return string(utf16.Decode(u))
}

// glyphNameText maps the few pdfGlyph names some CMaps use instead of Unicode strings.
func glyphNameText(n string) string {
	if len(n) == 7 && strings.HasPrefix(n, "uni") {
		v := 0
		for i := 3; i < 7; i++ {
			d := unhexDigit(n[i])
			if d < 0 {
				return ""
			}
			v = v<<4 | d
		}
		return string(rune(v))
	}
	if len(n) == 1 {
		return n
	}
	return ""
}
