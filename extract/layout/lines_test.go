package layout

import (
	"strings"
	"testing"

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
