package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	dirs, _ := filepath.Glob(filepath.Join("..", "..", "fixtures", "bills", "*"))
	if len(dirs) == 0 {
		t.Fatal("no fixture bills in fixtures/bills")
	}
	for _, d := range dirs {
		t.Run(filepath.Base(d), func(t *testing.T) {
			var exp struct {
				Fields struct {
					BillDate string `json:"bill_date"`
				} `json:"fields"`
			}
			b, err := os.ReadFile(filepath.Join(d, "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &exp); err != nil {
				t.Fatal(err)
			}
			billDate, err := time.Parse("2006-01-02", exp.Fields.BillDate)
			if err != nil {
				t.Fatal(err)
			}
			now := billDate.AddDate(0, 0, 10).Format("2006-01-02")
			stdout, stderr, err := runCmd(t, "check", "--request", filepath.Join(d, "request.json"), "--now", now, filepath.Join(d, "bill.pdf"))
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

			// The same request with two account-number digits swapped.
			var req map[string]any
			rb, _ := os.ReadFile(filepath.Join(d, "request.json"))
			if err := json.Unmarshal(rb, &req); err != nil {
				t.Fatal(err)
			}
			cu := req["customer"].(map[string]any)
			acct := []byte(cu["account_number"].(string))
			for i := 0; i+1 < len(acct); i++ {
				if acct[i] != acct[i+1] && acct[i] != ' ' && acct[i+1] != ' ' && acct[i] != '-' && acct[i+1] != '-' {
					acct[i], acct[i+1] = acct[i+1], acct[i]
					break
				}
			}
			cu["account_number"] = string(acct)
			bad, _ := json.Marshal(req)
			badPath := filepath.Join(t.TempDir(), "req.json")
			if err := os.WriteFile(badPath, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			stdout, _, err = runCmd(t, "check", filepath.Join(d, "bill.pdf"), "--request", badPath, "--now", now)
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
