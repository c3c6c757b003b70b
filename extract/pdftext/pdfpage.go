package pdftext

import (
	"errors"
	"fmt"
	"math"

	"github.com/ledongthuc/pdf"
)

// pdfMatrix is a PDF transformation [a b c d e f]; points are row vectors: p' = p × m.
type pdfMatrix [6]float64

var identityMatrix = pdfMatrix{1, 0, 0, 1, 0, 0}

// mul returns m × n: apply m, then n.
func (m pdfMatrix) mul(n pdfMatrix) pdfMatrix {
	return pdfMatrix{
		m[0]*n[0] + m[1]*n[2],
		m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2],
		m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4],
		m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m pdfMatrix) apply(x, y float64) (float64, float64) {
	return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
}

// pdfGlyph is one character as drawn, in reading coordinates (points, top-left origin).
type pdfGlyph struct {
	text   string
	x0, x1 float64 // left and right along the baseline
	y      float64 // baseline
	size   float64 // font size on the page
	font   string  // the font's BaseFont
}

const (
	maxOpsPerPage    = 2_000_000
	maxGlyphsPerPage = 200_000
	maxFormDepth     = 8
	maxFormCalls     = 2_000
	maxStateDepth    = 256
)

type gstate struct {
	ctm                pdfMatrix
	tc, tw, th, tl     float64
	tfs, trise         float64
	font               *pdfFont
	fontName, resScope string
}

// pdfPageText interprets one page's content streams and collects its glyphs.
type pdfPageText struct {
	br        *budgetReader
	disp      pdfMatrix // user space to reading space (rotation, flip)
	w, h      float64
	glyphs    []pdfGlyph
	ops       int
	formCalls int
	dropped   int // glyphs not read left to right (vertical or rotated text)
	fonts     map[string]*pdfFont
	fallback  *pdfFont
}

func newPageText(br *budgetReader, p pdfPage) *pdfPageText {
	llx, lly, urx, ury := p.box[0], p.box[1], p.box[2], p.box[3]
	pt := &pdfPageText{br: br, fonts: make(map[string]*pdfFont)}
	switch p.rotate {
	case 90:
		pt.disp = pdfMatrix{0, 1, 1, 0, -lly, -llx}
		pt.w, pt.h = ury-lly, urx-llx
	case 180:
		pt.disp = pdfMatrix{-1, 0, 0, 1, urx, -lly}
		pt.w, pt.h = urx-llx, ury-lly
	case 270:
		pt.disp = pdfMatrix{0, -1, -1, 0, ury, urx}
		pt.w, pt.h = ury-lly, urx-llx
	default:
		pt.disp = pdfMatrix{1, 0, 0, -1, -llx, ury}
		pt.w, pt.h = urx-llx, ury-lly
	}
	pt.fallback = &pdfFont{defaultW: 500, scale: 1, std: stdWidths["Helvetica"], cache: make(map[int]string)}
	return pt
}

// ErrContentTooLarge is a page whose drawing instructions decode to more than
// maxContentBytes: a dense text page is about 100 KB, so such a page is a decompression
// bomb, and rendering it for OCR would only feed the bomb to poppler.
var ErrContentTooLarge = fmt.Errorf("its drawing instructions decode to more than %d MB", maxContentBytes>>20)

// contentBytes decodes a page's or form's /Contents (a stream or an array of them).
func contentBytes(v pdf.Value) ([]byte, error) {
	if v.Kind() == pdf.Array {
		var all []byte
		for i := 0; i < v.Len() && i < 1024; i++ {
			b, err := readStream(v.Index(i), maxContentBytes-int64(len(all)))
			if errors.Is(err, errStreamTooLarge) {
				return nil, ErrContentTooLarge
			}
			if err != nil {
				continue
			}
			all = append(all, b...)
			all = append(all, '\n')
		}
		return all, nil
	}
	b, err := readStream(v, maxContentBytes)
	if errors.Is(err, errStreamTooLarge) {
		return nil, ErrContentTooLarge
	}
	return b, nil
}

func (pt *pdfPageText) fontFor(res pdf.Value, scope, name string) *pdfFont {
	key := scope + "\x00" + name
	if f, ok := pt.fonts[key]; ok {
		return f
	}
	fv := res.Key("Font").Key(name)
	f := pt.fallback
	if fv.Kind() == pdf.Dict {
		f = loadFont(fv)
	}
	pt.fonts[key] = f
	return f
}

