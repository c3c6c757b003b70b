package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/loa"
)

const goodRequest = `{
  "carrier_name": "AT&T",
  "customer": {"first_name": "Zoë", "last_name": "O'Brien", "business_name": "Acme Plumbing & Heating LLC",
               "account_number": "287654321098", "account_pin": "1234"},
  "billing_address": {"street": "1234 North Main Street", "street2": "Suite 200", "city": "Baltimore", "state": "MD", "zip": "21201"},
  "numbers": [{"number": "+14105550142", "receiving_number": "+14105550199", "tracking_source": "Google Ads"}],
  "signer": {"full_name": "Zoë O'Brien", "email": "zoe@example.com"},
  "agreements": {"authorize_port": true, "terms": true},
  "a_future_field": 1
}`

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestLOACommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", goodRequest)
	out := filepath.Join(dir, "LOA.pdf")
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string // "" = success
	}{
		{"renders", []string{"loa", "--request", good, "--out", out, "--date", "2026-11-30"}, ""},
		{"invalid JSON names the line", []string{"loa", "--request", write("bad.json", "{\n  \"carrier_name\": \"x\",\n  oops\n}"), "--out", out}, "bad.json: invalid JSON at line 3"},
		{"wrong type names the field", []string{"loa", "--request", write("type.json", `{"numbers": "+14105550142"}`), "--out", out}, `field "numbers"`},
		{"empty request says what is missing", []string{"loa", "--request", write("empty.json", `{}`), "--out", out}, "numbers: list at least one number"},
		{"missing request file", []string{"loa", "--request", filepath.Join(dir, "nope.json"), "--out", out}, "nope.json: cannot read"},
		{"missing --out", []string{"loa", "--request", good}, "usage: portdocs loa"},
		{"bad date", []string{"loa", "--request", good, "--out", out, "--date", "30/11/2026"}, "use YYYY-MM-DD"},
		{"output directory missing", []string{"loa", "--request", good, "--out", filepath.Join(dir, "no", "LOA.pdf")}, "cannot write"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(t, tc.args...)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v; want it to contain %q", err, tc.wantErr)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
	first, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(first, []byte("%PDF-")) {
		t.Fatalf("no PDF written: %v", err)
	}
	if _, _, err := runCmd(t, "loa", "--request", good, "--out", out, "--date", "2026-11-30"); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(out)
	if !bytes.Equal(first, second) {
		t.Error("the same request and --date gave different bytes")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".LOA.pdf.*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

// TestLOACommandRendersFixtures renders every fixture request there is and reads
// the LOA back: the people, the account and every number are on it, the PIN is not.
func TestLOACommandRendersFixtures(t *testing.T) {
	reqs, _ := filepath.Glob(filepath.Join("..", "..", "fixtures", "bills", "*", "request.json"))
	if len(reqs) == 0 {
		t.Skip("no fixtures/bills/*/request.json yet")
	}
	pdftotext := testenv.LookTool(t, "pdftotext")
	for _, r := range reqs {
		t.Run(filepath.Base(filepath.Dir(r)), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "LOA.pdf")
			if _, _, err := runCmd(t, "loa", "--request", r, "--out", out); err != nil {
				t.Fatal(err)
			}
			req, err := readRequest(r)
			if err != nil {
				t.Fatal(err)
			}
			b, err := exec.Command(pdftotext, "-enc", "UTF-8", out, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			text := strings.Join(strings.Fields(string(b)), " ")
			want := []string{req.CarrierName, req.Customer.AccountNumber, req.Signer.FullName, req.Signer.Email,
				req.Customer.FirstName + " " + req.Customer.LastName, req.Customer.BusinessName, req.BillingAddress.City}
			for _, n := range req.Numbers {
				want = append(want, n.Number, n.ReceivingNumber)
			}
			for _, w := range want {
				if w = strings.Join(strings.Fields(w), " "); w != "" && !strings.Contains(text, w) {
					t.Errorf("LOA lacks %q", w)
				}
			}
			if pin := req.Customer.AccountPIN; len(pin) >= 4 && strings.Contains(text, pin) {
				t.Error("the account PIN is printed on the LOA")
			}
		})
	}
}

func TestVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	pdf, err := os.ReadFile(filepath.Join("..", "..", "loa", "testdata", "request.json"))
	if err != nil {
		t.Fatal(err)
	}
	reqPath := filepath.Join(dir, "req.json")
	if err := os.WriteFile(reqPath, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	unsigned := filepath.Join(dir, "LOA.pdf")
	if _, _, err := runCmd(t, "loa", "--request", reqPath, "--out", unsigned, "--date", "2026-11-30"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(unsigned)
	sealer, err := loa.DevSealer(filepath.Join(dir, "seal"))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := sealer.Seal(b, loa.SealInfo{Reason: "test"})
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "sealed.pdf")
	if err := os.WriteFile(good, sealed, 0o600); err != nil {
		t.Fatal(err)
	}
	tampered := append([]byte(nil), sealed...)
	tampered[len(tampered)/3] ^= 0x20
	bad := filepath.Join(dir, "tampered.pdf")
	if err := os.WriteFile(bad, tampered, 0o600); err != nil {
		t.Fatal(err)
	}

	cert := filepath.Join(dir, "seal", "dev-seal.pem")
	if _, _, err := runCmd(t, "verify", good); err == nil || !strings.Contains(err.Error(), "no seal certificate") {
		t.Errorf("verify without a seal certificate: %v; want a clear error", err)
	}
	stdout, _, err := runCmd(t, "verify", "--cert", cert, good)
	if err != nil {
		t.Fatalf("verify sealed: %v", err)
	}
	for _, want := range []string{"seal:            valid", "portdocs development seal", "signing time:", "file sha256:", "sealed sha256:", "not trusted (self-signed",
		"sealed by:       the service's seal", "permissions:     no changes allowed (DocMDP)\n"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("verify output lacks %q:\n%s", want, stdout)
		}
	}
	if _, _, err := runCmd(t, "verify", "--fingerprint", loa.Fingerprint(sealer.Certificate()), good); err != nil {
		t.Errorf("verify --fingerprint: %v", err)
	}
	// Sealed by another key with the same subject name: invalid (issue 17.1; the
	// re-sealed forgeries are in package loa's tests).
	attacker, err := loa.DevSealer(filepath.Join(dir, "attacker"))
	if err != nil {
		t.Fatal(err)
	}
	resealed, err := attacker.Seal(b, loa.SealInfo{Reason: "test"})
	if err != nil {
		t.Fatal(err)
	}
	forged := filepath.Join(dir, "forged.pdf")
	if err := os.WriteFile(forged, resealed, 0o600); err != nil {
		t.Fatal(err)
	}
	if stdout, _, err := runCmd(t, "verify", "--cert", cert, forged); err == nil || !strings.Contains(stdout, "INVALID") {
		t.Errorf("verify re-sealed forgery: err %v, stdout:\n%s", err, stdout)
	}
	stdout, _, err = runCmd(t, "verify", "--cert", cert, bad)
	if err == nil || !strings.Contains(err.Error(), "INVALID") || !strings.Contains(stdout, "INVALID") {
		t.Errorf("verify tampered: err %v, stdout:\n%s", err, stdout)
	}
	if _, _, err := runCmd(t, "verify", "--cert", cert, unsigned); err == nil || !strings.Contains(err.Error(), "no digital signature") {
		t.Errorf("verify unsigned: %v", err)
	}
	if _, _, err := runCmd(t, "verify", "--json", "--cert", cert, good); err != nil {
		t.Errorf("verify --json: %v", err)
	}
}
