package hostile

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/portdocs/portdocs/internal/pdfbuild"
)

// billLines is fictional bill text (NANP fiction numbers only).
func billLines(r *rand.Rand) []string {
	lines := []string{
		"Example Telecom Business Services",
		fmt.Sprintf("Account Number: %d %d %d", 100+r.IntN(900), 100+r.IntN(900), 1000+r.IntN(9000)),
		"Bill Date: Oct 3, 2026",
		"JANE Q DOE",
		"1234 N MAIN ST STE 200",
		"BALTIMORE, MD 21201-1234",
	}
	for i := 0; i < 1+r.IntN(4); i++ {
		lines = append(lines, fmt.Sprintf("Line 410-555-01%02d  $%d.%02d", r.IntN(100), r.IntN(90)+10, r.IntN(100)))
	}
	return lines
}

func textContent(lines []string) []byte {
	var b bytes.Buffer
	b.WriteString("BT /F1 11 Tf 72 720 Td 14 TL\n")
	for _, l := range lines {
		l = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l)
		fmt.Fprintf(&b, "(%s) '\n", l)
	}
	b.WriteString("ET")
	return b.Bytes()
}

// textPDF is a small valid one-page bill with a text layer: the base the damaging
// kinds start from.
func textPDF(r *rand.Rand) []byte {
	var d pdfbuild.Builder
	d.Add("<< /Type /Catalog /Pages 2 0 R >>")
	d.Add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	d.Add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>")
	d.Add(pdfbuild.StreamObj("", textContent(billLines(r))))
	d.Add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	return d.Bytes("", false)
}

// onePage builds catalog, pages and one page whose extra entries and content stream
// the caller chooses; more objects can follow (numbers from 5).
func onePage(pageExtra string, content []byte) *pdfbuild.Builder {
	var d pdfbuild.Builder
	d.Add("<< /Type /Catalog /Pages 2 0 R >>")
	d.Add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	d.Add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> " + pageExtra + " >>")
	d.Add(pdfbuild.StreamObj("", content))
	d.Add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	return &d
}

func pdfTruncated(r *rand.Rand) []byte {
	b := textPDF(r)
	return b[:r.IntN(len(b)-1)+1]
}

func pdfBitFlip(r *rand.Rand) []byte {
	b := textPDF(r)
	for i := 0; i < 1+r.IntN(20); i++ {
		b[r.IntN(len(b))] ^= byte(1 << r.IntN(8))
	}
	return b
}

func hexBytes(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%02X", r.IntN(256))
	}
	return b.String()
}

// pdfEncrypted has a standard security handler: readers need a password (or at least
// to decrypt with the empty user password) before any text.
func pdfEncrypted(r *rand.Rand) []byte {
	content := make([]byte, 200+r.IntN(400))
	for i := range content {
		content[i] = byte(r.IntN(256))
	}
	d := onePage("", content)
	enc := d.Add(fmt.Sprintf("<< /Filter /Standard /V 2 /R 3 /Length 128 /O <%s> /U <%s> /P -3904 >>", hexBytes(r, 32), hexBytes(r, 32)))
	id := hexBytes(r, 16)
	return d.Bytes(fmt.Sprintf("/Encrypt %d 0 R /ID [<%s> <%s>]", enc, id, id), false)
}

func pdfZeroPages(r *rand.Rand) []byte {
	var d pdfbuild.Builder
	d.Add("<< /Type /Catalog /Pages 2 0 R >>")
	d.Add("<< /Type /Pages /Kids [] /Count 0 >>")
	return d.Bytes("", false)
}

// pdfCountLie claims billions of pages and holds one.
func pdfCountLie(r *rand.Rand) []byte {
	d := onePage("", textContent(billLines(r)))
	d.Objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [3 0 R] /Count %d >>", []int64{2147483647, 1 << 40, -1, 999999999}[r.IntN(4)])
	return d.Bytes("", false)
}

// pdfKidsRepeat lists one page tens of thousands of times: a small file, a huge book.
func pdfKidsRepeat(r *rand.Rand) []byte {
	n := 20000 + r.IntN(80000)
	d := onePage("", textContent(billLines(r)))
	d.Objs[1] = "<< /Type /Pages /Kids [" + strings.Repeat("3 0 R ", n) + fmt.Sprintf("] /Count %d >>", n)
	return d.Bytes("", false)
}