// run interprets content with the resources res. scope names the resources for the
// font cache (forms have their own).
func (pt *pdfPageText) run(content []byte, res pdf.Value, scope string, ctm pdfMatrix, depth int) {
	g := gstate{ctm: ctm, th: 1, resScope: scope}
	var stack []gstate
	var tm, tlm pdfMatrix = identityMatrix, identityMatrix
	var args []pdfOperand
	l := &pdfLexer{b: content}
	for {
		o, op, ok := l.next(0)
		if !ok {
			return
		}
		if op == "" {
			if len(args) < maxOperands {
				args = append(args, o)
			}
			continue
		}
		pt.ops++
		if pt.ops&1023 == 0 {
			pt.br.check()
		}
		if pt.ops > maxOpsPerPage || len(pt.glyphs) > maxGlyphsPerPage {
			return
		}
		num := func(i int) float64 {
			if i < len(args) && args[i].kind == opNumber {
				return args[i].num
			}
			return 0
		}
		switch op {
		case "q":
			if len(stack) < maxStateDepth {
				stack = append(stack, g)
			}
		case "Q":
			if n := len(stack); n > 0 {
				g = stack[n-1]
				stack = stack[:n-1]
			}
		case "cm":
			if len(args) == 6 {
				g.ctm = pdfMatrix{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(g.ctm)
			}
		case "BT":
			tm, tlm = identityMatrix, identityMatrix
		case "Tc":
			g.tc = num(0)
		case "Tw":
			g.tw = num(0)
		case "Tz":
			g.th = num(0) / 100
		case "TL":
			g.tl = num(0)
		case "Ts":
			g.trise = num(0)
		case "Tf":
			if len(args) == 2 && args[0].kind == opName {
				g.font = pt.fontFor(res, scope, args[0].str)
				g.tfs = num(1)
			}
		case "Td", "TD":
			if len(args) == 2 {
				if op == "TD" {
					g.tl = -num(1)
				}
				tlm = pdfMatrix{1, 0, 0, 1, num(0), num(1)}.mul(tlm)
				tm = tlm
			}
		case "Tm":
			if len(args) == 6 {
				tlm = pdfMatrix{num(0), num(1), num(2), num(3), num(4), num(5)}
				tm = tlm
			}
		case "T*":
			tlm = pdfMatrix{1, 0, 0, 1, 0, -g.tl}.mul(tlm)
			tm = tlm
		case "Tj", "'", "\"":
			if op != "Tj" {
				if op == "\"" && len(args) == 3 {
					g.tw, g.tc = num(0), num(1)
				}
				tlm = pdfMatrix{1, 0, 0, 1, 0, -g.tl}.mul(tlm)
				tm = tlm
			}
			if n := len(args); n > 0 && args[n-1].kind == opString {
				tm = pt.show(&g, tm, args[n-1].str)
			}
		case "TJ":
			if len(args) == 1 && args[0].kind == opArray {
				for _, a := range args[0].arr {
					switch a.kind {
					case opString:
						tm = pt.show(&g, tm, a.str)
					case opNumber:
						tm = pdfMatrix{1, 0, 0, 1, -a.num / 1000 * g.tfs * g.th, 0}.mul(tm)
					}
				}
			}
		case "Do":
			if len(args) == 1 && args[0].kind == opName && depth < maxFormDepth && pt.formCalls < maxFormCalls {
				pt.formCalls++
				pt.form(res, args[0].str, g.ctm, depth)
			}
		case "BI":
			l.skipInlineImage()
		}
		args = args[:0]
	}
}

// form runs a Form XObject: its own content, pdfMatrix and (optionally) resources.
func (pt *pdfPageText) form(res pdf.Value, name string, ctm pdfMatrix, depth int) {
	x := res.Key("XObject").Key(name)
	if x.Kind() != pdf.Stream || x.Key("Subtype").Name() != "Form" {
		return
	}
	m := identityMatrix
	if mv := x.Key("Matrix"); mv.Len() == 6 {
		for i := 0; i < 6; i++ {
			m[i] = mv.Index(i).Float64()
		}
	}
	fres := x.Key("Resources")
	scope := "form:" + name
	if fres.Kind() != pdf.Dict {
		fres = res
	}
	b, err := readStream(x, maxContentBytes)
	if err != nil {
		return
	}
	pt.run(b, fres, scope, m.mul(ctm), depth+1)
}

// show draws a string and returns the text pdfMatrix after it.
func (pt *pdfPageText) show(g *gstate, tm pdfMatrix, s string) pdfMatrix {
	f := g.font
	if f == nil {
		f = pt.fallback
	}
	step := 1
	if f.twoByte {
		step = 2
	}
	for i := 0; i+step <= len(s); i += step {
		raw := s[i : i+step]
		code := codeValue(raw)
		w0 := f.width(code)
		if t := f.text(code, raw); t != "" && t != " " {
			trm := pdfMatrix{g.tfs * g.th, 0, 0, g.tfs, 0, g.trise}.mul(tm).mul(g.ctm).mul(pt.disp)
			pt.emit(trm, w0, t, f.name)
		}
		tx := w0/1000*g.tfs + g.tc
		if step == 1 && raw[0] == ' ' {
			tx += g.tw
		}
		tm = pdfMatrix{1, 0, 0, 1, tx * g.th, 0}.mul(tm)
	}
	return tm
}

func (pt *pdfPageText) emit(trm pdfMatrix, w0 float64, text, font string) {
	if len(pt.glyphs) >= maxGlyphsPerPage {
		return
	}
	ox, oy := trm[4], trm[5]
	ex, ey := trm.apply(w0/1000, 0)
	ux, uy := trm[2], trm[3] // the glyph's "up" in reading space (y grows downward)
	size := math.Hypot(ux, uy)
	dx, dy := ex-ox, ey-oy
	if size < 0.5 || size > 1000 || math.IsNaN(size) || math.IsNaN(ox+oy+ex+ey) {
		return
	}
	// Keep text that reads left to right once the page is turned upright; vertical
	// stamps and margin codes would only interleave with real lines.
	if uy > -0.7*size || dx < -0.01 || math.Abs(dy) > 0.3*math.Abs(dx)+0.05*size {
		pt.dropped++
		return
	}
	if ox < -size || ox > pt.w+size || oy < 0 || oy > pt.h+size {
		return // off the page: not printed
	}
	if dx < 0.05*size {
		dx = 0.5 * size // width unknown: a typical glyph
	}
	pt.glyphs = append(pt.glyphs, pdfGlyph{text: text, x0: ox, x1: ox + dx, y: oy, size: size, font: font})
}
