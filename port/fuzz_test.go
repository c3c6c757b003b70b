package port

import (
	"strings"
	"testing"
)

// The parsers and comparisons take user text: whatever the bytes, no panic, and every
// row they return holds a valid E.164 number.
func FuzzParseCSV(f *testing.F) {
	f.Add("Tracking Number to Port,Receiving Number\n+14105550142,+14105550199\n")
	f.Add("\ufeffa;b\n\"x;\"\"y\";4105550142\n")
	f.Add("4105550142\t4105550199\n\n\"unterminated")
	f.Fuzz(func(t *testing.T, in string) {
		l, _ := ParseCSV(strings.NewReader(in), nil)
		for _, r := range l.Numbers {
			if _, err := NormalizeNumber(r.Number); err != nil || !strings.HasPrefix(r.Number, "+1") {
				t.Fatalf("row %+v holds an invalid number", r)
			}
		}
		ParseNumberList(in)
	})
}

func FuzzCompare(f *testing.F) {
	f.Add("1234 N Main St", "Ste 200", "1234 N MAIN ST STE 200", "#", "Jane Q", "DOE, JANE")
	f.Add("PO Box 1", "", "P O BOX", "2nd Floor", "", "-")
	f.Fuzz(func(t *testing.T, s1, s2, s3, s4, first, bill string) {
		a, b := Address{Street: s1, Street2: s2}, Address{Street: s3, Street2: s4}
		if c := CompareAddress(a, b); c.Status == "" {
			t.Fatal("no status")
		}
		if CompareAddress(a, a).Status != StatusMatch {
			t.Fatalf("an address differs from itself: %+v", a)
		}
		ComparePersonName(first, s1, bill)
		CompareBusinessName(s1, bill)
		CompareAccountNumber(s1, bill)
		CompareCarrier(s1, bill)
		if c := CompareAccountNumber(s1, s1+"X"); c.Status == StatusMatch || c.Status == StatusEquivalent {
			t.Fatalf("account numbers %q and %q compared %s", s1, s1+"X", c.Status)
		}
	})
}
