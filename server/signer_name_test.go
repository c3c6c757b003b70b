package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/check"
	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/port"
)

// matchingBill is what a reader finds on a bill that agrees with validRequest.
func matchingBill(now time.Time) *extract.Extraction {
	f := func(v string) *extract.Field[string] {
		return &extract.Field[string]{Value: v, Confidence: 0.97, Page: 1, Source: extract.SourceText}
	}
	return &extract.Extraction{Pages: 1, Method: extract.MethodText, Fields: extract.Fields{
		CarrierName: f("AT&T"), AccountNumber: f("2876 5432 1098"), BillingName: f("JANE Q DOE"),
		BusinessName: f("ACME PLUMBING & HEATING LLC"),
		BillingAddress: &extract.Field[port.Address]{Value: port.Address{Street: "1234 N MAIN ST", Street2: "STE 200", City: "BALTIMORE", State: "MD", ZIP: "21201"},
			Confidence: 0.95, Page: 1, Source: extract.SourceText},
		BillDate: f(now.AddDate(0, 0, -10).Format(time.DateOnly)),
	}, PhoneNumbers: []extract.PhoneNumber{{Number: "+14105550142", Page: 1}}}
}

// A bill uploaded through the signer's link approves the port only when the person
// who signed the LOA is the account holder: the victim's bill with a stranger's
// signature goes to a reviewer with SIGNER_NOT_ACCOUNT_HOLDER (issue 17.7).
func TestSignerWhoIsNotTheAccountHolderNeverAutoApproves(t *testing.T) {
	for _, c := range []struct {
		signer       string
		wantStatus   Status
		wantSignFlag bool
	}{
		{"Jane Q Doe", StatusApproved, false},
		{"Mallory K Grant", StatusInReview, true},
	} {
		t.Run(c.signer, func(t *testing.T) {
			e := newTestEnv(t, func(cfg *Config) {
				cfg.Extractor = fakeExtractor{fn: func(context.Context, []byte) (*extract.Extraction, error) { return matchingBill(time.Now()), nil }}
				cfg.Check = func(_ context.Context, req port.Request, ex *extract.Extraction, _ []byte, _ []extract.BillSummary, now time.Time) (json.RawMessage, error) {
					return json.Marshal(check.Run(req, ex, now))
				}
			})
			id := e.createPort(strings.Replace(validRequest, `"full_name": "Jane Q Doe"`, `"full_name": "`+c.signer+`"`, 1))
			token := e.sendLOA(id)
			if rec := e.sign(token, c.signer); rec.Code != http.StatusOK {
				t.Fatalf("sign: %d %s", rec.Code, rec.Body)
			}
			ct, body := multipartFile(t, "bill.pdf", fakeBill("287654321098"))
			if rec := e.do(http.MethodPost, "/sign/"+token+"/bill", "", ct, body); rec.Code != http.StatusCreated {
				t.Fatalf("bill through the link: %d %s", rec.Code, rec.Body)
			}
			v := getPort(t, e, id)
			flagged := strings.Contains(string(v.Check), check.CodeSignerNotAccountHolder)
			if v.Status != c.wantStatus || flagged != c.wantSignFlag {
				t.Errorf("status %s, signer flag %v; want %s, %v\n%s", v.Status, flagged, c.wantStatus, c.wantSignFlag, v.Check)
			}
		})
	}
}
