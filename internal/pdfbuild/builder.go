// Package pdfbuild writes small PDFs by hand for tests: objects, streams, cross-reference
// tables and streams, and a seed corpus of odd but valid files.
package pdfbuild

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
)

// Builder writes small PDFs by hand for tests: valid ones and every kind of broken
// one, with a correct cross-reference table unless a test breaks it on purpose.
type Builder struct {
	Objs []string // object n+1's body ("<< ... >>" or "<< ... >>\nstream\n...\nendstream")
}

// Add appends an object and returns its number.
func (b *Builder) Add(body string) int {
	b.Objs = append(b.Objs, body)
	return len(b.Objs)
}

// Set makes body object n, padding with null objects up to it.
func (b *Builder) Set(n int, body string) {
	for len(b.Objs) < n {
		b.Objs = append(b.Objs, "null")
	}
	b.Objs[n-1] = body
}

// StreamObj is a stream object with dict's entries and a /Length that fits data.
func StreamObj(dict string, data []byte) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// FlateObj is StreamObj with data deflated and /Filter /FlateDecode.
func FlateObj(dict string, data []byte) string {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(data)
	w.Close()
	return StreamObj(dict+" /Filter /FlateDecode", z.Bytes())
}

// Bytes writes the file; trailer is added to the trailer dictionary (with /Root 1 0 R
// unless it names its own root). prevSelf makes the trailer's /Prev point at its own
// xref table: a cycle.
func (b *Builder) Bytes(trailer string, prevSelf bool) []byte {
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(b.Objs))
	for i, o := range b.Objs {
		offs[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(b.Objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	if !strings.Contains(trailer, "/Root") {
		trailer = "/Root 1 0 R " + trailer
	}
	if prevSelf {
		trailer += fmt.Sprintf(" /Prev %d", xref)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n", len(b.Objs)+1, trailer, xref)
	return out.Bytes()
}

// TextPDF makes a PDF whose pages draw the given lines in Helvetica (a standard font
// without /Widths, as gofpdf writes it), rotated by rotate degrees with /Rotate and
// counter-rotated in the content so the text reads upright, as producers do for
// landscape pages.
func TextPDF(rotate int, pages ...[]string) []byte {
	var b Builder
	b.Add("<< /Type /Catalog /Pages 2 0 R >>")
	b.Add("") // pages, below
	font := b.Add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	var kids []string
	for _, lines := range pages {
		var c strings.Builder
		switch rotate {
		case 90:
			c.WriteString("0 1 -1 0 612 0 cm\n") // page content drawn for a 792x612 view
		case 180:
			c.WriteString("-1 0 0 -1 612 792 cm\n")
		case 270:
			c.WriteString("0 -1 1 0 0 792 cm\n")
		}
		top := 760.0
		if rotate == 90 || rotate == 270 {
			top = 580
		}
		c.WriteString("BT /F1 10 Tf\n")
		for i, l := range lines {
			fmt.Fprintf(&c, "1 0 0 1 40 %.1f Tm (%s) Tj\n", top-float64(i)*14, pdfEscape(l))
		}
		c.WriteString("ET\n")
		content := b.Add(FlateObj("", []byte(c.String())))
		page := b.Add(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Rotate %d /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>", rotate, content, font))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	b.Set(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids)))
	return b.Bytes("", false)
}

func pdfEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	return r.Replace(s)
}

// XrefStreamPDF writes objs with a cross-reference stream instead of a table. Objects
// listed in inStream are not written; their entries say they lie in object stream
// streamObj at the given index (type 2), whatever that stream holds.
func XrefStreamPDF(objs []string, inStream map[int]int, streamObjNum int) []byte {
	var out bytes.Buffer
	out.WriteString("%PDF-1.5\n")
	offs := make([]int, len(objs)+2)
	for i, o := range objs {
		n := i + 1
		if _, ok := inStream[n]; ok {
			continue
		}
		offs[n] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", n, o)
	}
	xrefNum := len(objs) + 1
	offs[xrefNum] = out.Len()
	var rows bytes.Buffer
	for n := 0; n <= xrefNum; n++ {
		switch idx, ok := inStream[n]; {
		case n == 0:
			rows.Write([]byte{0, 0, 0, 0, 0, 0xff, 0xff})
		case ok:
			rows.Write([]byte{2, 0, 0, byte(streamObjNum >> 8), byte(streamObjNum), 0, byte(idx)})
		default:
			o := offs[n]
			rows.Write([]byte{1, byte(o >> 24), byte(o >> 16), byte(o >> 8), byte(o), 0, 0})
		}
	}
	fmt.Fprintf(&out, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n", xrefNum, xrefNum+1, rows.Len())
	out.Write(rows.Bytes())
	fmt.Fprintf(&out, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", offs[xrefNum])
	return out.Bytes()
}

// Seeds are small PDFs that reach every part of the reader: text with a standard
// font, rotation, forms, broken cross-references.
func Seeds() map[string][]byte {
	seeds := map[string][]byte{
		"text":      TextPDF(0, []string{"Account Number: 287 654 3210 987", "Bill Date: Oct 3, 2026", "JANE Q DOE", "1234 N MAIN ST STE 200", "BALTIMORE, MD 21201-1234", "Line 410-555-0142"}),
		"rotated90": TextPDF(90, []string{"AT&T", "Account #: 1234 5678 90"}),
		"twopages":  TextPDF(0, []string{"Verizon", "Statement Date: 10/03/2026"}, []string{"Verizon", "Account number 55-1234"}),
	}
	var b Builder
	b.Add("<< /Type /Catalog /Pages 2 0 R >>")
	b.Add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	b.Add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /XObject << /X 5 0 R >> /Font << /F1 6 0 R >> >> >>")
	b.Add(StreamObj("", []byte("q 1 0 0 1 10 10 cm /X Do Q BT /F1 12 Tf 72 700 Td [<0041> 120 <00420043>] TJ ET BI /W 1 /H 1 ID \x00\xff EI")))
	b.Add(StreamObj("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 6 0 R >> >>", []byte("BT /F1 9 Tf 72 600 Td <00440045> Tj ET")))
	b.Add("<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [7 0 R] /ToUnicode 8 0 R >>")
	b.Add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /DW 600 /W [65 [722] 66 70 500] >>")
	b.Add(StreamObj("", []byte("1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfchar <0041> <0041> endbfchar 1 beginbfrange <0042> <0050> <0042> endbfrange")))
	seeds["forms-cid-inline"] = b.Bytes("", false)
	return seeds
}
