package check

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/forensic"
	"github.com/portdocs/portdocs/internal/fixtures"
)

// BenchmarkCheck3PageBill compares, in one run, the check of a 3-page text bill as the
// CLI and the service did it before the document inspection (extract, then Run) with
// today's (extract, then Bill: Run and forensic.Inspect). The target is Bill ≤ 2× Run:
//
//	go test ./check -run - -bench Check3Page -benchmem
func BenchmarkCheck3PageBill(b *testing.B) {
	dir := filepath.Join("..", "fixtures", "bills", "03-verizon-wireless")
	data, err := os.ReadFile(filepath.Join(dir, fixtures.BillFile))
	if err != nil {
		b.Fatal(err)
	}
	bills, err := fixtures.Bills(filepath.Join("..", "fixtures", "bills"))
	if err != nil {
		b.Fatal(err)
	}
	var bill fixtures.Bill
	for _, x := range bills {
		if x.Dir == dir {
			bill = x
		}
	}
	if bill.Expected.Pages != 3 {
		b.Fatalf("%s has %d pages, want 3", dir, bill.Expected.Pages)
	}
	now, err := bill.Expected.Date()
	if err != nil {
		b.Fatal(err)
	}
	exr := extract.New(extract.Options{})
	ctx := context.Background()
	b.Run("extract+Run", func(b *testing.B) {
		for b.Loop() {
			ex, err := exr.Extract(ctx, data)
			if err != nil {
				b.Fatal(err)
			}
			Run(bill.Request, ex, now)
		}
	})
	b.Run("extract+Bill", func(b *testing.B) {
		for b.Loop() {
			ex, err := exr.Extract(ctx, data)
			if err != nil {
				b.Fatal(err)
			}
			if c := Bill(ctx, bill.Request, ex, data, now, forensic.Options{Extractor: exr}); c.Document == nil {
				b.Fatal("no document report")
			}
		}
	})
}
