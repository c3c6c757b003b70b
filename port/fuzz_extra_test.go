package port

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzRequestJSON: a port request as a client sends it (POST /v1/ports). Whatever the
// JSON, decoding, validating, normalizing and masking never panic; every problem names
// a field and a code; a request that validates without errors normalizes to E.164
// numbers; and the masked copy never carries the PIN.
func FuzzRequestJSON(f *testing.F) {
	f.Add(`{"carrier_name":"AT&T","customer":{"first_name":"Jane","last_name":"Doe","account_number":"287654321098","account_pin":"7531"},
"billing_address":{"street":"1234 North Main Street","city":"Baltimore","state":"MD","zip":"21201"},
"numbers":[{"number":"+14105550142","receiving_number":"+14105550199"}],"signer":{"full_name":"Jane Q Doe","email":"jane@example.com"},
"agreements":{"authorize_port":true,"terms":true}}`)
	f.Add(`{"numbers":[{"number":"(410) 555-0142 ext 9"},{"number":"+1 410 555 0142"}],"billing_address":{"zip":"21201 1234","state":"md"}}`)
	f.Add(`{"customer":{"account_pin":"\u0000\uffff"},"numbers":null,"account_receiving_numbers":["", "+1"]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, in string) {
		var r Request
		if json.Unmarshal([]byte(in), &r) != nil {
			return
		}
		for _, ps := range [][]Problem{r.Validate(), r.ReadyForLOA()} {
			for _, p := range ps {
				if p.Code == "" || p.Message == "" || (p.Severity != SeverityError && p.Severity != SeverityWarning) {
					t.Fatalf("problem without a code, message or severity: %+v", p)
				}
			}
		}
		n, ps := r.Normalized()
		if !HasErrors(ps) {
			for _, num := range n.Numbers {
				if !strings.HasPrefix(num.Number, "+1") {
					t.Fatalf("a request without errors normalized %q to %q", in, num.Number)
				}
			}
		}
		m := r.Masked()
		if pin := r.Customer.AccountPIN; pin != "" && pin != PINMask {
			out, _ := json.Marshal(m)
			if m.Customer.AccountPIN != PINMask || strings.Contains(string(out), `"account_pin":`+mustQuote(pin)) {
				t.Fatalf("masked request still holds the PIN %q", pin)
			}
		}
	})
}

func mustQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// FuzzParseNumberList: the typed list (one number per line, POST /v1/numbers as
// text/plain). Every row holds an E.164 NANP number and every problem names its line.
func FuzzParseNumberList(f *testing.F) {
	f.Add("410-555-0142\n(410) 555-0143\n+1 410 555 0150\n")
	f.Add("\ufeff4105550142, 4105550199\r\n\r\n\x00\n1-800-FLOWERS\n")
	f.Add(strings.Repeat("4", 4096))
	f.Fuzz(func(t *testing.T, in string) {
		l := ParseNumberList(in)
		lines := strings.Count(in, "\n") + 1
		for _, r := range l.Numbers {
			if _, err := NormalizeNumber(r.Number); err != nil || !strings.HasPrefix(r.Number, "+1") {
				t.Fatalf("row %+v holds an invalid number", r)
			}
		}
		for _, p := range l.Problems {
			if p.Code == "" || p.Line < 0 || p.Line > lines {
				t.Fatalf("problem %+v: no code or a line outside 1..%d", p, lines)
			}
		}
	})
}
