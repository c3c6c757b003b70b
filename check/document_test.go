package check

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/forensic"
	"github.com/portdocs/portdocs/internal/fixtures"
)

// Bill adds the document's own signals to the comparison: the genuine bill passes with
// an empty document report, the same bill with the billing name retyped over it is
// flagged ALTERED_DOCUMENT_SUSPECTED with evidence that quotes no field value.
func TestBillFlagsAlteredDocument(t *testing.T) {
	bills, err := fixtures.Bills(filepath.Join("..", "fixtures", "bills"))
	if err != nil {
		t.Fatal(err)
	}
	var src fixtures.Bill
	for _, b := range bills {
		if b.Name == "06-spectrum-business" {
			src = b
		}
	}
	date, err := src.Expected.Date()
	if err != nil {
		t.Fatal(err)
	}
	now := date.AddDate(0, 0, 10)
	exr := extract.New(extract.Options{})
	ctx := context.Background()
	for _, c := range []struct {
		file    string
		altered bool
	}{
		{src.PDF, false},
		{filepath.Join("..", "fixtures", "altered", "incremental-name-libreoffice", "bill.pdf"), true},
	} {
		data, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := exr.Extract(ctx, data)
		if err != nil {
			t.Fatal(err)
		}
		chk := Bill(ctx, src.Request, ex, data, now, forensic.Options{Extractor: exr})
		if chk.Document == nil {
			t.Fatalf("%s: no document report", c.file)
		}
		var flag *Flag
		for i, f := range chk.Flags {
			if f.Code == CodeAlteredDocument {
				flag = &chk.Flags[i]
			}
		}
		switch {
		case !c.altered && (flag != nil || len(chk.Document.Signals) != 0 || chk.Verdict != VerdictPass):
			t.Errorf("genuine bill: verdict %s, flags %+v, signals %+v", chk.Verdict, chk.Flags, chk.Document.Signals)
		case c.altered && (flag == nil || flag.Field != FieldDocument || chk.Verdict != VerdictFlagged):
			t.Errorf("altered bill: verdict %s, flags %+v", chk.Verdict, chk.Flags)
		case c.altered:
			for _, v := range []string{src.Request.Customer.AccountNumber, src.Request.Customer.LastName, ex.Fields.BillingName.Value} {
				if v != "" && strings.Contains(flag.Message, v) {
					t.Errorf("the flag's message quotes a field value: %q", flag.Message)
				}
			}
		}
	}
}
