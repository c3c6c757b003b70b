package extract

import (
	"github.com/portdocs/portdocs/extract/fields"
	"slices"
)

// BillSummary is what a port keeps of each bill it was given, for the check of the
// next: its carrier, account number and numbers (by account when it shows several).
type BillSummary struct {
	Document      string           `json:"document"` // its stored name
	Carrier       string           `json:"carrier,omitempty"`
	AccountNumber string           `json:"account_number,omitempty"`
	Numbers       []string         `json:"numbers"` // E.164
	Accounts      []fields.Account `json:"accounts,omitempty"`
}

// Summary is the extraction's BillSummary, under the name the bill is stored as.
func (x *Extraction) Summary(document string) BillSummary {
	s := BillSummary{Document: document, Numbers: []string{}, Accounts: x.Accounts}
	if f := x.Fields.CarrierName; f != nil {
		s.Carrier = f.Value
	}
	if f := x.Fields.AccountNumber; f != nil {
		s.AccountNumber = f.Value
	}
	for _, p := range x.PhoneNumbers {
		if !slices.Contains(s.Numbers, p.Number) {
			s.Numbers = append(s.Numbers, p.Number)
		}
	}
	return s
}
