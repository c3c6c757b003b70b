package check

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/internal/fixtures"
	"github.com/portdocs/portdocs/port"
)

// extraction builds the Extraction a perfect reader would return for the bill.
func extraction(e fixtures.Expected) *extract.Extraction {
	s := func(v *string) *extract.Field[string] {
		if v == nil {
			return nil
		}
		return &extract.Field[string]{Value: *v, Confidence: 1, Page: 1, Source: extract.SourceText}
	}
	a := func(v *port.Address) *extract.Field[port.Address] {
		if v == nil {
			return nil
		}
		return &extract.Field[port.Address]{Value: *v, Confidence: 1, Page: 1, Source: extract.SourceText}
	}
	x := &extract.Extraction{Pages: 1, Method: extract.MethodText, Fields: extract.Fields{
		CarrierName: s(e.Fields.CarrierName), AccountNumber: s(e.Fields.AccountNumber), AccountPIN: s(e.Fields.AccountPIN),
		BillingName: s(e.Fields.BillingName), BusinessName: s(e.Fields.BusinessName),
		BillingAddress: a(e.Fields.BillingAddress), ServiceAddress: a(e.Fields.ServiceAddress), BillDate: s(e.Fields.BillDate),
	}}
	for _, n := range e.PhoneNumbers {
		x.PhoneNumbers = append(x.PhoneNumbers, extract.PhoneNumber{Number: n, Page: 1})
	}
	return x
}

type fixture struct {
	name string
	bill fixtures.Expected
	req  port.Request
	date time.Time
}

func loadFixtures(t *testing.T) []fixture {
	t.Helper()
	bills, err := fixtures.Bills(filepath.Join("..", "fixtures", "bills"))
	if err != nil {
		t.Fatal(err)
	}
	var out []fixture
	for _, b := range bills {
		f := fixture{name: b.Name, bill: b.Expected, req: b.Request}
		if f.date, err = b.Expected.Date(); err != nil {
			t.Fatalf("%s: %v", b.Dir, err)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		t.Fatal("no fixture bills in fixtures/bills (expected.json + request.json); run go run ./fixtures/gen")
	}
	return out
}

// swapDigits breaks an account number the way people do: two adjacent different
// characters swapped.
func swapDigits(s string) string {
	b := []byte(s)
	for i := 0; i+1 < len(b); i++ {
		if isAlnum(b[i]) && isAlnum(b[i+1]) && b[i] != b[i+1] {
			b[i], b[i+1] = b[i+1], b[i]
			return string(b)
		}
	}
	return s + "9"
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// bumpLastDigit changes the last digit of s (a house number, a ZIP).
func bumpLastDigit(s string) string {
	b := []byte(s)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] >= '0' && b[i] <= '9' {
			b[i] = '0' + (b[i]-'0'+1)%10
			return string(b)
		}
	}
	return s + "1"
}

