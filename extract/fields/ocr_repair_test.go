package fields

import (
	"strings"
	"testing"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/layout"

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
		{"HC 61- BOX9", "HC 61 BOX 9"}, // a highway contract box: the speck and the lost space
		{"RR 2 Box 14A", ""},           // already as USPS writes it
		{"RR2 BOX 152", "RR 2 BOX 152"},
		{"2750 E Thompson Bivd.", "2750 E Thompson Blvd."}, // mixed case: its l read as an i, case and stop kept
		{"2750 E Thompson Blvd.", ""},
		{"1234 N MAIN SI.", "1234 N MAIN ST."},
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
	repairAddressOCR(f, "", "billing address")
	if f.Value.Street != "1600 S 72ND ST" || f.Confidence >= 0.9 || len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "1600 5 72ND SI") {
		t.Errorf("OCR field: %+v", f)
	}
	text := &Field[port.Address]{Value: port.Address{Street: "1600 5 72ND SI"}, Confidence: 0.9, Source: doc.SourceText}
	repairAddressOCR(text, "", "billing address")
	if text.Value.Street != "1600 5 72ND SI" || len(text.Warnings) != 0 {
		t.Errorf("a text-layer field was repaired: %+v", text)
	}

	// A state the block finder repaired: the warning names both readings.
	st := &Field[port.Address]{Value: port.Address{Street: "12 MAIN ST", City: "RALEIGH", State: "NC", ZIP: "27612"}, Confidence: 0.9, Source: doc.SourceOCR}
	repairAddressOCR(st, "NG", "billing address")
	if st.Value.State != "NC" || st.Confidence >= 0.9 || len(st.Warnings) != 1 ||
		!strings.Contains(st.Warnings[0], `"NG"`) || !strings.Contains(st.Warnings[0], `"NC"`) {
		t.Errorf("repaired state: %+v", st)
	}

	// A speck read as a stop after the city goes; a city's own stops stay.
	for in, want := range map[string]string{"Beaverton.": "Beaverton", "St. Louis": "St. Louis", "Ft. Myers": "Ft. Myers"} {
		c := &Field[port.Address]{Value: port.Address{Street: "4800 SW Griffith Dr", City: in, State: "OR", ZIP: "97005"}, Confidence: 0.9, Source: doc.SourceOCR}
		if repairAddressOCR(c, "", "service address"); c.Value.City != want {
			t.Errorf("city %q read as %q, want %q", in, c.Value.City, want)
		}
	}
}

func TestRepairUnit(t *testing.T) {
	for _, c := range []struct{ in, street, unit string }{
		{"410 Bloomfield Ave FI 2", "410 Bloomfield Ave", "Fl 2"},
		{"88 Harbor View Rd BIdg 4", "88 Harbor View Rd", "Bldg 4"},
		{"410 Bloomfield Ave Fl 2", "", ""},  // already a designator: splitStreet's job
		{"410 Bloomfield Ave IX 2", "", ""},  // no designator either way
		{"12 Route FI 2", "", ""},            // "Route" is no suffix here
		{"410 Bloomfield Ave FI B", "", ""},  // no unit number
		{"Bloomfield Ave FI 2 West", "", ""}, // no house number
	} {
		street, unit, ok := repairUnit(c.in)
		if ok != (c.street != "") || ok && (street != c.street || unit != c.unit) {
			t.Errorf("repairUnit(%q) = %q, %q, %v; want %q, %q", c.in, street, unit, ok, c.street, c.unit)
		}
	}
	f := &Field[port.Address]{Value: port.Address{Street: "410 Bloomfield Ave FI 2", City: "Montclair", State: "NJ", ZIP: "07042"}, Confidence: 0.8, Source: doc.SourceOCR}
	repairAddressOCR(f, "", "service address")
	if f.Value.Street != "410 Bloomfield Ave" || f.Value.Street2 != "Fl 2" || f.Confidence >= 0.8 || len(f.Warnings) != 1 {
		t.Errorf("OCR field: %+v", f)
	}
	text := &Field[port.Address]{Value: port.Address{Street: "410 Bloomfield Ave FI 2"}, Confidence: 0.9, Source: doc.SourceText}
	repairAddressOCR(text, "", "service address")
	if text.Value.Street2 != "" || len(text.Warnings) != 0 {
		t.Errorf("a text-layer field was repaired: %+v", text)
	}
}

func TestRepairState(t *testing.T) {
	for _, c := range []struct{ st, zip, want string }{
		{"NG", "27612", "NC"},      // G for C
		{"0H", "43215", "OH"},      // a digit for a letter
		{"0H", "27612", ""},        // ... OH is not in area 2
		{"M0", "63101", "MO"},      // O read 0; MD is in area 2
		{"1L", "60601", "IL"},      // 1 for I
		{"5C", "29201", "SC"},      // 5 for S
		{"Hi", "96797", "HI"},      // a capital read in lower case
		{"Hi", "27612", ""},        // ... HI is not in area 2
		{"nG", "27612", "NC"},      // lower case, then a confusion (G for C)
		{"TN", "37203", ""},        // already a state
		{"MG", "27612", ""},        // M for N and G for C: one confusion only
		{"NO", "58102", "ND"},      // ND, NC and MO are one confusion away: the ZIP's area (5) holds only ND
		{"NO", "27612", "NC"},      // ... and in area 2 only NC
		{"NO", "63101", "MO"},      // ... and in area 6 only MO
		{"NO", "10001", ""},        // none of them in area 1
		{"GT", "06510-3102", "CT"}, // ZIP+4
		{"FA", "33602", ""},        // no code one confusion away
		{"NG", "", ""},
	} {
		got, ok := repairState(c.st, c.zip)
		if c.want == "" && (ok || got != c.st) || c.want != "" && (!ok || got != c.want) {
			t.Errorf("repairState(%q, %q) = %q, %v; want %q", c.st, c.zip, got, ok, c.want)
		}
	}
}

