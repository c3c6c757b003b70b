package port

import "fmt"

// Severity says whether a Problem blocks the request.
type Severity string

const (
	SeverityError   Severity = "error"   // the request cannot go out as it is
	SeverityWarning Severity = "warning" // worth a look; does not block
)

// Problem is one thing wrong with a request or a number list, addressed by a field path
// such as "numbers[0].receiving_number" so the wizard can put the message next to it.
type Problem struct {
	Field    string   `json:"field"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Severity Severity `json:"severity"`
	Line     int      `json:"line,omitempty"` // 1-based line of a number list or CSV; 0 otherwise
}

// Problem codes. They are stable: clients switch on them.
const (
	CodeRequired          = "REQUIRED"
	CodeInvalidNumber     = "INVALID_NUMBER"
	CodeReceivingRequired = "RECEIVING_NUMBER_REQUIRED"
	CodeNumberIsReceiving = "NUMBER_IS_RECEIVING_NUMBER"
	CodeReceivingIsSelf   = "RECEIVING_NUMBER_IS_NUMBER"
	CodeDuplicateNumber   = "DUPLICATE_NUMBER"
	CodeTooManyNumbers    = "TOO_MANY_NUMBERS"
	CodeNoNumbers         = "NO_NUMBERS"
	CodeInvalidState      = "INVALID_STATE"
	CodeInvalidZIP        = "INVALID_ZIP"
	CodePINRequired       = "PIN_REQUIRED"
	CodePINMaybeRequired  = "PIN_MAY_BE_REQUIRED"
	CodeAgreementRequired = "AGREEMENT_REQUIRED"
	CodeInvalidEmail      = "INVALID_EMAIL"
	CodeInvalidAccount    = "INVALID_ACCOUNT_NUMBER"
	CodeMissingColumn     = "MISSING_COLUMN"
	CodeInvalidCSV        = "INVALID_CSV"
)

// MaxNumbers is the most numbers one request may carry (bulk ports above this are split).
const MaxNumbers = 10000

func errorf(field, code, format string, args ...any) Problem {
	return Problem{Field: field, Code: code, Message: fmt.Sprintf(format, args...), Severity: SeverityError}
}

func warnf(field, code, format string, args ...any) Problem {
	return Problem{Field: field, Code: code, Message: fmt.Sprintf(format, args...), Severity: SeverityWarning}
}

// HasErrors reports whether any problem is an error (warnings do not block).
func HasErrors(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}