func TestFixtureBills(t *testing.T) {
	for _, f := range loadFixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			x := extraction(f.bill)
			fresh := f.date.AddDate(0, 0, 10)
			c := Run(f.req, x, fresh)
			if c.Verdict != VerdictPass {
				t.Fatalf("the correct request is flagged: %+v", c.Flags)
			}
			type variant struct {
				name  string
				req   func(r *port.Request)
				now   time.Time
				code  string
				field string
			}
			vs := []variant{
				{"another carrier", func(r *port.Request) {
					r.CarrierName = "Verizon"
					if cr, ok := port.FindCarrier(*f.bill.Fields.CarrierName); ok && cr.Name == "Verizon" {
						r.CarrierName = "T-Mobile"
					}
				}, fresh, port.CodeCarrierMismatch, FieldCarrierName},
				{"account number digits swapped", func(r *port.Request) { r.Customer.AccountNumber = swapDigits(r.Customer.AccountNumber) }, fresh, port.CodeAccountNumberMismatch, FieldAccountNumber},
				{"house number off by one", func(r *port.Request) {
					st := r.BillingAddress.Street
					if i := strings.IndexByte(st, ' '); i > 0 {
						r.BillingAddress.Street = bumpLastDigit(st[:i]) + st[i:]
					}
				}, fresh, port.CodeBillingAddressMismatch, FieldBillingAddress},
				{"ZIP off by one", func(r *port.Request) { r.BillingAddress.ZIP = bumpLastDigit(r.BillingAddress.ZIP[:5]) }, fresh, port.CodeZIPCodeMismatch, FieldBillingAddress},
				{"city of the next town", func(r *port.Request) { r.BillingAddress.City = "Springfield" }, fresh, port.CodeBillingAddressMismatch, FieldBillingAddress},
				{"a number from another account", func(r *port.Request) {
					r.Numbers = append(r.Numbers, port.Number{Number: "+12025550187", ReceivingNumber: "+12025550188"})
				}, fresh, CodeTNNotOnBill, fmt.Sprintf("numbers[%d].number", len(f.req.Numbers))},
				{"bill too old", nil, f.date.AddDate(0, 0, 61), CodeBillTooOld, FieldBillDate},
			}
			if f.bill.Fields.BusinessName != nil {
				vs = append(vs,
					variant{"another business", func(r *port.Request) { r.Customer.BusinessName = "Zenith Widget Works LLC" }, fresh, port.CodeBusinessNameMismatch, FieldBusinessName},
					variant{"business left out", func(r *port.Request) { r.Customer.BusinessName = "" }, fresh, port.CodeBusinessNameMismatch, FieldBusinessName})
			}
			if f.bill.Fields.BillingName != nil {
				vs = append(vs, variant{"another first name", func(r *port.Request) { r.Customer.FirstName = "Xavier" }, fresh, port.CodeAuthNameMismatch, FieldBillingName})
			}
			if f.bill.Fields.BillingAddress != nil && f.bill.Fields.BillingAddress.Street2 != "" {
				vs = append(vs, variant{"unit left out", func(r *port.Request) {
					r.BillingAddress.Street2 = ""
					if _, _, at, _ := findUnitForTest(r.BillingAddress.Street); at > 0 {
						r.BillingAddress.Street = r.BillingAddress.Street[:at]
					}
				}, fresh, port.CodeBillingAddressMismatch, FieldBillingAddress})
			}
			if sa, ba := f.bill.Fields.ServiceAddress, f.bill.Fields.BillingAddress; sa != nil && ba != nil && port.CompareAddress(*sa, *ba).Status == port.StatusMismatch {
				vs = append(vs, variant{"service address typed", func(r *port.Request) { r.BillingAddress = *sa }, fresh, CodeServiceAddressSubmitted, FieldBillingAddress})
			}
			if need, _ := port.PINRequirement(*f.bill.Fields.CarrierName, f.req.CarrierName); need == port.PINNeeded {
				vs = append(vs, variant{"PIN left out", func(r *port.Request) { r.Customer.AccountPIN = "" }, fresh, CodePINRequired, FieldAccountPIN})
			}
			for _, v := range vs {
				req := f.req
				req.Customer = f.req.Customer
				req.Numbers = append([]port.Number(nil), f.req.Numbers...)
				if v.req != nil {
					v.req(&req)
				}
				c := Run(req, x, v.now)
				found := false
				for _, fl := range c.Flags {
					found = found || (fl.Code == v.code && fl.Field == v.field)
				}
				if c.Verdict != VerdictFlagged || !found {
					t.Errorf("%s: verdict %s, flags %+v; want %s on %s", v.name, c.Verdict, c.Flags, v.code, v.field)
				}
			}
		})
	}
}

// findUnitForTest finds where a unit designator starts on a street line ("... STE 300"),
// so the variant can drop a unit typed on the street line.
func findUnitForTest(street string) (string, string, int, int) {
	up := strings.ToUpper(street)
	for _, d := range []string{" SUITE ", " STE ", " APT ", " UNIT ", " FL ", " FLOOR ", " # ", " RM ", " BLDG "} {
		if i := strings.LastIndex(up+" ", d); i > 0 {
			return d, "", i, len(street)
		}
	}
	return "", "", -1, -1
}