// pdfFanout is a page tree whose every level lists the next level ten times: 10^depth
// pages from a few hundred bytes (the "billion laughs" of PDF).
func pdfFanout(r *rand.Rand) []byte {
	depth := 6 + r.IntN(4)
	var d pdfbuild.Builder
	d.Add("<< /Type /Catalog /Pages 2 0 R >>")
	count := int64(1)
	for i := 0; i < depth; i++ {
		count *= 10
	}
	for level := 0; level < depth; level++ {
		next := level + 3
		d.Add(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Repeat(fmt.Sprintf("%d 0 R ", next), 10), count))
		count /= 10
	}
	leaf := d.Add(fmt.Sprintf("<< /Type /Page /MediaBox [0 0 612 792] /Contents %d 0 R >>", len(d.Objs)+2))
	_ = leaf
	d.Add(pdfbuild.StreamObj("", []byte("BT /F1 12 Tf 72 720 Td (Page) Tj ET")))
	return d.Bytes("", false)
}

// pdfDeepNesting nests arrays or dictionaries tens of thousands deep, in the page
// dictionary or in the content stream: recursive parsers overflow their stack.
func pdfDeepNesting(r *rand.Rand) []byte {
	n := 10000 + r.IntN(190000)
	var nested string
	if r.IntN(2) == 0 {
		nested = strings.Repeat("[", n) + strings.Repeat("]", n)
	} else {
		nested = strings.Repeat("<< /A ", n) + "1" + strings.Repeat(" >>", n)
	}
	if r.IntN(2) == 0 {
		return onePage("/Deep "+nested, textContent(billLines(r))).Bytes("", false)
	}
	content := append([]byte(nested+" pop\n"), textContent(billLines(r))...)
	return onePage("", content).Bytes("", false)
}

// pdfCycle makes reference cycles: the page tree containing itself, a page its own
// parent, resources referring to themselves, a stream whose /Length is the stream.
func pdfCycle(r *rand.Rand) []byte {
	switch r.IntN(4) {
	case 0:
		d := onePage("", textContent(billLines(r)))
		d.Objs[1] = "<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>"
		return d.Bytes("", false)
	case 1:
		d := onePage("", textContent(billLines(r)))
		d.Objs[2] = "<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources 6 0 R >>"
		d.Add("<< /Font 6 0 R /XObject << /X 6 0 R >> >>")
		return d.Bytes("", false)
	case 2:
		d := onePage("", nil)
		d.Objs[3] = "<< /Length 4 0 R >>\nstream\n" + string(textContent(billLines(r))) + "\nendstream"
		return d.Bytes("", false)
	default:
		d := onePage("", textContent(billLines(r)))
		d.Objs[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 6 0 R] /Resources << /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >> >>"
		d.Add(pdfbuild.StreamObj("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X 6 0 R >> >>", []byte("/X Do")))
		return d.Bytes("", false)
	}
}

// pdfXrefLoop has a trailer whose /Prev points back at its own cross-reference table.
func pdfXrefLoop(r *rand.Rand) []byte {
	b := textPDF(r)
	i := bytes.LastIndex(b, []byte("startxref\n"))
	var off int
	fmt.Sscanf(string(b[i+len("startxref\n"):]), "%d", &off)
	return bytes.Replace(b, []byte("/Root 1 0 R"), []byte(fmt.Sprintf("/Root 1 0 R /Prev %d", off)), 1)
}

// pdfFlateBomb has a content stream that inflates to hundreds of megabytes.
func pdfFlateBomb(r *rand.Rand) []byte {
	size := int64(64+r.IntN(448)) << 20
	d := onePage("", nil)
	d.Objs[3] = pdfbuild.StreamObj("/Filter /FlateDecode", zlibZeros(size))
	return d.Bytes("", false)
}

// pdfHugeLength claims a stream far longer than the file.
func pdfHugeLength(r *rand.Rand) []byte {
	d := onePage("", nil)
	d.Objs[3] = fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", []int64{9999999999, 1 << 62, -5}[r.IntN(3)], textContent(billLines(r)))
	return d.Bytes("", false)
}

