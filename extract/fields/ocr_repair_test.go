package fields

import (
	"strings"
	"testing"

	"github.com/portdocs/portdocs/extract/doc"

	"github.com/portdocs/portdocs/port"
)

func TestRepairStreet(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"1600 5 72ND SI", "1600 S 72ND ST"}, // both positions
		{"1234 N MAIN 5T", "1234 N MAIN ST"}, // the suffix
		{"88 $ 3RD AVE", "88 S 3RD AVE"},     // the directional before a numbered street
		{"1600 S 72ND ST", ""},               // already grammatical
		{"45 5 MILE RD", ""},                 // "5 MILE" is a street name: no ordinal after it
		{"742 EVERGREEN TER", ""},            // a suffix already
		{"500 BROADWAY", ""},                 // a name with no suffix stays
		{"PO BOX 4521", ""},                  // no house number
		{"12 HWY 50", ""},                    // a route number is not a suffix misread
		{"1420 N CHARLES ST", ""},
	} {
		got, ok := repairStreet(c.in)
		if c.want == "" && (ok || got != c.in) || c.want != "" && (!ok || got != c.want) {
			t.Errorf("repairStreet(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

// The repair applies to OCR only, says so, and lowers the confidence; the text layer
// is printed truth and is never repaired.
func TestRepairAddressOCR(t *testing.T) {
	f := &Field[port.Address]{Value: port.Address{Street: "1600 5 72ND SI", City: "OMAHA", State: "NE", ZIP: "68124"}, Confidence: 0.9, Source: doc.SourceOCR}
	repairAddressOCR(f, "billing address")
	if f.Value.Street != "1600 S 72ND ST" || f.Confidence >= 0.9 || len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "1600 5 72ND SI") {
		t.Errorf("OCR field: %+v", f)
	}
	text := &Field[port.Address]{Value: port.Address{Street: "1600 5 72ND SI"}, Confidence: 0.9, Source: doc.SourceText}
	repairAddressOCR(text, "billing address")
	if text.Value.Street != "1600 5 72ND SI" || len(text.Warnings) != 0 {
		t.Errorf("a text-layer field was repaired: %+v", text)
	}
}
