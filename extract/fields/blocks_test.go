package fields

import (
	"reflect"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/internal/pagetest"
	"github.com/portdocs/portdocs/extract/layout"
	"github.com/portdocs/portdocs/port"
)

// Tests of the layout mechanisms behind issue 14, item 1: a whole customer block
// missed on bills with a running page header and a two-column first page.

// placed is a run of text drawn at a given place: words at half-em glyph widths, one
// em apart where the text has a space (wider than any word space), or gap em apart
// where gap is set.
type placed struct {
	x, y, size float64 // left edge, baseline, font size
	text       string
}

// placedPage draws the runs on a letter page; with ocr, as OCR gives words (no font
// size, confidence below 1, baselines a little uneven).
func placedPage(number int, ocr bool, runs ...placed) doc.Page {
	p := doc.Page{Number: number, Width: 612, Height: 792, Source: doc.SourceText}
	if ocr {
		p.Source = doc.SourceOCR
	}
	for ri, r := range runs {
		cw := r.size / 2
		x := r.x
		for wi, w := range strings.Fields(r.text) {
			n := float64(len([]rune(w)))
			dy := 0.0
			word := doc.Word{Text: w, FontSize: r.size, Confidence: 1}
			if ocr {
				dy = float64((ri*7+wi*3)%5-2) * 0.3
				word.FontSize, word.Confidence = 0, 0.9
			}
			word.BBox = doc.BBox{x, r.y - 0.8*r.size + dy, x + n*cw, r.y + 0.2*r.size + dy}
			p.Words = append(p.Words, word)
			x += n*cw + cw // a half-em word space
		}
	}
	return p
}

func segTexts(lay *layout.Layout, page int) []string {
	var out []string
	for _, l := range lay.Lines[page-1] {
		for _, s := range l.Segs {
			out = append(out, s.Text)
		}
	}
	return out
}

func TestColumnGutters(t *testing.T) {
	// A summary column whose amounts end at x = 200, and a mailing block starting 8 pt
	// (0.8 em) to their right: narrower than segmentGap, wider than any word space.
	summary := []placed{
		{40, 100, 10, "Previous Balance"}, {40, 112, 10, "Payment"}, {40, 124, 10, "Current Charges"},
	}
	amounts := []string{"$93.54", "-$93.54", "$93.55"}
	block := []string{"ACME TOOL LLC", "12 MAIN ST", "AUSTIN TX 78701"}
	var runs []placed
	runs = append(runs, summary...)
	for i, a := range amounts {
		y := 100 + 12*float64(i)
		runs = append(runs, placed{200 - float64(len(a))*5, y, 10, a}, placed{208, y, 10, block[i]})
	}
	for _, ocr := range []bool{false, true} {
		lay := layout.Build([]doc.Page{placedPage(1, ocr, runs...)})
		got := segTexts(lay, 1)
		want := []string{"Previous Balance", "$93.54", "ACME TOOL LLC", "Payment", "-$93.54", "12 MAIN ST",
			"Current Charges", "$93.55", "AUSTIN TX 78701"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ocr=%v: segments %q, want %q", ocr, got, want)
		}
	}

	// The same gap on one line only, with nothing aligned above or below, is a wide word
	// space: the line stays one segment.
	lay := layout.Build([]doc.Page{placedPage(1, false,
		placed{40, 100, 10, "Your next bill"},
		placed{40 + 14*5 + 8, 100, 10, "is issued on Nov 3"},
		placed{40, 112, 10, "Payments received after the due date"},
	)})
	if got := segTexts(lay, 1); len(got) != 2 || got[0] != "Your next bill is issued on Nov 3" {
		t.Errorf("a lone wide space split the line: %q", got)
	}

	// Monospace text: one-space gaps that line up across lines by chance never split a
	// line, even as OCR boxes them (tight around the ink, so a space reads 0.8 em).
	ink := 0.0
	mono := func(y float64, s string) []doc.Word {
		var ws []doc.Word
		for i := 0; i < len(s); {
			if s[i] == ' ' {
				i++
				continue
			}
			j := strings.IndexByte(s[i:], ' ')
			if j < 0 {
				j = len(s) - i
			}
			x := 40 + 6*float64(i)
			ws = append(ws, doc.Word{Text: s[i : i+j], BBox: doc.BBox{x + ink, y - 8, x + 6*float64(j) - ink, y + 2}, FontSize: 10, Confidence: 1})
			i += j
		}
		return ws
	}
	want := []string{"ATTN RENEE PENA", "PENA FAMILY DENTAL PLLC", "4502 W KENNEDY BLVD # 210", "FL 2", "PO BOX 12", "TAMPA FL 33609-2041"}
	for _, ink = range []float64{0, 1} {
		p := doc.Page{Number: 1, Width: 612, Height: 792}
		for i, s := range want {
			p.Words = append(p.Words, mono(100+12*float64(i), s)...)
		}
		if got := segTexts(layout.Build([]doc.Page{p}), 1); !reflect.DeepEqual(got, want) {
			t.Errorf("monospace block split (ink inset %v): %q, want %q", ink, got, want)
		}
	}
}

