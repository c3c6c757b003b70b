package fields

import (
	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/port"
)

// Field is one value read from a bill together with the evidence for it.
// Value is the text exactly as printed (bill_date is ISO 8601).
type Field[T any] struct {
	Value      T          `json:"value"`
	Confidence float64    `json:"confidence"`
	Page       int        `json:"page"`
	BBox       doc.BBox   `json:"bbox"`
	Source     doc.Source `json:"source"`
	Warnings   []string   `json:"warnings,omitempty"`
}

// Fields are the prefill fields of CONTRACT §2. A field the bill does not show is nil.
type Fields struct {
	CarrierName    *Field[string]       `json:"carrier_name,omitempty"`
	AccountNumber  *Field[string]       `json:"account_number,omitempty"`
	AccountPIN     *Field[string]       `json:"account_pin,omitempty"`
	BillingName    *Field[string]       `json:"billing_name,omitempty"`
	BusinessName   *Field[string]       `json:"business_name,omitempty"`
	BillingAddress *Field[port.Address] `json:"billing_address,omitempty"`
	ServiceAddress *Field[port.Address] `json:"service_address,omitempty"`
	BillDate       *Field[string]       `json:"bill_date,omitempty"`
}

// PhoneNumber is one of the customer's own lines found on the bill, in E.164.
type PhoneNumber struct {
	Number     string     `json:"number"`
	Page       int        `json:"page"`
	BBox       doc.BBox   `json:"bbox"`
	Confidence float64    `json:"confidence,omitempty"`
	Source     doc.Source `json:"source,omitempty"`
}
