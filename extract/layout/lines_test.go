package layout

import (
	"strings"
	"testing"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/internal/pagetest"
)

func TestBuildLayoutKeepsColumnsApart(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts pagetest.Opts
	}{
		{"text layer", pagetest.Opts{}},
		{"OCR-like", pagetest.Opts{Conf: 0.9, Jitter: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lay := Build(pagetest.Pages(tc.opts, "JANE Q DOE\tAccount Number: 123 456 7890\n1234 N MAIN ST STE 200\tBill Date: Oct 3, 2026\nBALTIMORE, MD 21201"))
			want := "JANE Q DOE\tAccount Number: 123 456 7890\n1234 N MAIN ST STE 200\tBill Date: Oct 3, 2026\nBALTIMORE, MD 21201\n"
			if got := lay.PageString(1); got != want {
				t.Errorf("layout:\n%s\nwant:\n%s", got, want)
			}
			first := lay.Lines[0][0].Segs[0]
			if r := first.Right(); r == nil || !strings.HasPrefix(r.Text, "Account") {
				t.Errorf("right of %q = %v, want the account column", first.Text, r)
			}
			if b := lay.Below(first, false); b == nil || !strings.HasPrefix(b.Text, "1234") {
				t.Errorf("below %q = %v, want the street line", first.Text, b)
			}
		})
	}
}

// A word whose box a fax's speck or its descender stretched below (or above) its
// line, as OCR boxes it, stays on its line when its top (or bottom) is level with the
// line's; a word half a line lower is still a line of its own.
func TestStretchedWordKeepsItsLine(t *testing.T) {
	base := []doc.Word{ocrWord("LINCOLN", 56, 153.1, 98, 161), ocrWord("NE", 102, 153.4, 114.7, 161), ocrWord("68506-1", 118.6, 153.4, 152.9, 161),
		ocrWord("Previous", 324, 152, 360, 159.8), ocrWord("Balance", 364, 152, 398, 159.8), ocrWord("Payment", 324, 164.2, 358.8, 172.8)}
	for _, tc := range []struct {
		name  string
		word  doc.Word
		lines int
	}{
		{"stretched below", ocrWord("741", 155.3, 153.4, 169.9, 170), 2},
		{"stretched above", ocrWord("741", 155.3, 144.5, 169.9, 161), 2},
		{"half a line lower", ocrWord("741", 155.3, 158, 169.9, 166), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := doc.Page{Number: 1, Width: 612, Height: 792, Source: doc.SourceOCR, Words: append(append([]doc.Word{}, base...), tc.word)}
			lay := Build([]doc.Page{p})
			if n := len(lay.Lines[0]); n != tc.lines {
				t.Errorf("%d lines, want %d:\n%s", n, tc.lines, lay.PageString(1))
			}
		})
	}
}

// A logo's second word, as tall as its first and level with it, top-aligned with a
// heading in small type beside it: it is not the heading's line ("Vexus Fiber" beside
// "Estado de cuenta" on a fax, the boxes as Tesseract gave them).
func TestLogoWordKeepsItsLogo(t *testing.T) {
	p := doc.Page{Number: 1, Width: 646, Height: 834, Source: doc.SourceOCR, Words: []doc.Word{
		ocrWord("Estado", 436.6, 50.9, 472.1, 59.8), ocrWord("de", 475.9, 51.1, 488.2, 59.5), ocrWord("cuenta", 491.8, 51.6, 526.6, 59.5), ocrWord("Statement", 533.8, 48.7, 589, 59.5),
		ocrWord("Vexus", 58.3, 54.2, 132.5, 73.7), ocrWord("Fiber", 141.4, 49.2, 209.3, 73.2),
		ocrWord("Account", 58, 110, 90, 118)}}
	want := "Estado de cuenta Statement\nVexus Fiber\nAccount\n"
	if got := Build([]doc.Page{p}).PageString(1); got != want {
		t.Errorf("layout:\n%s\nwant:\n%s", got, want)
	}
}

// A two-word heading whose first word OCR boxed a point lower than its second, beside
// another column's line, is one line with it: "SERVICE" alone in a band of its own
// lost the service address its heading ("SERVICE ADDRESS") names.
func TestWordBesideItsHeading(t *testing.T) {
	p := doc.Page{Number: 1, Width: 612, Height: 792, Source: doc.SourceOCR, Words: []doc.Word{
		ocrWord("1051", 40, 100, 62, 110), ocrWord("N", 65, 100, 71, 110), ocrWord("MAIN", 74, 100.5, 100, 110.5), ocrWord("ST", 103, 100, 114, 110),
		ocrWord("SERVICE", 250, 106, 296, 114), ocrWord("ADDRESS", 300, 103.5, 350, 111.5),
		ocrWord("PMB", 40, 118, 62, 128), ocrWord("311", 65, 118, 82, 128), ocrWord("418", 250, 118, 268, 128), ocrWord("MERCER", 271, 118, 310, 128), ocrWord("RD", 313, 118, 326, 128)}}
	want := "1051 N MAIN ST\tSERVICE ADDRESS\nPMB 311\t418 MERCER RD\n"
	if got := Build([]doc.Page{p}).PageString(1); got != want {
		t.Errorf("layout:\n%s\nwant:\n%s", got, want)
	}
}