func TestMarkRunning(t *testing.T) {
	header := func(page int, acct string, dy float64) []placed {
		return []placed{
			{40, 30 + dy, 9, "Brightspeed Business Services"},
			{300, 30 + dy, 9, "Page " + string(rune('0'+page)) + " of 2"},
			{40, 42 + dy, 9, acct},
		}
	}
	for _, tc := range []struct {
		name  string
		p1    []placed
		p2    []placed
		want  []string // running segments of page 1
		pages int
		ocr   bool
	}{
		{"the same header on both pages, page numbers differing",
			append(header(1, "Account Number: 310842776", 0), placed{40, 100, 10, "JANE DOE"}),
			append(header(2, "Account Number: 310842776", 0), placed{40, 100, 10, "Charge Details"}),
			[]string{"Brightspeed Business Services", "Page 1 of 2", "Account Number: 310842776"}, 2, false},
		{"a scan lies a little lower on the glass; OCR misreads a letter",
			header(1, "Account Number: 310842776", 0), header(2, "Accourt Number: 310842776", 12),
			[]string{"Brightspeed Business Services", "Page 1 of 2", "Account Number: 310842776"}, 2, true},
		{"a text layer's header does not drift: the same street two lines higher on page 2 is a location's, not the frame",
			[]placed{{36, 122, 9.5, "1201 W PEACHTREE ST NW"}, {36, 146, 9.5, "ATLANTA GA 30309-3424"}},
			[]placed{{36, 102, 9.5, "1201 W PEACHTREE ST NW"}, {36, 123, 9.5, "ATLANTA GA 30309"}}, nil, 2, false},
		{"on a scan the frame shifts together: a street shifted from the header's place is no running line",
			append(header(1, "Account Number: 310842776", 0), placed{36, 122, 9.5, "1201 W PEACHTREE ST NW"}),
			append(header(2, "Account Number: 310842776", 3), placed{36, 102, 9.5, "1201 W PEACHTREE ST NW"}),
			[]string{"Brightspeed Business Services", "Page 1 of 2", "Account Number: 310842776"}, 2, true},
		{"other words at the same place are not repeated",
			[]placed{{40, 30, 9, "Brightspeed Business Services"}}, []placed{{40, 30, 9, "Charge Details"}}, nil, 2, false},
		{"the same words elsewhere on the page are not a header",
			[]placed{{40, 30, 9, "Brightspeed Business Services"}}, []placed{{40, 400, 9, "Brightspeed Business Services"}}, nil, 2, false},
		{"the middle of the page is never a running line",
			[]placed{{40, 400, 9, "Total Current Charges"}}, []placed{{40, 400, 9, "Total Current Charges"}}, nil, 2, false},
		{"a one-page bill has none", header(1, "Account Number: 310842776", 0), nil, nil, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pages := []doc.Page{placedPage(1, tc.ocr, tc.p1...)}
			if tc.pages == 2 {
				pages = append(pages, placedPage(2, tc.ocr, tc.p2...))
			}
			lay := layout.Build(pages)
			var got []string
			for _, s := range lay.Segs {
				if s.Page == 1 && s.Running {
					got = append(got, s.Text)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("running = %q, want %q", got, tc.want)
			}
		})
	}
}

