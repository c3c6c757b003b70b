package port

import "strings"

// Status is the outcome of comparing one submitted field with the bill (CONTRACT §3).
type Status string

const (
	StatusMatch      Status = "match"       // the same after case and white space
	StatusEquivalent Status = "equivalent"  // the same to a porting carrier (abbreviations, punctuation, ZIP+4...)
	StatusMismatch   Status = "mismatch"    // a carrier would reject it
	StatusNotOnBill  Status = "not_on_bill" // the bill does not show it: cannot be verified
)

// Flag codes of the port-rejection vocabulary (DOMAIN.md) the comparisons produce.
const (
	CodeCarrierMismatch        = "CARRIER_MISMATCH"
	CodeAccountNumberMismatch  = "ACCOUNT_NUMBER_MISMATCH"
	CodeBusinessNameMismatch   = "BUSINESS_NAME_MISMATCH"
	CodeAuthNameMismatch       = "AUTH_NAME_MISMATCH"
	CodeBillingAddressMismatch = "BILLING_ADDRESS_MISMATCH"
	CodeZIPCodeMismatch        = "ZIP_CODE_MISMATCH"
	CodePINMismatch            = "PIN_MISMATCH"
)

// Comparison is the verdict on one field. Code and Message are set for a mismatch;
// Hint adds what probably went wrong ("two digits swapped?", "O or 0?").
type Comparison struct {
	Status  Status `json:"status"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Hint    string `json:"hint,omitempty"`
}

// same returns match when a and b differ only in case and white space, else equivalent.
// Callers use it once they know the two are the same after folding.
func same(a, b string) Comparison {
	if squash(a) == squash(b) {
		return Comparison{Status: StatusMatch}
	}
	return Comparison{Status: StatusEquivalent}
}

func mismatch(code, msg string) Comparison {
	return Comparison{Status: StatusMismatch, Code: code, Message: msg}
}

// hinted is a mismatch whose message ends with what probably went wrong.
func hinted(code, msg, hint string) Comparison {
	return Comparison{Status: StatusMismatch, Code: code, Message: msg + " (" + hint + ")", Hint: hint}
}

// said formats "the bill says X; you typed Y", the sentence every mismatch ends with.
func said(bill, typed string) string {
	bill, typed = strings.TrimSpace(bill), strings.TrimSpace(typed)
	switch {
	case typed == "":
		return "the bill says " + bill + "; you left it out"
	case bill == "":
		return "the bill shows nothing there; you typed " + typed
	}
	return "the bill says " + bill + "; you typed " + typed
}
