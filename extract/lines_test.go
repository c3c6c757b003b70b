package extract

import (
	"strings"
	"testing"
)

func TestBuildLayoutKeepsColumnsApart(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts pageOpts
	}{
		{"text layer", pageOpts{}},
		{"OCR-like", pageOpts{conf: 0.9, jitter: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lay := layoutOf(tc.opts, "JANE Q DOE\tAccount Number: 123 456 7890\n1234 N MAIN ST STE 200\tBill Date: Oct 3, 2026\nBALTIMORE, MD 21201")
			want := "JANE Q DOE\tAccount Number: 123 456 7890\n1234 N MAIN ST STE 200\tBill Date: Oct 3, 2026\nBALTIMORE, MD 21201\n"
			if got := lay.pageString(1); got != want {
				t.Errorf("layout:\n%s\nwant:\n%s", got, want)
			}
			first := lay.lines[0][0].segs[0]
			if r := first.right(); r == nil || !strings.HasPrefix(r.text, "Account") {
				t.Errorf("right of %q = %v, want the account column", first.text, r)
			}
			if b := lay.below(first, false); b == nil || !strings.HasPrefix(b.text, "1234") {
				t.Errorf("below %q = %v, want the street line", first.text, b)
			}
		})
	}
}
