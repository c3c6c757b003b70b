package port

import (
	"strings"
	"testing"
)

func TestSuffixTable(t *testing.T) {
	// Appendix C1 lists about 200 standard suffixes; spot-check the table is whole.
	std := map[string]bool{}
	for _, v := range suffixes {
		std[v] = true
	}
	if len(std) < 195 {
		t.Errorf("%d standard suffixes; Appendix C1 has about 200", len(std))
	}
	for in, want := range map[string]string{
		"Street": "ST", "AVENUE": "AVE", "Av": "AVE", "boulevard": "BLVD", "Crossing": "XING", "Expressway": "EXPY",
		"Terrace": "TER", "Parkways": "PKWY", "Meadows": "MDWS", "Meadow": "MDW", "Heights": "HTS", "Trail": "TRL",
		"Turnpike": "TPKE", "Villiage": "VLG", "Stravenue": "STRA", "Place": "PL", "Circle": "CIR", "Court": "CT",
	} {
		if got, _ := SuffixAbbr(in); got != want {
			t.Errorf("SuffixAbbr(%q) = %q; want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"Suite": "STE", "Apartment": "APT", "Floor": "FL", "Building": "BLDG", "Room": "RM"} {
		if got, _ := UnitAbbr(in); got != want {
			t.Errorf("UnitAbbr(%q) = %q; want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"North": "N", "Southwest": "SW", "south-east": "SE"} {
		if got, _ := DirectionalAbbr(in); got != want {
			t.Errorf("DirectionalAbbr(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestCompareAddressParts(t *testing.T) {
	bill := Address{Street: "1234 N MAIN ST", Street2: "STE 200", City: "BALTIMORE", State: "MD", ZIP: "21201-1234"}
	for _, tc := range []struct {
		name   string
		typed  Address
		status Status
		code   string
		msg    string
	}{
		{"all spelled out", Address{"1234 North Main Street", "Suite 200", "Baltimore", "Maryland", "21201"}, StatusEquivalent, "", ""},
		{"suite number differs", Address{"1234 N Main St", "Suite 20", "Baltimore", "MD", "21201"}, StatusMismatch, CodeBillingAddressMismatch, "the bill says STE 200; you typed Suite 20"},
		{"only the ZIP differs", Address{"1234 N Main St", "Ste 200", "Baltimore", "MD", "21230"}, StatusMismatch, CodeZIPCodeMismatch, "the bill says 21201-1234; you typed 21230"},
		{"two parts differ", Address{"1243 N Main St", "Ste 200", "Towson", "MD", "21201"}, StatusMismatch, CodeBillingAddressMismatch, "city: the bill says BALTIMORE; you typed Towson"},
		{"second line text the bill lacks", Address{"1234 N Main St", "Ste 200 c/o Front Desk", "Baltimore", "MD", "21201"}, StatusMismatch, CodeBillingAddressMismatch, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := CompareAddress(tc.typed, bill)
			if c.Status != tc.status || c.Code != tc.code || !strings.Contains(c.Message, tc.msg) {
				t.Errorf("got %+v; want %s %s containing %q", c, tc.status, tc.code, tc.msg)
			}
		})
	}
}

// A house number the bill spells out is the same number typed in digits; another
// number is not, and "One" naming no house number (a street alone) stays a word.
func TestCompareSpelledHouseNumber(t *testing.T) {
	bill := Address{Street: "One N. Dearborn St.", Street2: "Suite 1200", City: "Chicago", State: "IL", ZIP: "60602-4331"}
	for _, tc := range []struct {
		name   string
		typed  Address
		status Status
		code   string
		msg    string
	}{
		{"digits for the word", Address{"1 N Dearborn St", "Ste 1200", "Chicago", "IL", "60602"}, StatusEquivalent, "", ""},
		{"the word as printed", Address{"One North Dearborn Street", "Suite 1200", "Chicago", "IL", "60602"}, StatusEquivalent, "", ""},
		{"another number", Address{"11 N Dearborn St", "Ste 1200", "Chicago", "IL", "60602"}, StatusMismatch, CodeBillingAddressMismatch, "house number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := CompareAddress(tc.typed, bill)
			if c.Status != tc.status || c.Code != tc.code || !strings.Contains(c.Message, tc.msg) {
				t.Errorf("got %+v; want %s %s containing %q", c, tc.status, tc.code, tc.msg)
			}
		})
	}
}

func TestCompareAccountNumberHints(t *testing.T) {
	for _, tc := range []struct{ typed, bill, hint string }{
		{"287654321089", "2876543210 98", "two digits swapped?"},
		{"A80-553", "A8O-553", "O on the bill vs 0 typed"},
		{"1l23", "1123", "look-alike"},
		{"12345", "123456", "has 6 letters and digits; you typed 5"},
	} {
		c := CompareAccountNumber(tc.typed, tc.bill)
		if c.Status != StatusMismatch || !strings.Contains(c.Message, tc.hint) {
			t.Errorf("CompareAccountNumber(%q, %q) = %+v; want a mismatch hinting %q", tc.typed, tc.bill, c, tc.hint)
		}
	}
}

func TestCompareNamesDirect(t *testing.T) {
	for _, tc := range []struct {
		first, last, bill string
		want              Status
	}{
		{"Jane", "Doe", "JANE DOE", StatusMatch},
		{"Jane", "Doe", "MRS JANE Q DOE", StatusEquivalent},
		{"Jane", "Doe-Smith", "JANE DOE SMITH", StatusEquivalent},
		{"Jane", "Doe", "DOE, JANE", StatusEquivalent},
		{"Jane", "Doe", "DOE JR, JANE", StatusMismatch},
		{"Renée", "Lévesque", "RENEE LEVESQUE", StatusEquivalent},
		{"Jane", "", "JANE DOE", StatusMismatch},
		{"Ana Lucía", "Cárdenas", "ANA LUCÍA CÁRDENAS MD", StatusEquivalent}, // a degree after the name
		{"Jane", "Doe", "Jane Doe, Esq.", StatusEquivalent},
		{"Minh", "Do", "MINH DO", StatusMatch}, // DO is a surname, no degree dropped
		{"Minh", "Tran", "MINH TRAN DO", StatusMismatch},
	} {
		if got := ComparePersonName(tc.first, tc.last, tc.bill).Status; got != tc.want {
			t.Errorf("ComparePersonName(%q, %q, %q) = %s; want %s", tc.first, tc.last, tc.bill, got, tc.want)
		}
	}
}