// blockNames returns the billing block's name lines and label.
func blockNames(lay *layout.Layout) (names []string, label string, ok bool) {
	b, _ := findAddresses(lay, findBlocks(lay, true))
	if b == nil {
		return nil, "", false
	}
	for _, n := range b.names {
		names = append(names, n.Text)
	}
	return names, b.label, true
}

func TestBlockEdges(t *testing.T) {
	block := func(y float64) []placed {
		return []placed{{40, y, 10, "ATTN: JANE Q DOE"}, {40, y + 12, 10, "ACME TOOL LLC"}, {40, y + 24, 10, "12 MAIN ST STE 4"},
			{40, y + 36, 10, "AUSTIN TX 78701-1234"}}
	}
	want := []string{"ATTN: JANE Q DOE", "ACME TOOL LLC"}
	for _, tc := range []struct {
		name  string
		pages [][]placed
	}{
		// The header's carrier line sits right above the block at its left edge and at
		// its pitch: only its repetition on page 2 tells it apart.
		{"running header right above the block", [][]placed{
			append([]placed{{40, 60, 10, "Brightspeed Business Services"}, {300, 60, 10, "Page 1 of 2"}}, block(72)...),
			{{40, 60, 10, "Brightspeed Business Services"}, {300, 60, 10, "Page 2 of 2"}, {40, 100, 10, "Charge Details"}}}},
		{"logo right above the block", [][]placed{append([]placed{{40, 60, 22, "Brightspeed"}}, block(76)...)}},
		// Set solid, at the block's pitch: only its size tells it apart.
		{"brand line in a larger size set solid above the block", [][]placed{append([]placed{{40, 63, 16, "Brightspeed"}}, block(76)...)}},
		{"one-page header set apart from the block by more than its pitch", [][]placed{
			append([]placed{{40, 52, 10, "Brightspeed Business Services"}}, block(72)...)}},
		// The city line ends at x = 140; the summary starts 8 pt (0.8 em) to its right.
		{"a summary column a few points right of the block", [][]placed{append(block(72),
			placed{148, 72, 10, "Previous Balance"}, placed{148, 84, 10, "Payment Received"},
			placed{148, 96, 10, "Current Charges"}, placed{148, 108, 10, "Amount Due"})}},
	} {
		for _, ocr := range []bool{false, true} {
			t.Run(tc.name, func(t *testing.T) {
				var pages []doc.Page
				for i, runs := range tc.pages {
					pages = append(pages, placedPage(i+1, ocr, runs...))
				}
				names, label, ok := blockNames(layout.Build(pages))
				if !ok {
					t.Fatalf("ocr=%v: no billing block", ocr)
				}
				if !reflect.DeepEqual(names, want) || label == "remit" {
					t.Errorf("ocr=%v: names %q label %q, want %q", ocr, names, label, want)
				}
			})
		}
	}

	// A fax's specks stuck to the words of a name line make their OCR boxes, and so
	// their estimated sizes, taller: still a line of the block.
	fax := placedPage(1, true, block(72)...)
	for i := range fax.Words[:3] { // ATTN: JANE Q
		if i != 1 {
			fax.Words[i].BBox[1] -= 7
		}
	}
	if names, _, ok := blockNames(layout.Build([]doc.Page{fax})); !ok || !reflect.DeepEqual(names, want) {
		t.Errorf("specks on a name line: names %q (found %v), want %q", names, ok, want)
	}

	// A bill that prints its mailing block at one place on every page (each page a copy)
	// still has a billing block.
	pages := []doc.Page{placedPage(1, false, block(60)...), placedPage(2, false, block(60)...)}
	if names, _, ok := blockNames(layout.Build(pages)); !ok || !reflect.DeepEqual(names, want) {
		t.Errorf("mailing block repeated on every page: names %q (found %v), want %q", names, ok, want)
	}
}

