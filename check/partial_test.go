package check

import (
	"slices"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/port"
)

// The numbers a request leaves on the bill are listed, and a partial port that leaves
// the BTN behind is flagged (issue 16.1).
func TestPartialPort(t *testing.T) {
	three := []extract.PhoneNumber{{Number: "+14105550142", Page: 1}, {Number: "(410) 555-0143", Page: 1}, {Number: "410.555.0144", Page: 2}}
	ports := func(ns ...string) []port.Number {
		var out []port.Number
		for _, n := range ns {
			out = append(out, port.Number{Number: n, ReceivingNumber: "+14105550199"})
		}
		return out
	}
	for _, c := range []struct {
		name      string
		numbers   []port.Number
		btn       string
		account   string
		wantLeft  []string
		wantFlags []string
		wantBTN   *BTN
	}{
		{name: "full port", numbers: ports("+14105550142", "+14105550143", "+14105550144"), wantLeft: []string{}},
		{name: "partial, BTN unknown", numbers: ports("+14105550143"),
			wantLeft: []string{"+14105550142", "+14105550144"}, wantFlags: []string{CodeNumbersNotRequested}},
		{name: "partial, leaves the BTN named in the request", numbers: ports("+14105550143"), btn: "410-555-0142",
			wantLeft: []string{"+14105550142", "+14105550144"}, wantFlags: []string{CodeNumbersNotRequested, CodeBTNNotPortedPartial},
			wantBTN: &BTN{Number: "+14105550142", Source: "request"}},
		{name: "partial, takes the BTN", numbers: ports("+14105550142", "+14105550143"), btn: "+14105550142",
			wantLeft: []string{"+14105550144"}, wantFlags: []string{CodeNumbersNotRequested},
			wantBTN: &BTN{Number: "+14105550142", Source: "request", Ported: true}},
		{name: "partial, BTN read from the account number", numbers: ports("+14105550144"), account: "410-555-0143-287",
			wantLeft: []string{"+14105550142", "+14105550143"}, wantFlags: []string{CodeNumbersNotRequested, CodeBTNNotPortedPartial},
			wantBTN: &BTN{Number: "+14105550143", Source: "account_number"}},
		{name: "an account number that is not a number of the bill", numbers: ports("+14105550144"), account: "287 654 3210 987",
			wantLeft: []string{"+14105550142", "+14105550143"}, wantFlags: []string{CodeNumbersNotRequested}},
		{name: "nothing requested is on the bill", numbers: ports("+14105550177"),
			wantLeft: []string{"+14105550142", "+14105550143", "+14105550144"}, wantFlags: []string{CodeTNNotOnBill}},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, bill := baseRequest(), baseBill()
			req.Numbers, req.BTN = c.numbers, c.btn
			bill.PhoneNumbers = three
			if c.account != "" {
				req.Customer.AccountNumber = c.account
				bill.Fields.AccountNumber = sf(c.account)
			}
			got := Run(req, bill, now)
			if !slices.Equal(got.NotRequested, c.wantLeft) {
				t.Errorf("numbers_not_requested %v, want %v", got.NotRequested, c.wantLeft)
			}
			var codes []string
			for _, f := range got.Flags {
				if f.Field == FieldNumbers || strings.HasPrefix(f.Field, "numbers[") {
					codes = append(codes, f.Code)
				}
			}
			if !slices.Equal(codes, c.wantFlags) {
				t.Errorf("flags %v, want %v (%+v)", codes, c.wantFlags, got.Flags)
			}
			if (got.BTN == nil) != (c.wantBTN == nil) || got.BTN != nil && *got.BTN != *c.wantBTN {
				t.Errorf("btn %+v, want %+v", got.BTN, c.wantBTN)
			}
		})
	}
}

func TestRequestBTNIsValidated(t *testing.T) {
	req := baseRequest()
	req.BTN = "555-01"
	found := false
	for _, p := range req.Validate() {
		found = found || p.Field == "btn" && p.Severity == port.SeverityError
	}
	if !found {
		t.Errorf("an invalid btn passed validation: %+v", req.Validate())
	}
}

// A request with numbers of this bill and of another account gets a split plan: one
// port request and LOA per account (issue 16.2, the part the check can see).
func TestSplitPlan(t *testing.T) {
	req, bill := baseRequest(), baseBill()
	req.Numbers = append(req.Numbers, port.Number{Number: "+12125550101", ReceivingNumber: "+14105550199"})
	got := Run(req, bill, now)
	if got.Split == nil || len(got.Split.Groups) != 2 {
		t.Fatalf("split %+v", got.Split)
	}
	this, other := got.Split.Groups[0], got.Split.Groups[1]
	if !this.OnThisBill || !slices.Equal(this.Numbers, []string{"+14105550142", "+14105550143"}) || this.AccountNumber != "287 654 3210 987" || this.Carrier != "AT&T" {
		t.Errorf("this bill's group %+v", this)
	}
	if other.OnThisBill || !slices.Equal(other.Numbers, []string{"+12125550101"}) || !strings.Contains(other.Port, "new port request") {
		t.Errorf("the other group %+v", other)
	}
	if Run(baseRequest(), baseBill(), now).Split != nil {
		t.Error("a request within one bill got a split plan")
	}
}
