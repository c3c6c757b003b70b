package check

import (
	"strings"
	"time"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/port"
)

// now is the fixed clock of the tests.
var now = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

// baseRequest and baseBill agree in every field: the check passes on them. Each case
// changes one thing on one side.
func baseRequest() port.Request {
	return port.Request{
		CarrierName: "AT&T",
		Customer: port.Customer{FirstName: "Jane", LastName: "Doe", BusinessName: "Acme Plumbing & Heating LLC",
			AccountNumber: "287 654 3210 987", AccountPIN: "1234"},
		BillingAddress: port.Address{Street: "1234 N Main St", Street2: "Ste 200", City: "Baltimore", State: "MD", ZIP: "21201"},
		Numbers: []port.Number{
			{Number: "+14105550142", ReceivingNumber: "+14105550199", TrackingSource: "Google Ads"},
			{Number: "+14105550143", ReceivingNumber: "+14105550199"},
		},
		Signer:     port.Signer{FullName: "Jane Q Doe", Email: "jane@example.com"},
		Agreements: port.Agreements{AuthorizePort: true, Terms: true},
	}
}

func sf(v string) *extract.Field[string] {
	return &extract.Field[string]{Value: v, Confidence: 0.97, Page: 1, BBox: extract.BBox{36, 40, 200, 52}, Source: extract.SourceText}
}

func af(a port.Address) *extract.Field[port.Address] {
	return &extract.Field[port.Address]{Value: a, Confidence: 0.95, Page: 1, BBox: extract.BBox{36, 90, 260, 130}, Source: extract.SourceText}
}

func baseBill() *extract.Extraction {
	return &extract.Extraction{
		Pages:  2,
		Method: extract.MethodText,
		Fields: extract.Fields{
			CarrierName:    sf("AT&T"),
			AccountNumber:  sf("287 654 3210 987"),
			BillingName:    sf("JANE Q DOE"),
			BusinessName:   sf("ACME PLUMBING & HEATING LLC"),
			BillingAddress: af(port.Address{Street: "1234 N MAIN ST", Street2: "STE 200", City: "BALTIMORE", State: "MD", ZIP: "21201-1234"}),
			ServiceAddress: af(port.Address{Street: "500 E PRATT ST", City: "BALTIMORE", State: "MD", ZIP: "21202"}),
			BillDate:       sf(now.AddDate(0, 0, -12).Format("2006-01-02")),
		},
		PhoneNumbers: []extract.PhoneNumber{{Number: "+14105550142", Page: 1}, {Number: "+14105550143", Page: 2}},
	}
}

// truth is what a porting carrier would say: the same account data, or not.
type truth int

const (
	same      truth = iota // the carrier accepts it: must not be flagged for this field
	different              // the carrier rejects it (or nobody can tell): must be flagged
	unsure                 // agrees on the face of it but the bill was read with doubt: must be flagged
)

type tcase struct {
	name  string
	field string
	req   func(r *port.Request)
	bill  func(b *extract.Extraction)
	want  port.Status // the field's status ("" when only flags matter)
	code  string      // the flag expected on the field; "" = no flag at all
	truth truth
	msg   string // a phrase the flag message must contain
}

func street(s, s2 string) func(*port.Request) {
	return func(r *port.Request) { r.BillingAddress.Street, r.BillingAddress.Street2 = s, s2 }
}

func addr(a port.Address) func(*port.Request) { return func(r *port.Request) { r.BillingAddress = a } }

func billAddr(a port.Address) func(*extract.Extraction) {
	return func(b *extract.Extraction) { b.Fields.BillingAddress.Value = a }
}

func biz(s string) func(*port.Request) { return func(r *port.Request) { r.Customer.BusinessName = s } }

func billBiz(s string) func(*extract.Extraction) {
	return func(b *extract.Extraction) { b.Fields.BusinessName = sf(s) }
}

// name sets the authorized person, who signs the LOA themself.
func name(first, last string) func(*port.Request) {
	return func(r *port.Request) {
		r.Customer.FirstName, r.Customer.LastName = first, last
		r.Signer.FullName = strings.TrimSpace(first + " " + last)
	}
}

func billName(s string) func(*extract.Extraction) {
	return func(b *extract.Extraction) { b.Fields.BillingName = sf(s) }
}

func acct(s string) func(*port.Request) {
	return func(r *port.Request) { r.Customer.AccountNumber = s }
}

func billAcct(s string) func(*extract.Extraction) {
	return func(b *extract.Extraction) { b.Fields.AccountNumber = sf(s) }
}

func both(fs ...func(*port.Request)) func(*port.Request) {
	return func(r *port.Request) {
		for _, f := range fs {
			f(r)
		}
	}
}

var (
	billMain   = port.Address{Street: "1234 N MAIN ST", Street2: "STE 200", City: "BALTIMORE", State: "MD", ZIP: "21201-1234"}
	match      = port.StatusMatch
	equivalent = port.StatusEquivalent
	mism       = port.StatusMismatch
	notOnBill  = port.StatusNotOnBill
)

const (
	addrCode = port.CodeBillingAddressMismatch
	zipCode  = port.CodeZIPCodeMismatch
	bizCode  = port.CodeBusinessNameMismatch
	authCode = port.CodeAuthNameMismatch
	acctCode = port.CodeAccountNumberMismatch
)