// Two columns whose lines are set half a line apart: a word OCR boxed a point high
// is still its own line's, between its neighbours a word space away (the text layer's
// boxes of bill 65, the second column a point lower and its "IL" two points higher).
func TestWordBetweenItsNeighboursOnAnOffsetLine(t *testing.T) {
	p := doc.Page{Number: 1, Width: 612, Height: 792, Source: doc.SourceOCR, Words: []doc.Word{
		ocrWord("Los", 43.2, 226.3, 56.9, 235.8), ocrWord("Angeles,", 58.8, 226.3, 91.8, 235.8), ocrWord("CA", 94.2, 226.3, 106, 235.8), ocrWord("90074-2199", 107.9, 226.3, 153.3, 235.8),
		ocrWord("Chicago,", 331.2, 232, 368.7, 242.6), ocrWord("IL", 371.3, 230.3, 379.2, 240.9), ocrWord("60602-4331", 381.5, 232, 432.2, 242.6)}}
	want := "Los Angeles, CA 90074-2199\nChicago, IL 60602-4331\n"
	if got := Build([]doc.Page{p}).PageString(1); got != want {
		t.Errorf("layout:\n%s\nwant:\n%s", got, want)
	}
}

// OCR splits a long word at a wide letter gap; the gap, far narrower than the line's
// word spaces, tells it apart from a space.
func TestJoinTight(t *testing.T) {
	w := func(text string, x0, x1 float64) doc.Word {
		return doc.Word{Text: text, BBox: doc.BBox{x0, 60, x1, 71}, Confidence: 0.9}
	}
	for _, tc := range []struct {
		name  string
		words []doc.Word
		want  string
	}{
		{"a split word", []doc.Word{w("MARGUERITE", 56, 120), w("DESROSIERS-ABER", 123.8, 216.5), w("NATHY", 217.9, 250)}, "MARGUERITE DESROSIERS-ABERNATHY"},
		{"even spaces", []doc.Word{w("QUEEN", 56, 90), w("CITY", 93.5, 118), w("LETTERPRESS", 121.2, 190)}, "QUEEN CITY LETTERPRESS"},
		{"two words: nothing to tell by", []doc.Word{w("ABER", 56, 80), w("NATHY", 81.4, 110)}, "ABER NATHY"},
	} {
		p := doc.Page{Number: 1, Width: 612, Height: 792, Source: doc.SourceOCR, Words: tc.words}
		lay := Build([]doc.Page{p})
		s := lay.Segs[0]
		if got := s.JoinTight(0, len(s.Text)); got != tc.want {
			t.Errorf("%s: JoinTight(%q) = %q, want %q", tc.name, s.Text, got, tc.want)
		}
	}
}

// A block of larger type beside a column of smaller type on baselines of its own stays
// one line per baseline: "BERNADETTE A KOWALCZYK" is not split between the column's
// lines.
func TestMixedSizesKeepTheirBaselines(t *testing.T) {
	p := doc.Page{Number: 1, Width: 612, Height: 792, Source: doc.SourceOCR, Words: []doc.Word{
		ocrWord("Go", 332.2, 169.65, 342.6, 176.57), ocrWord("paperless", 345, 170.65, 382.9, 177.57),
		ocrWord("BERNADETTE", 63.7, 171.92, 125.5, 181.14), ocrWord("A", 128.4, 172.92, 134.7, 182.14), ocrWord("KOWALCZYK", 137.6, 171.42, 195.9, 180.64),
		ocrWord("the", 332.2, 179.4, 345, 186.3), ocrWord("code", 348, 179.4, 368, 186.3),
	}}
	lay := Build([]doc.Page{p})
	found := false
	for _, s := range lay.Segs {
		found = found || s.Text == "BERNADETTE A KOWALCZYK"
	}
	if !found {
		t.Errorf("the name is split:\n%s", lay.PageString(1))
	}
}

// ocrWord is a word as OCR gives it: its box, no font size, confidence below 1.
func ocrWord(text string, x0, y0, x1, y1 float64) doc.Word {
	return doc.Word{Text: text, BBox: doc.BBox{x0, y0, x1, y1}, Confidence: 0.9}
}

// A dash OCR boxes a stroke high, a fifth of its letters', is measured in its
// neighbour's size: the word space after it does not split a heading into columns
// ("Sub-account FC-0094417-01 - Atlanta service location", bill 81's scan), while
// a column gap after it still does.
func TestDashKeepsItsLine(t *testing.T) {
	for _, tc := range []struct {
		name    string
		atlanta float64 // where "Atlanta" starts, the dash ending at 194.4
		want    string
	}{
		{"a word space after the dash", 198, "Sub-account FC-0094417-01 - Atlanta service location\n"},
		{"a column gap after the dash", 230, "Sub-account FC-0094417-01 -\tAtlanta service location\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := tc.atlanta
			p := doc.Page{Number: 1, Width: 612, Height: 792, Source: doc.SourceOCR, Words: []doc.Word{
				ocrWord("Sub-account", 55.9, 100.1, 116.2, 107.5), ocrWord("FC-0094417-01", 119.5, 100.1, 188.5, 107.5),
				ocrWord("-", 191.8, 103.9, 194.4, 105.4), ocrWord("Atlanta", x, 100.1, x+33.8, 107.5),
				ocrWord("service", x+37, 100.1, x+70.6, 107.5), ocrWord("location", x+74.4, 100.1, x+111.4, 107.5)}}
			if got := Build([]doc.Page{p}).PageString(1); got != tc.want {
				t.Errorf("layout:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}
