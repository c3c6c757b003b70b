package forensic

import (
	"encoding/binary"
	"slices"
	"testing"

	"github.com/portdocs/portdocs/extract"
)

func TestSuspectedRule(t *testing.T) {
	weak := func(k string) Signal { return Signal{Kind: k, Weak: true} }
	for _, c := range []struct {
		name string
		sig  []Signal
		want bool
	}{
		{"none", nil, false},
		{"one weak", []Signal{weak(KindAnnotationUpdate)}, false},
		{"two weak of one kind", []Signal{weak(KindMixedSubsets), weak(KindMixedSubsets)}, false},
		{"two weak kinds", []Signal{weak(KindMixedSubsets), weak(KindModifiedAfter)}, true},
		{"one strong", []Signal{{Kind: KindIncrementalUpdate}}, true},
	} {
		if got := (Report{Signals: c.sig}).Suspected(); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestRevisions(t *testing.T) {
	one := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\nstartxref\n9\n%%EOF\n")
	if n := len(revisions(one)); n != 1 {
		t.Errorf("one revision read as %d", n)
	}
	lin := []byte("%PDF-1.5\n1 0 obj\n<< /Linearized 1 >>\nendobj\ntrailer<<>>\n%%EOF\n2 0 obj\n<<>>\nendobj\n%%EOF\n")
	if n := len(revisions(lin)); n != 1 {
		t.Errorf("a linearized file's two sections read as %d revisions", n)
	}
	if s := revisionSignals(append(one, "trailer\n<<>>\nstartxref\n9\n%%EOF\n"...)); len(s) != 0 {
		t.Errorf("an empty section (a repeated trailer) reported: %+v", s)
	}
	sig := append(append([]byte{}, one...), "5 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite >>\nendobj\n6 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /V 5 0 R >>\nendobj\nxref\ntrailer\n<< /Prev 9 >>\nstartxref\n99\n%%EOF\n"...)
	if s := revisionSignals(sig); len(s) != 1 || s[0].Kind != KindAnnotationUpdate {
		t.Errorf("a signature update: %+v, want one annotation_update", s)
	}
	font := append(append([]byte{}, one...), "7 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n8 0 obj\n<< /Length 3 >>\nstream\nabc\nendstream\nendobj\n%%EOF\n"...)
	if s := revisionSignals(font); len(s) != 1 || s[0].Kind != KindIncrementalUpdate {
		t.Errorf("a font and stream update: %+v, want one incremental_update", s)
	}
}

func TestMetadataSignals(t *testing.T) {
	for _, c := range []struct {
		name string
		info extract.PDFInfo
		want []string
		weak bool
	}{
		{"generator only", extract.PDFInfo{Producer: "Skia/PDF m156", Creator: "Mozilla/5.0 HeadlessChrome", CreationDate: "D:20261130052132+00'00'", ModDate: "D:20261130052132+00'00'"}, nil, false},
		{"editor producer", extract.PDFInfo{Producer: "Adobe Acrobat Pro (64-bit) 24.1", Creator: "Writer"}, []string{KindEditorProducer}, false},
		{"online editor creator", extract.PDFInfo{Producer: "LibreOffice 7.4", Creator: "Sejda PDF Desktop"}, []string{KindEditorProducer}, false},
		{"pdftk rewrite", extract.PDFInfo{Producer: "itext-paulo-155 (itextpdf.sf.net - lowagie.com)", Creator: "wkhtmltopdf 0.12.6"}, []string{KindEditorProducer}, false},
		{"billing system on iText", extract.PDFInfo{Producer: "iText 2.1.7 by 1T3XT", Creator: "JasperReports Library version 6.20"}, []string{KindEditorProducer}, true},
		{"XMP disagrees", extract.PDFInfo{Producer: "LibreOffice 7.4", XMP: []byte(`<pdf:Producer>Nitro Pro</pdf:Producer>`)}, []string{KindMetadataMismatch}, true},
		{"modified days later", extract.PDFInfo{Producer: "FPDF 1.7", CreationDate: "D:20261003120000", ModDate: "D:20261010093000-05'00'"}, []string{KindModifiedAfter}, true},
		{"saved again", extract.PDFInfo{Producer: "FPDF 1.7", ID: [2]string{"aa", "bb"}}, []string{KindModifiedAfter}, true},
	} {
		got := metadataSignals(c.info)
		var k []string
		for _, s := range got {
			k = append(k, s.Kind)
			if s.Weak != c.weak && !weakKinds[s.Kind] {
				t.Errorf("%s: %s weak = %v, want %v", c.name, s.Kind, s.Weak, c.weak)
			}
		}
		if !slices.Equal(k, c.want) {
			t.Errorf("%s: %v, want %v", c.name, k, c.want)
		}
	}
}

func TestPDFDate(t *testing.T) {
	a, ok := pdfDate("D:20261003120000-05'00'")
	b, ok2 := pdfDate("D:20261003170000Z")
	if !ok || !ok2 || !a.Equal(b) {
		t.Errorf("%v %v %v %v", a, ok, b, ok2)
	}
	if _, ok := pdfDate("yesterday"); ok {
		t.Error("a date from nothing")
	}
}

func TestImageSignals(t *testing.T) {
	tiff := func(bo binary.AppendByteOrder, mark, software string) []byte {
		v := append([]byte(software), 0)
		b := []byte(mark)
		b = bo.AppendUint16(b, 42)
		b = bo.AppendUint32(b, 8)
		b = bo.AppendUint16(b, 1)
		b = bo.AppendUint16(b, 0x0131)
		b = bo.AppendUint16(b, 2)
		b = bo.AppendUint32(b, uint32(len(v)))
		b = bo.AppendUint32(b, 26)
		b = bo.AppendUint32(b, 0)
		return append(b, v...)
	}
	jpeg := func(app []byte, marker byte) []byte {
		seg := []byte{0xFF, 0xD8, 0xFF, marker}
		seg = binary.BigEndian.AppendUint16(seg, uint16(len(app)+2))
		return append(append(seg, app...), 0xFF, 0xDA, 0, 2, 0xFF, 0xD9)
	}
	png := func(chunk, body string) []byte {
		b := []byte("\x89PNG\r\n\x1a\n")
		b = binary.BigEndian.AppendUint32(b, uint32(len(body)))
		b = append(b, chunk+body+"crc!"...)
		return b
	}
	for _, c := range []struct {
		name string
		data []byte
		want bool
	}{
		{"jpeg exif photoshop", jpeg(append([]byte("Exif\x00\x00"), tiff(binary.LittleEndian, "II", "Adobe Photoshop 25.1")...), 0xE1), true},
		{"jpeg exif camera", jpeg(append([]byte("Exif\x00\x00"), tiff(binary.BigEndian, "MM", "iOS 18.1")...), 0xE1), false},
		{"jpeg photoshop resources", jpeg([]byte("Photoshop 3.0\x008BIM"), 0xED), true},
		{"tiff gimp", tiff(binary.LittleEndian, "II", "GIMP 2.10"), true},
		{"tiff scanner", tiff(binary.LittleEndian, "II", "Fictional ScanStation 3000"), false},
		{"png text", png("tEXt", "Software\x00paint.net 5.0"), true},
		{"png itxt", png("iTXt", "Software\x00\x00\x00en\x00\x00Pixelmator Pro"), true},
		{"png xmp history", png("iTXt", `XML:com.adobe.xmp<x:xmpmeta><stEvt:softwareAgent>Adobe Photoshop Lightroom</stEvt:softwareAgent></x:xmpmeta>`), true},
		{"png plain", png("tEXt", "Comment\x00scanned"), false},
	} {
		if got := len(imageSignals(c.data)) > 0; got != c.want {
			t.Errorf("%s: signal = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestLoneFont(t *testing.T) {
	w := func(text, font string) extract.Word { return extract.Word{Text: text, Font: font} }
	page := []extract.Word{w("Account", "AAAAAA+Arial-Bold"), w("Number:", "AAAAAA+Arial-Bold"),
		w("8841", "Helvetica"), w("2290", "Helvetica"), w("JANE", "BBBBBB+Arial"), w("SAMPLE", "BBBBBB+Arial"), w("Balance", "BBBBBB+Arial")}
	if f, ok := loneFont(page, "8841 2290"); !ok || f != "Helvetica" {
		t.Errorf("retyped account number: %q %v", f, ok)
	}
	if _, ok := loneFont(page, "JANE SAMPLE"); ok {
		t.Error("a name in the page's own font reported")
	}
	page = append(page, w("Total", "CCCCCC+Helvetica"))
	if _, ok := loneFont(page, "8841 2290"); ok {
		t.Error("a font other words use (another subset of it) reported")
	}
	if _, ok := loneFont(page, "NOT THERE"); ok {
		t.Error("a value not on the page reported")
	}
}

func TestNearSubstring(t *testing.T) {
	hay := squeeze("ATTN TRENT W OSGOOD 4502 W KENNEDY BLVD")
	for _, c := range []struct {
		needle string
		k      int
		want   bool
	}{
		{"TRENT W OSGOOD", 1, true},
		{"TRENT W 0SGOOD", 1, true}, // one OCR confusion
		{"MARGARET HAYES", 1, false},
		{"", 0, true},
	} {
		if got := nearSubstring(hay, squeeze(c.needle), c.k); got != c.want {
			t.Errorf("%q: %v, want %v", c.needle, got, c.want)
		}
	}
}