// The block finder repairs a city line's state code on an OCR'd page, never on a text
// layer (printed truth), and the address field says so: a capital read for another
// (NG) or a digit read for a capital (0H).
func TestBlockStateRepair(t *testing.T) {
	for _, c := range []struct{ street, city, read, state, zip string }{
		{"5400 GLENWOOD AVE", "RALEIGH", "NG", "NC", "27612"},
		{"88 E BROAD ST", "COLUMBUS", "0H", "OH", "43215"},
		{"94-1068 KA UKA BLVD", "WAIPAHU", "Hi", "HI", "96797"},
	} {
		runs := []placed{{40, 100, 10, "TRIANGLE TUTORING CO"}, {40, 112, 10, c.street}, {40, 124, 10, c.city + ", " + c.read + " " + c.zip}}
		for _, ocr := range []bool{true, false} {
			lay := layout.Build([]doc.Page{placedPage(1, ocr, runs...)})
			f, _, _ := findFields(lay, nil)
			if !ocr {
				if f.BillingAddress != nil {
					t.Errorf("text layer: a block with a state that is no USPS code: %+v", f.BillingAddress)
				}
				continue
			}
			if f.BillingAddress == nil {
				t.Fatalf("OCR %s: no billing address", c.read)
			}
			a := f.BillingAddress
			if a.Value.State != c.state || a.Value.City != c.city || a.Value.ZIP != c.zip || a.Value.Street != c.street || a.Confidence >= 0.9 ||
				len(a.Warnings) != 1 || !strings.Contains(a.Warnings[0], `"`+c.read+`"`) {
				t.Errorf("OCR: billing address %+v", a)
			}
		}
	}
}

func TestJoinSplitZIP(t *testing.T) {
	for in, want := range map[string]string{
		"LINCOLN NE 68506-1 741":  "LINCOLN NE 68506-1741",
		"LINCOLN NE 68506-17 41":  "LINCOLN NE 68506-1741",
		"LINCOLN NE 68506-1 74":   "LINCOLN NE 68506-1 74", // three digits: not a ZIP+4
		"LINCOLN NE 68506-1741":   "LINCOLN NE 68506-1741",
		"LINCOLN NE 68506 1741":   "LINCOLN NE 68506 1741",
		"Suite 12345-1 741 hello": "Suite 12345-1 741 hello",
	} {
		if got := joinSplitZIP(in); got != want {
			t.Errorf("joinSplitZIP(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCoupleName(t *testing.T) {
	for in, want := range map[string]bool{
		"DALE & MARLENE VOSBURG":     true,
		"John and Jane Doe":          true,
		"MR & MRS JOHN DOE":          true,
		"Mr. and Mrs. R. Okafor":     true,
		"ROBERT J & MARY K SMITH":    true,
		"CEDAR & SALT MARINE":        false, // not given names
		"JOHN & SONS":                false,
		"DALE & MARLENE VOSBURG LLC": false,
		"BARBARA & JAMES PLUMBING":   false,
		"SMITH & WESSON":             false,
		"DALE MARLENE VOSBURG":       false,
		"JOHN & MARY":                false, // no surname
	} {
		if got := coupleName(in); got != want {
			t.Errorf("coupleName(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestMendNameOCR(t *testing.T) {
	for in, want := range map[string]string{
		"MARGARET 0O'BRIEN-HAYES": "MARGARET O'BRIEN-HAYES",
		"MARGARET 0'BRIEN":        "MARGARET O'BRIEN",
		"5ARAH LEE":               "SARAH LEE",
		"JOHN SMITH 3RD":          "JOHN SMITH 3RD", // a digit before no letter look-alike
		"JOHN SMITH":              "JOHN SMITH",
		"NOEMI FAIRBANKS-OTERQ":   "NOEMI FAIRBANKS-OTERO",
		"Noemi Oterq":             "Noemi Otero",
		"TARIQ FAROOQ":            "TARIQ FAROOQ", // after a vowel, a name's own Q
		"YOLANDA PIERRE-LOU!IS":   "YOLANDA PIERRE-LOUIS",
		"GRACE PH!LLIPS":          "GRACE PHILLIPS",
		"JOHN SM!TH":              "JOHN SMITH",
		"Grace Ph!llips":          "Grace Ph!llips", // an l or an i: left as read
		"JOHN SMITH!":             "JOHN SMITH!",    // no letter after it
	} {
		if got := mendNameOCR(in); got != want {
			t.Errorf("mendNameOCR(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSortCodeIsNoName(t *testing.T) {
	for in, want := range map[string]bool{"T14 P1": false, "A1 PLUMBING": true, "JANE DOE": true} {
		if got := nameLike(in); got != want {
			t.Errorf("nameLike(%q) = %v, want %v", in, got, want)
		}
	}
}
