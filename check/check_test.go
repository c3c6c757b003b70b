package check

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/port"
)

func runCase(tc tcase) Check {
	req, bill := baseRequest(), baseBill()
	if tc.req != nil {
		tc.req(&req)
	}
	if tc.bill != nil {
		tc.bill(bill)
	}
	return Run(req, bill, now)
}

func TestBaseCasePasses(t *testing.T) {
	c := Run(baseRequest(), baseBill(), now)
	if c.Verdict != VerdictPass {
		t.Fatalf("verdict = %s, flags %+v; want pass", c.Verdict, c.Flags)
	}
	for _, f := range []string{FieldCarrierName, FieldAccountNumber, FieldBusinessName, FieldBillingName, FieldBillingAddress} {
		if s := c.Fields[f].Status; s != port.StatusMatch && s != port.StatusEquivalent {
			t.Errorf("fields[%s].status = %q; want match or equivalent", f, s)
		}
	}
}

func TestCases(t *testing.T) {
	if len(cases) < 80 {
		t.Fatalf("only %d cases; the specification asks for at least 80", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := runCase(tc)
			if tc.want != "" {
				f, ok := c.Fields[tc.field]
				if !ok {
					t.Fatalf("no fields[%s] in %+v", tc.field, c.Fields)
				}
				if f.Status != tc.want {
					t.Errorf("fields[%s].status = %q (%s); want %q", tc.field, f.Status, f.Message, tc.want)
				}
			}
			if tc.code == "" {
				if c.Verdict != VerdictPass || len(c.Flags) != 0 {
					t.Errorf("verdict %s with flags %+v; want pass and no flags", c.Verdict, c.Flags)
				}
				return
			}
			if c.Verdict != VerdictFlagged {
				t.Errorf("verdict = %s; want flagged", c.Verdict)
			}
			var got *Flag
			for i, f := range c.Flags {
				if f.Code == tc.code && f.Field == tc.field {
					got = &c.Flags[i]
				}
			}
			if got == nil {
				t.Fatalf("no flag %s on %s; flags %+v", tc.code, tc.field, c.Flags)
			}
			if !strings.Contains(got.Message, tc.msg) {
				t.Errorf("flag message %q does not contain %q", got.Message, tc.msg)
			}
		})
	}
}

// TestZeroFalsePasses is the service's first promise: whatever differs, or cannot be
// trusted, is never reported as match/equivalent-and-pass.
func TestZeroFalsePasses(t *testing.T) {
	var falsePasses []string
	for _, tc := range cases {
		if tc.truth == same {
			continue
		}
		c := runCase(tc)
		if c.Verdict == VerdictPass {
			falsePasses = append(falsePasses, tc.name+": verdict pass")
		}
		if tc.truth == different {
			if f, ok := c.Fields[tc.field]; ok && (f.Status == port.StatusMatch || f.Status == port.StatusEquivalent) {
				falsePasses = append(falsePasses, tc.name+": status "+string(f.Status))
			}
		}
	}
	if len(falsePasses) > 0 {
		t.Errorf("%d false passes:\n%s", len(falsePasses), strings.Join(falsePasses, "\n"))
	}
}

func TestPINIsMasked(t *testing.T) {
	bill := baseBill()
	bill.Fields.AccountPIN = sf("9876")
	req := baseRequest()
	req.Customer.AccountPIN = "9876"
	c := Run(req, bill, now)
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "9876") {
		t.Errorf("the PIN appears in the Check: %s", out)
	}
	if f := c.Fields[FieldAccountPIN]; f.Submitted != port.PINMask || f.OnBill != port.PINMask {
		t.Errorf("account_pin = %+v; want both sides %q", f, port.PINMask)
	}
}

func TestNilExtractionFlagsEverything(t *testing.T) {
	c := Run(baseRequest(), nil, now)
	if c.Verdict != VerdictFlagged {
		t.Fatalf("verdict = %s; want flagged", c.Verdict)
	}
	want := map[string]bool{FieldCarrierName: true, FieldAccountNumber: true, FieldBusinessName: true, FieldBillingAddress: true, "numbers[0].number": true, FieldBillDate: true}
	for _, f := range c.Flags {
		delete(want, f.Field)
	}
	if len(want) > 0 {
		t.Errorf("no flag for %v; flags %+v", want, c.Flags)
	}
}

func TestCheckJSONShape(t *testing.T) {
	req := baseRequest()
	req.Customer.AccountNumber = "2876543210978"
	out, err := json.Marshal(Run(req, baseBill(), now))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"verdict", "fields", "numbers", "flags"} {
		if _, ok := m[k]; !ok {
			t.Errorf("Check JSON has no %q: %s", k, out)
		}
	}
	fields := m["fields"].(map[string]any)
	acct := fields["account_number"].(map[string]any)
	if acct["status"] != "mismatch" || acct["code"] != "ACCOUNT_NUMBER_MISMATCH" || acct["on_bill"] != "287 654 3210 987" {
		t.Errorf("account_number = %v", acct)
	}
	nums := m["numbers"].([]any)
	if n := nums[0].(map[string]any); n["number"] != "+14105550142" || n["on_bill"] != true {
		t.Errorf("numbers[0] = %v", n)
	}
}
