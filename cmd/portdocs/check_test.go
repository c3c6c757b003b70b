package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/fixtures"
	"github.com/portdocs/portdocs/internal/testenv"
)

// checkOutput is the part of a Check the command test reads.
type checkOutput struct {
	Verdict string `json:"verdict"`
	Flags   []struct {
		Code  string `json:"code"`
		Field string `json:"field"`
	} `json:"flags"`
}

// TestCheckCommandOnFixtures runs the whole pipeline (read the PDF, extract, check) on
// every fixture bill: its correct request passes, a broken account number is flagged.
func TestCheckCommandOnFixtures(t *testing.T) {
	bills, err := fixtures.Bills(filepath.Join("..", "..", "fixtures", "bills"))
	if err != nil {
		t.Fatal(err)
	}
	if len(bills) == 0 {
		t.Fatal("no fixture bills in fixtures/bills")
	}
	for _, b := range bills {
		t.Run(b.Name, func(t *testing.T) {
			billDate, err := b.Expected.Date()
			if err != nil {
				t.Fatalf("%s: %v", b.Name, err)
			}
			// Ten days after the bill: recent enough that age raises no flag.
			now := billDate.AddDate(0, 0, 10).Format(time.DateOnly)
			reqPath := filepath.Join(b.Dir, fixtures.RequestFile)
			stdout, stderr, err := runCmd(t, "check", "--request", reqPath, "--now", now, b.PDF)
			if err != nil {
				t.Fatalf("error %v; stderr %s", err, stderr)
			}
			var c checkOutput
			if err := json.Unmarshal([]byte(stdout), &c); err != nil {
				t.Fatalf("output is not a Check: %v\n%s", err, stdout)
			}
			if c.Verdict != "pass" {
				t.Errorf("correct request: verdict %s, flags %+v; want pass", c.Verdict, c.Flags)
			}

			// The same request with two adjacent account-number characters swapped
			// (separators stay put; Customer is a value, so b.Request stays untouched).
			req := b.Request
			acct := []byte(req.Customer.AccountNumber)
			swapped := false
			for i := 0; i+1 < len(acct); i++ {
				if acct[i] != acct[i+1] && !isSeparator(acct[i]) && !isSeparator(acct[i+1]) {
					acct[i], acct[i+1] = acct[i+1], acct[i]
					swapped = true
					break
				}
			}
			if !swapped {
				t.Fatal("the account number has no two different adjacent characters to swap")
			}
			req.Customer.AccountNumber = string(acct)
			bad, err := json.Marshal(req)
			if err != nil {
				t.Fatal(err)
			}
			badPath := filepath.Join(t.TempDir(), "req.json")
			if err := os.WriteFile(badPath, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			// Flags after the file too: check accepts them interspersed.
			stdout, _, err = runCmd(t, "check", b.PDF, "--request", badPath, "--now", now)
			if err != nil {
				t.Fatal(err)
			}
			c = checkOutput{}
			if err := json.Unmarshal([]byte(stdout), &c); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range c.Flags {
				found = found || f.Code == "ACCOUNT_NUMBER_MISMATCH"
			}
			if c.Verdict != "flagged" || !found {
				t.Errorf("swapped account number: verdict %s, flags %+v; want ACCOUNT_NUMBER_MISMATCH", c.Verdict, c.Flags)
			}
		})
	}
}

func isSeparator(c byte) bool { return c == ' ' || c == '-' }

func TestCheckCommandErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", goodRequest)
	bill := write("bill.pdf", "%PDF-1.4\nnot really\n")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no request", []string{"check", bill}, "usage: portdocs check --request REQ.json FILE"},
		{"no file", []string{"check", "--request", good}, "usage"},
		{"broken JSON", []string{"check", "--request", write("broken.json", `{"carrier_name": "AT&T",`), bill}, "invalid JSON at line 1"},
		{"wrong type", []string{"check", "--request", write("type.json", `{"numbers": "+14105550142"}`), bill}, `field "numbers" must be`},
		{"not a request", []string{"check", "--request", write("empty.json", `{}`), bill}, "none of the fields of a port request"},
		{"missing bill", []string{"check", "--request", good, filepath.Join(dir, "nope.pdf")}, "no such file"},
		{"bad date", []string{"check", "--request", good, "--now", "yesterday", bill}, "--now"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(t, tc.args...)
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q; want one line containing %q", msg, tc.want)
			}
		})
	}
}

