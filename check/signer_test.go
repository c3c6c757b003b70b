package check

import (
	"strings"
	"testing"
)

// The LOA's signer must be the account holder: the bill's billing name and the
// request's authorized person (issue 17.7).
func TestSignerIsTheAccountHolder(t *testing.T) {
	for _, c := range []struct {
		name, signer, billName string
		noBillName             bool
		want                   bool // SIGNER_NOT_ACCOUNT_HOLDER expected
		about                  string
	}{
		{name: "the account holder", signer: "Jane Q Doe", billName: "JANE Q DOE"},
		{name: "without the middle initial", signer: "Jane Doe", billName: "JANE Q DOE"},
		{name: "bill prints last name first", signer: "Jane Doe", billName: "DOE, JANE Q"},
		{name: "a stranger", signer: "Mallory K Grant", billName: "JANE Q DOE", want: true, about: "account holder on the bill"},
		{name: "only the first name agrees", signer: "Jane Grant", billName: "JANE Q DOE", want: true},
		{name: "the bill shows no person", signer: "Mallory Grant", noBillName: true, want: true, about: "authorized person of the request"},
		{name: "no signer yet", signer: "", billName: "JANE Q DOE"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, bill := baseRequest(), baseBill()
			req.Signer.FullName = c.signer
			if c.noBillName {
				bill.Fields.BillingName = nil
			} else {
				bill.Fields.BillingName = sf(c.billName)
			}
			got := Run(req, bill, now)
			var flag *Flag
			for i, f := range got.Flags {
				if f.Code == CodeSignerNotAccountHolder {
					flag = &got.Flags[i]
				}
			}
			if (flag != nil) != c.want {
				t.Fatalf("flags %+v; want signer flag %v", got.Flags, c.want)
			}
			if flag != nil && (flag.Field != FieldSigner || !strings.Contains(flag.Message, c.about) || got.Verdict != VerdictFlagged) {
				t.Errorf("flag %+v, verdict %s", *flag, got.Verdict)
			}
		})
	}
}
