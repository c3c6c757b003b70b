package port

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestNormalizeNumber(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"+14105550142", "+14105550142", true},
		{"410-555-0142", "+14105550142", true},
		{"(410) 555-0142", "+14105550142", true},
		{"410.555.0142", "+14105550142", true},
		{"1 410 555 0142", "+14105550142", true},
		{"14105550142", "+14105550142", true},
		{"  +1 (410) 555-0199 ", "+14105550199", true},
		{"1-800-555-0100", "+18005550100", true},
		{"555-0142", "", false},      // no area code
		{"410555014", "", false},     // nine digits
		{"+442071838750", "", false}, // not NANP
		{"call me", "", false},
		{"", "", false},
	} {
		got, err := NormalizeNumber(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("NormalizeNumber(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestStateCodeAndZIP(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"MD", "MD"}, {"md", "MD"}, {"Maryland", "MD"}, {"new york", "NY"}, {"D.C.", "DC"},
		{"District of Columbia", "DC"}, {"Puerto Rico", "PR"}, {"Guam", "GU"}, {"vi", "VI"},
		{"Marylnd", ""}, {"XX", ""}, {"", ""},
	} {
		got, _ := StateCode(tc.in)
		if got != tc.want {
			t.Errorf("StateCode(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
	if n := len(stateNames); n < 51+5 {
		t.Errorf("only %d states and territories", n)
	}
	for _, tc := range []struct{ in, want string }{
		{"21201", "21201"}, {"21201-1234", "21201-1234"}, {"21201 1234", "21201-1234"}, {"212011234", "21201-1234"},
		{"2120", ""}, {"21201-12", ""}, {"ABCDE", ""},
	} {
		got, _ := NormalizeZIP(tc.in)
		if got != tc.want {
			t.Errorf("NormalizeZIP(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func validRequest() Request {
	return Request{
		CarrierName: "AT&T",
		Customer: Customer{FirstName: "Jane", LastName: "Doe", BusinessName: "Acme Plumbing & Heating LLC",
			AccountNumber: "287654321098", AccountPIN: "1234"},
		BillingAddress: Address{Street: "1234 North Main Street", Street2: "Suite 200", City: "Baltimore", State: "MD", ZIP: "21201"},
		Numbers:        []Number{{Number: "+14105550142", ReceivingNumber: "+14105550199", TrackingSource: "Google Ads"}},
		Signer:         Signer{FullName: "Jane Q Doe", Email: "jane@example.com"},
		Agreements:     Agreements{AuthorizePort: true, Terms: true},
	}
}

func TestValidate(t *testing.T) {
	many := make([]Number, MaxNumbers+1)
	for i := range many {
		many[i] = Number{Number: fmt.Sprintf("+1410555%04d", i%10000), ReceivingNumber: "+14105550199"}
	}
	for _, tc := range []struct {
		name     string
		change   func(r *Request)
		field    string
		code     string
		severity Severity
	}{
		{"valid request", func(r *Request) {}, "", "", ""},
		{"number typed with dashes", func(r *Request) { r.Numbers[0].Number = "410-555-0142" }, "", "", ""},
		{"carrier missing", func(r *Request) { r.CarrierName = " " }, "carrier_name", CodeRequired, SeverityError},
		{"first name missing", func(r *Request) { r.Customer.FirstName = "" }, "customer.first_name", CodeRequired, SeverityError},
		{"last name missing", func(r *Request) { r.Customer.LastName = "" }, "customer.last_name", CodeRequired, SeverityError},
		{"account number missing", func(r *Request) { r.Customer.AccountNumber = "" }, "customer.account_number", CodeRequired, SeverityError},
		{"account number too short", func(r *Request) { r.Customer.AccountNumber = "12" }, "customer.account_number", CodeInvalidAccount, SeverityError},
		{"street missing", func(r *Request) { r.BillingAddress.Street = "" }, "billing_address.street", CodeRequired, SeverityError},
		{"city missing", func(r *Request) { r.BillingAddress.City = "" }, "billing_address.city", CodeRequired, SeverityError},
		{"bad state", func(r *Request) { r.BillingAddress.State = "Marylnd" }, "billing_address.state", CodeInvalidState, SeverityError},
		{"bad ZIP", func(r *Request) { r.BillingAddress.ZIP = "2120" }, "billing_address.zip", CodeInvalidZIP, SeverityError},
		{"no numbers", func(r *Request) { r.Numbers = nil }, "numbers", CodeNoNumbers, SeverityError},
		{"invalid number", func(r *Request) { r.Numbers[0].Number = "555-0142" }, "numbers[0].number", CodeInvalidNumber, SeverityError},
		{"receiving number missing", func(r *Request) { r.Numbers[0].ReceivingNumber = "" }, "numbers[0].receiving_number", CodeReceivingRequired, SeverityError},
		{"receiving number invalid", func(r *Request) { r.Numbers[0].ReceivingNumber = "+1 410 555" }, "numbers[0].receiving_number", CodeInvalidNumber, SeverityError},
		{"receiving number is the number itself", func(r *Request) { r.Numbers[0].ReceivingNumber = "(410) 555-0142" }, "numbers[0].receiving_number", CodeReceivingIsSelf, SeverityError},
		{"number already a receiving number in the account", func(r *Request) { r.AccountReceivingNumbers = []string{"410 555 0142"} }, "numbers[0].number", CodeNumberIsReceiving, SeverityError},
		{"number is another number's receiving number", func(r *Request) {
			r.Numbers = append(r.Numbers, Number{Number: "+14105550143", ReceivingNumber: "+14105550142"})
		}, "numbers[0].number", CodeNumberIsReceiving, SeverityError},
		{"duplicate number", func(r *Request) {
			r.Numbers = append(r.Numbers, Number{Number: "410.555.0142", ReceivingNumber: "+14105550199"})
		}, "numbers[1].number", CodeDuplicateNumber, SeverityError},
		{"too many numbers", func(r *Request) { r.Numbers = many }, "numbers", CodeTooManyNumbers, SeverityError},
		{"mobile carrier without PIN", func(r *Request) { r.CarrierName, r.Customer.AccountPIN = "T-Mobile", "" }, "customer.account_pin", CodePINRequired, SeverityError},
		{"carrier named as wireless without PIN", func(r *Request) { r.CarrierName, r.Customer.AccountPIN = "AT&T Wireless", "" }, "customer.account_pin", CodePINRequired, SeverityError},
		{"mobile-and-landline carrier without PIN", func(r *Request) { r.Customer.AccountPIN = "" }, "customer.account_pin", CodePINMaybeRequired, SeverityWarning},
		{"landline carrier without PIN", func(r *Request) { r.CarrierName, r.Customer.AccountPIN = "Frontier", "" }, "", "", ""},
		{"unknown carrier without PIN", func(r *Request) { r.CarrierName, r.Customer.AccountPIN = "Tiny Telco of Nowhere", "" }, "customer.account_pin", CodePINMaybeRequired, SeverityWarning},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := validRequest()
			tc.change(&r)
			ps := r.Validate()
			if tc.code == "" {
				if len(ps) != 0 {
					t.Fatalf("problems %+v; want none", ps)
				}
				return
			}
			for _, p := range ps {
				if p.Field == tc.field && p.Code == tc.code {
					if p.Severity != tc.severity {
						t.Errorf("severity = %s; want %s", p.Severity, tc.severity)
					}
					if p.Message == "" {
						t.Error("empty message")
					}
					return
				}
			}
			t.Errorf("no %s on %s; got %+v", tc.code, tc.field, ps)
		})
	}
}

func TestReadyForLOA(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(r *Request)
		field  string
	}{
		{"ready", func(r *Request) {}, ""},
		{"port not authorized", func(r *Request) { r.Agreements.AuthorizePort = false }, "agreements.authorize_port"},
		{"terms not accepted", func(r *Request) { r.Agreements.Terms = false }, "agreements.terms"},
		{"no signer name", func(r *Request) { r.Signer.FullName = "" }, "signer.full_name"},
		{"bad signer email", func(r *Request) { r.Signer.Email = "jane at example" }, "signer.email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := validRequest()
			tc.change(&r)
			ps := r.ReadyForLOA()
			if tc.field == "" {
				if HasErrors(ps) {
					t.Fatalf("problems %+v; want none", ps)
				}
				return
			}
			for _, p := range ps {
				if p.Field == tc.field && p.Severity == SeverityError {
					return
				}
			}
			t.Errorf("no error on %s; got %+v", tc.field, ps)
		})
	}
}

func TestNormalized(t *testing.T) {
	r := validRequest()
	r.Numbers[0].Number = "(410) 555-0142"
	r.BillingAddress.State = "maryland"
	r.BillingAddress.ZIP = "21201 1234"
	n, ps := r.Normalized()
	if HasErrors(ps) {
		t.Fatalf("problems %+v", ps)
	}
	if n.Numbers[0].Number != "+14105550142" || n.BillingAddress.State != "MD" || n.BillingAddress.ZIP != "21201-1234" {
		t.Errorf("normalized = %+v", n)
	}
	if r.Numbers[0].Number != "(410) 555-0142" {
		t.Errorf("Normalized changed the original: %q", r.Numbers[0].Number)
	}
}

func TestMasked(t *testing.T) {
	r := validRequest()
	r.Customer.AccountPIN = "8642"
	m := r.Masked()
	out, _ := json.Marshal(m)
	if strings.Contains(string(out), "8642") || m.Customer.AccountPIN != PINMask {
		t.Errorf("masked request shows the PIN: %s", out)
	}
	if r.Customer.AccountPIN != "8642" {
		t.Error("Masked changed the original")
	}
	r.Customer.AccountPIN = ""
	if got := r.Masked().Customer.AccountPIN; got != "" {
		t.Errorf("empty PIN masked to %q; want empty", got)
	}
}

// The fast path must say exactly what libphonenumber says.
func TestFastPathAgreesWithLibrary(t *testing.T) {
	for _, in := range []string{
		"+14105550142", "4105550142", "1 410 555 0142", "(212) 555-0100", "+1 099 555 0100", "+1 911 555 0100",
		"+1 555 555 0100", "+1 649 555 0100", "+1 787 555 0100", "+1 416 555 0100", "+1 800 555 0100",
		"+1 900 555 0100", "+1 410 055 0100", "+1 410 155 0100", "+1 684 555 0100", "+1 671 555 0100",
		"2025550100", "12025550100", "+1 202 555 01000", "+1 20 2555 0100",
	} {
		fast, ferr := NormalizeNumber(in)
		slow, serr := parseNumber(in)
		if fast != slow || (ferr == nil) != (serr == nil) {
			t.Errorf("%q: fast %q, %v; library %q, %v", in, fast, ferr, slow, serr)
		}
	}
}
