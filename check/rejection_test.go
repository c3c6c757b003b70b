package check

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// notFlags are codes of package port that never become a Check's flag, and why.
var notFlags = map[string]string{
	"MISSING_COLUMN":      "number-list CSV import only",
	"INVALID_CSV":         "number-list CSV import only",
	"AGREEMENT_REQUIRED":  "ReadyForLOA only (sending the LOA)",
	"INVALID_EMAIL":       "ReadyForLOA only (the signer's email)",
	"PIN_MAY_BE_REQUIRED": "a warning; the check flags errors only",
}

// Every code constant that can become a flag maps to a rejection: a new flag without
// one fails here (issue 16.3).
func TestEveryFlagCodeHasARejection(t *testing.T) {
	var codes []string
	for _, file := range []string{"check.go", "../port/compare.go", "../port/problem.go"} {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || len(vs.Names) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Code") || len(vs.Values) != 1 {
				return true
			}
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				v, _ := strconv.Unquote(lit.Value)
				codes = append(codes, v)
			}
			return true
		})
	}
	if len(codes) < 30 {
		t.Fatalf("found only %d codes; is the parse right?", len(codes))
	}
	for _, code := range codes {
		if _, skip := notFlags[code]; skip {
			continue
		}
		for _, field := range []string{FieldAccountNumber, FieldBillingName, FieldNumbers, "numbers[0].number"} {
			rj, ok := rejectionOf(Flag{Code: code, Field: field})
			if !ok || rj.Code == "" || rj.Reason == "" || rj.Likelihood == "" {
				t.Errorf("flag %s on %s maps to no rejection (%+v)", code, field, rj)
			}
		}
	}
}

func TestRejectionRisk(t *testing.T) {
	for _, c := range []struct {
		name  string
		flags []Flag
		level string
		codes []string
	}{
		{"no flags", nil, "none", []string{}},
		{"only weak proof", []Flag{{Code: CodeBillTooOld, Field: FieldBillDate}, {Code: CodeLowConfidence, Field: FieldBillingName}}, "low",
			[]string{CodeBillTooOld, CodeLowConfidence}},
		{"a name mismatch", []Flag{{Code: "AUTH_NAME_MISMATCH", Field: FieldBillingName}, {Code: CodeBillTooOld, Field: FieldBillDate}}, "medium",
			[]string{"AUTH_NAME_MISMATCH"}},
		{"an account number mismatch", []Flag{{Code: "ACCOUNT_NUMBER_MISMATCH", Field: FieldAccountNumber}, {Code: "AUTH_NAME_MISMATCH", Field: FieldBillingName}}, "high",
			[]string{"ACCOUNT_NUMBER_MISMATCH"}},
	} {
		chk := Check{Flags: c.flags}
		chk.finish()
		if chk.RejectionRisk.Level != c.level || !slices.Equal(chk.RejectionRisk.Flags, c.codes) || chk.RejectionRisk.Rule == "" {
			t.Errorf("%s: %+v, want %s %v", c.name, chk.RejectionRisk, c.level, c.codes)
		}
	}
	// A field-dependent flag takes its field's rejection.
	if rj, _ := rejectionOf(Flag{Code: CodeFieldNotOnBill, Field: FieldAccountPIN}); rj.Code != RejectPIN || rj.Likelihood != LikelihoodPossible {
		t.Errorf("FIELD_NOT_ON_BILL on the PIN: %+v", rj)
	}
}

// A real run carries a rejection on every flag and the risk.
func TestRunRatesItsFlags(t *testing.T) {
	req, bill := baseRequest(), baseBill()
	req.Customer.AccountNumber = "287 654 3210 988"
	bill.Fields.BillingName = sf("JOHN SMITH")
	got := Run(req, bill, now)
	for _, f := range got.Flags {
		if f.Rejection == nil {
			t.Errorf("flag %s without a rejection", f.Code)
		}
	}
	if got.RejectionRisk.Level != "high" || !slices.Contains(got.RejectionRisk.Flags, "ACCOUNT_NUMBER_MISMATCH") {
		t.Errorf("risk %+v", got.RejectionRisk)
	}
	if clean := Run(baseRequest(), baseBill(), now); clean.RejectionRisk.Level != "none" {
		t.Errorf("a passing check's risk: %+v", clean.RejectionRisk)
	}
}