// A bill whose billing name was retyped over the original (fixtures/altered) is checked
// against the genuine bill's request: the CLI flags the document for a reviewer with the
// evidence and renders the page to compare (the OCR engine starts for it).
func TestCheckCommandFlagsAlteredBill(t *testing.T) {
	testenv.LookTool(t, "tesseract")
	root := filepath.Join("..", "..", "fixtures")
	req := filepath.Join(root, "bills", "06-spectrum-business", fixtures.RequestFile)
	stdout, stderr, err := runCmd(t, "check", "--request", req, "--now", "2026-10-13",
		filepath.Join(root, "altered", "pdftk-name-libreoffice", "bill.pdf"))
	if err != nil {
		t.Fatalf("error %v; stderr %s", err, stderr)
	}
	var c struct {
		checkOutput
		Document struct {
			Signals  []struct{ Kind string } `json:"signals"`
			Rendered []int                   `json:"rendered_pages"`
		} `json:"document"`
	}
	if err := json.Unmarshal([]byte(stdout), &c); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range c.Flags {
		found = found || f.Code == "ALTERED_DOCUMENT_SUSPECTED" && f.Field == "document"
	}
	if c.Verdict != "flagged" || !found || len(c.Document.Signals) == 0 || len(c.Document.Rendered) == 0 {
		t.Errorf("verdict %s, flags %+v, document %+v; want ALTERED_DOCUMENT_SUSPECTED with signals and a rendered page", c.Verdict, c.Flags, c.Document)
	}
}

// TestCheckCommandOtherBills: a request porting the numbers of two carriers' bills is
// checked against the first with --other-bill naming the second: the second's number
// is found there, and the Check says to split by carrier and account.
func TestCheckCommandOtherBills(t *testing.T) {
	bills, err := fixtures.Bills(filepath.Join("..", "..", "fixtures", "bills"))
	if err != nil {
		t.Fatal(err)
	}
	var a, b fixtures.Bill
	for _, x := range bills {
		switch x.Name {
		case "01-att-business":
			a = x
		case "04-frontier":
			b = x
		}
	}
	req := a.Request
	req.Numbers = append(req.Numbers, b.Request.Numbers...)
	data, _ := json.Marshal(req)
	reqPath := filepath.Join(t.TempDir(), "request.json")
	if err := os.WriteFile(reqPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	d, _ := a.Expected.Date()
	stdout, stderr, err := runCmd(t, "check", "--request", reqPath, "--now", d.AddDate(0, 0, 10).Format(time.DateOnly), "--other-bill", b.PDF, a.PDF)
	if err != nil {
		t.Fatalf("error %v; stderr %s", err, stderr)
	}
	var c struct {
		checkOutput
		Split struct {
			Groups []struct {
				Numbers []string
				Bill    string
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &c); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range c.Flags {
		got = append(got, f.Code)
	}
	if strings.Contains(strings.Join(got, " "), "TN_NOT_ON_BILL") || !strings.Contains(strings.Join(got, " "), "MULTIPLE_CARRIERS") {
		t.Errorf("flags %v: want MULTIPLE_CARRIERS and no TN_NOT_ON_BILL", got)
	}
	if len(c.Split.Groups) != 2 || c.Split.Groups[1].Bill != filepath.Base(b.PDF) {
		t.Errorf("split %+v", c.Split)
	}
}
