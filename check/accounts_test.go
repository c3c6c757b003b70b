package check

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/internal/fixtures"
	"github.com/portdocs/portdocs/port"
)

// readFixture extracts a committed fixture bill with the real reader.
func readFixture(t *testing.T, set, name string) (fixtures.Bill, *extract.Extraction) {
	t.Helper()
	bills, err := fixtures.Bills(filepath.Join("..", "fixtures", set))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bills {
		if b.Name != name {
			continue
		}
		data, err := os.ReadFile(b.PDF)
		if err != nil {
			t.Fatal(err)
		}
		x, err := extract.New(extract.Options{}).Extract(context.Background(), data)
		if err != nil {
			t.Fatal(err)
		}
		return b, x
	}
	t.Fatalf("no fixture %s/%s", set, name)
	return fixtures.Bill{}, nil
}

func codes(c Check) []string {
	var out []string
	for _, f := range c.Flags {
		out = append(out, f.Code)
	}
	return out
}

func billDay(t *testing.T, b fixtures.Bill) time.Time {
	d, err := b.Expected.Date()
	if err != nil {
		t.Fatal(err)
	}
	return d.AddDate(0, 0, 5)
}

// A summary bill of several accounts, with a request porting all its numbers under
// the master account: one group per account, MULTIPLE_ACCOUNTS, nothing "not on the
// bill" (issue 16.2).
func TestSplitByAccountsOnOneBill(t *testing.T) {
	for _, name := range []string{"21-frontier-summary-gofpdf", "22-windstream-accounts-chromium"} {
		t.Run(name, func(t *testing.T) {
			b, x := readFixture(t, "accounts", name)
			c := Run(b.Request, x, billDay(t, b))
			if c.Split == nil || len(c.Split.Groups) != len(b.Expected.Accounts) {
				t.Fatalf("split %+v, want %d groups", c.Split, len(b.Expected.Accounts))
			}
			for i, g := range c.Split.Groups {
				want := b.Expected.Accounts[i]
				if !g.OnThisBill || g.AccountNumber != want.AccountNumber || !slices.Equal(g.Numbers, want.Numbers) || g.Carrier == "" {
					t.Errorf("group %d = %+v, want account %s with %v", i, g, want.AccountNumber, want.Numbers)
				}
			}
			got := codes(c)
			if !slices.Contains(got, CodeMultipleAccounts) || slices.Contains(got, CodeTNNotOnBill) || slices.Contains(got, CodeMultipleCarriers) {
				t.Errorf("flags %v: want MULTIPLE_ACCOUNTS, not TN_NOT_ON_BILL or MULTIPLE_CARRIERS", got)
			}
			if c.RejectionRisk.Level != "high" {
				t.Errorf("risk %+v: an order mixing accounts is rejected for certain", c.RejectionRisk)
			}
			// One account's numbers alone: no split, no flag about accounts.
			one := b.Request
			one.Numbers = nil
			for _, n := range b.Expected.Accounts[0].Numbers {
				one.Numbers = append(one.Numbers, port.Number{Number: n, ReceivingNumber: "+14025550199"})
			}
			if c := Run(one, x, billDay(t, b)); c.Split != nil || slices.Contains(codes(c), CodeMultipleAccounts) {
				t.Errorf("one account's numbers: split %+v, flags %v", c.Split, codes(c))
			}
		})
	}
}

// Two bills uploaded for one port, from two carriers: the numbers of the second bill
// are found there (not TN_NOT_ON_BILL), grouped under its carrier and account, and the
// request is flagged MULTIPLE_CARRIERS and MULTIPLE_ACCOUNTS.
func TestSplitAcrossTwoBills(t *testing.T) {
	a, xa := readFixture(t, "bills", "01-att-business")
	b, xb := readFixture(t, "bills", "04-frontier")
	req := a.Request
	req.Numbers = append(slices.Clone(a.Request.Numbers), b.Request.Numbers...)
	other := Summarize("bill-frontier.pdf", xb)
	day := billDay(t, a)

	alone := Run(req, xa, day)
	if !slices.Contains(codes(alone), CodeTNNotOnBill) {
		t.Fatalf("without the second bill the Frontier number must be TN_NOT_ON_BILL: %v", codes(alone))
	}
	c := RunAmong(req, xa, day, []OtherBill{other})
	got := codes(c)
	if slices.Contains(got, CodeTNNotOnBill) || !slices.Contains(got, CodeMultipleCarriers) || !slices.Contains(got, CodeMultipleAccounts) {
		t.Errorf("flags %v: want MULTIPLE_CARRIERS and MULTIPLE_ACCOUNTS, no TN_NOT_ON_BILL", got)
	}
	if c.Split == nil || len(c.Split.Groups) != 2 {
		t.Fatalf("split %+v", c.Split)
	}
	g := c.Split.Groups[1]
	if g.OnThisBill || g.Bill != "bill-frontier.pdf" || g.AccountNumber != *b.Expected.Fields.AccountNumber ||
		!slices.Equal(g.Numbers, []string{b.Request.Numbers[0].Number}) || carrierKey(g.Carrier) != "Frontier" {
		t.Errorf("the second bill's group %+v", g)
	}
	for _, n := range c.Numbers {
		if n.Number == b.Request.Numbers[0].Number && n.OnOtherBill != "bill-frontier.pdf" {
			t.Errorf("number %+v: want on_other_bill", n)
		}
	}
	// A second bill of the same account (a newer statement) splits nothing.
	same := Summarize("bill-att-older.pdf", xa)
	if c := RunAmong(a.Request, xa, day, []OtherBill{same}); c.Split != nil {
		t.Errorf("a second bill of the same account gave a split: %+v", c.Split)
	}
}