// A mailing block beside a summary box whose wrapped lines ("Payment 10/21 - Thank
// you") OCR boxes on baselines of their own, between the block's unit line and its
// city line: the box's segments are no lines of the block, and a dash's speck of a
// box opens no line that takes the unit's number ("FL 2") away from its line.
func TestBlockBesideWrappedSummary(t *testing.T) {
	block := []placed{{40, 100, 10, "ACME TOOL LLC"}, {40, 112, 10, "12 MAIN ST"}, {40, 136, 10, "AUSTIN TX 78701"},
		{300, 112, 10, "Previous Balance"}, {300, 136, 10, "Monthly Charges"}}
	want := port.Address{Street: "12 MAIN ST", Street2: "FL 2", City: "AUSTIN", State: "TX", ZIP: "78701"}
	for _, tc := range []struct {
		name string
		runs []placed
		more []doc.Word // drawn as they are, after the runs
	}{
		{"the box's wrapped lines on baselines of their own",
			[]placed{{40, 124, 10, "FL 2"}, {340, 124, 10, "10/21 Thank"}, {300, 127, 10, "Payment"}, {400, 130, 10, "you"}}, nil},
		{"a dash's speck between the unit and its number",
			[]placed{{40, 124, 10, "FL"}, {340, 124, 10, "10/21 Thank"}, {300, 125, 10, "Payment"}, {400, 125.8, 10, "you"}},
			[]doc.Word{{Text: "-", BBox: doc.BBox{390, 121.3, 392, 122.1}, Confidence: 0.9},
				{Text: "2", BBox: doc.BBox{52, 116.9, 57, 127.1}, Confidence: 0.9}}},
	} {
		for _, ocr := range []bool{false, true} {
			t.Run(tc.name, func(t *testing.T) {
				p := placedPage(1, ocr, append(block, tc.runs...)...)
				p.Words = append(p.Words, tc.more...)
				lay := layout.Build([]doc.Page{p})
				b, _ := findAddresses(lay, findBlocks(lay, true))
				if b == nil {
					t.Fatalf("ocr=%v: no billing block in\n%s", ocr, lay.PageString(1))
				}
				if b.addr != want || len(b.names) != 1 || b.names[0].Text != "ACME TOOL LLC" {
					t.Errorf("ocr=%v: address %+v, %d names; want %+v under ACME TOOL LLC\n%s", ocr, b.addr, len(b.names), want, lay.PageString(1))
				}
			})
		}
	}
}

func TestNextBillDateIsNotTheBillDate(t *testing.T) {
	lay := layoutOf(pagetest.Opts{}, "Bill Date: Oct 3, 2026\nYour next bill will be issued on Nov 3, 2026.")
	f := findBillDate(lay)
	if f == nil || f.Value != "2026-10-03" || len(f.Warnings) > 0 {
		t.Errorf("bill date %+v, want 2026-10-03 with no warning", f)
	}
}

// A city line whose ZIP stands apart like a column (a tab, or a small render's wide
// word space) is one city line; a number a column away is not its ZIP.
func TestCityLineZIPApart(t *testing.T) {
	for _, tc := range []struct {
		name string
		zipX float64
		want bool
	}{
		{"close", 130, true},
		{"a column away", 300, false},
	} {
		for _, ocr := range []bool{false, true} {
			p := placedPage(1, ocr, placed{40, 100, 10, "HARBORVIEW PLUMBING LLC"}, placed{40, 112, 10, "1420 N CHARLES ST STE 300"},
				placed{40, 124, 10, "BALTIMORE MD"}, placed{tc.zipX, 124, 10, "21201-3817"})
			lay := layout.Build([]doc.Page{p})
			b, _ := findAddresses(lay, findBlocks(lay, true))
			want := port.Address{Street: "1420 N CHARLES ST", Street2: "STE 300", City: "BALTIMORE", State: "MD", ZIP: "21201-3817"}
			if got := b != nil && b.addr == want; got != tc.want {
				t.Errorf("%s, ocr=%v: block %+v, want found=%v\n%s", tc.name, ocr, b, tc.want, lay.PageString(1))
			}
		}
	}
}