// pdfImageBomb is a scanned-looking page (no text) whose image claims 30000×30000
// pixels, its data a deflate bomb; or a page so large that rendering it at 300 dpi
// makes billions of pixels.
func pdfImageBomb(r *rand.Rand) []byte {
	if r.IntN(2) == 0 {
		d := onePage("", []byte("BT /F1 1 Tf ET"))
		d.Objs[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /Contents 4 0 R >>"
		return d.Bytes("", false)
	}
	w, h := 30000, 30000
	d := onePage("", []byte("q 612 0 0 792 0 0 cm /Im Do Q"))
	d.Objs[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /XObject << /Im 6 0 R >> >> >>"
	data := zlibZeros(int64(w) * int64(h) / 8) // 1 bit per pixel
	d.Add(pdfbuild.StreamObj(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode", w, h), data))
	return d.Bytes("", false)
}

// pdfManyObjects has a hundred thousand tiny objects and a page tree of thousands of
// empty pages.
func pdfManyObjects(r *rand.Rand) []byte {
	var d pdfbuild.Builder
	d.Add("<< /Type /Catalog /Pages 2 0 R >>")
	d.Add("")
	n := 20000 + r.IntN(40000)
	var kids strings.Builder
	for i := 0; i < n; i++ {
		id := d.Add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>")
		fmt.Fprintf(&kids, "%d 0 R ", id)
	}
	d.Objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids.String(), n)
	return d.Bytes("", false)
}

// pdfTextFlood is one page with a hundred thousand text-showing operators: layout
// analysis that is quadratic in words shows here.
func pdfTextFlood(r *rand.Rand) []byte {
	var b bytes.Buffer
	b.WriteString("BT /F1 4 Tf\n")
	n := 30000 + r.IntN(70000)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "1 0 0 1 %d %d Tm (410-555-01%02d) Tj\n", r.IntN(600), r.IntN(790), r.IntN(100))
	}
	b.WriteString("ET")
	d := onePage("", nil)
	d.Objs[3] = pdfbuild.StreamObj("/Filter /FlateDecode", zlibBytes(b.Bytes()))
	return d.Bytes("", false)
}

// pdfFontBomb uses a composite font whose ToUnicode map is one enormous range and
// whose widths array is huge.
func pdfFontBomb(r *rand.Rand) []byte {
	var w strings.Builder
	w.WriteString("/W [0 [")
	for i := 0; i < 20000+r.IntN(40000); i++ {
		w.WriteString("500 ")
	}
	w.WriteString("]]")
	d := onePage("", []byte("BT /F1 12 Tf 72 700 Td <"+strings.Repeat("FFFF", 5000)+"> Tj ET"))
	d.Objs[4] = "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>"
	d.Add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /DW 600 " + w.String() + " >>")
	d.Add(pdfbuild.StreamObj("", []byte("1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0000> <FFFF> <0041> endbfrange")))
	return d.Bytes("", false)
}

// pdfJunkPrefix has bytes before the header (readers accept them within 1 KB) and
// sometimes garbage after %%EOF.
func pdfJunkPrefix(r *rand.Rand) []byte {
	junk := randomBytes(r, 1+r.IntN(1000))
	b := append(junk, textPDF(r)...)
	if r.IntN(2) == 0 {
		b = append(b, randomBytes(r, r.IntN(4096))...)
	}
	return b
}

// pdfBadXref points every cross-reference entry at a random offset.
func pdfBadXref(r *rand.Rand) []byte {
	b := textPDF(r)
	i := bytes.Index(b, []byte("xref\n"))
	lines := strings.Split(string(b[i:]), "\n")
	for j := range lines {
		if strings.HasSuffix(lines[j], " n ") {
			lines[j] = fmt.Sprintf("%010d 00000 n ", r.IntN(len(b)*2))
		}
	}
	return append(b[:i:i], strings.Join(lines, "\n")...)
}

// pdfRandomBody is a PDF header followed by noise.
func pdfRandomBody(r *rand.Rand) []byte {
	return append([]byte("%PDF-1.7\n"), randomBytes(r, 1+r.IntN(64<<10))...)
}
