package server

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/check"
	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/internal/fixtures"
	"github.com/portdocs/portdocs/port"
)

// realCheckEnv is a service with the real reader and check.
func realCheckEnv(t *testing.T) *testEnv {
	exr := extract.New(extract.Options{})
	return newTestEnv(t, func(c *Config) {
		c.Extractor = exr
		c.Check = func(_ context.Context, req port.Request, ex *extract.Extraction, _ []byte, others []extract.BillSummary, now time.Time) (json.RawMessage, error) {
			return json.Marshal(check.RunAmong(req, ex, now, others))
		}
	})
}

func fixtureBill(t *testing.T, set, name string) (fixtures.Bill, []byte) {
	t.Helper()
	bills, err := fixtures.Bills(filepath.Join("..", "fixtures", set))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bills {
		if b.Name == name {
			data, err := os.ReadFile(b.PDF)
			if err != nil {
				t.Fatal(err)
			}
			return b, data
		}
	}
	t.Fatalf("no fixture %s/%s", set, name)
	return fixtures.Bill{}, nil
}

// signedPortFor creates a port from req and has its signer sign the LOA.
func (e *testEnv) signedPortFor(req port.Request) string {
	e.t.Helper()
	req.Customer.AccountPIN = "8642"
	data, _ := json.Marshal(req)
	id := e.createPort(string(data))
	if rec := e.sign(e.sendLOA(id), req.Signer.FullName); rec.Code != http.StatusOK {
		e.t.Fatalf("sign: %d %s", rec.Code, rec.Body)
	}
	return id
}

type splitCheck struct {
	Flags []struct{ Code string }
	Split *struct {
		Groups []struct {
			Numbers       []string
			AccountNumber string `json:"account_number"`
			Carrier       string
			Bill          string
		}
	}
}

func (e *testEnv) latestCheck(id string) (string, splitCheck) {
	e.t.Helper()
	p := getPort(e.t, e, id)
	rec := e.do(http.MethodGet, "/v1/ports/"+id+"/check", reviewerKey, "", nil)
	var c splitCheck
	mustJSON(e.t, rec.Body.Bytes(), &c)
	return p.LatestCheck, c
}

func flagCodes(c splitCheck) []string {
	var out []string
	for _, f := range c.Flags {
		out = append(out, f.Code)
	}
	return out
}

// Two bills of two carriers uploaded for one port: the second bill's check finds the
// first one's number on it (not TN_NOT_ON_BILL), flags MULTIPLE_CARRIERS, and the split
// makes one draft port per carrier with that bill's account number; the port itself is
// cancelled, naming them. A stale or repeated split is refused (issue 16.2).
func TestSplitAcrossTwoUploads(t *testing.T) {
	e := realCheckEnv(t)
	att, attPDF := fixtureBill(t, "bills", "01-att-business")
	fr, frPDF := fixtureBill(t, "bills", "04-frontier")
	req := att.Request
	req.Numbers = append(slices.Clone(att.Request.Numbers), fr.Request.Numbers...)
	id := e.signedPortFor(req)

	if rec := e.uploadBill(id, frPDF); rec.Code != http.StatusCreated {
		t.Fatalf("first bill: %d %s", rec.Code, rec.Body)
	}
	first, c := e.latestCheck(id)
	if !slices.Contains(flagCodes(c), check.CodeTNNotOnBill) {
		t.Fatalf("with only the Frontier bill, the AT&T numbers are not on it: %v", flagCodes(c))
	}
	if rec := e.uploadBill(id, attPDF); rec.Code != http.StatusCreated {
		t.Fatalf("second bill: %d %s", rec.Code, rec.Body)
	}
	latest, c := e.latestCheck(id)
	got := flagCodes(c)
	if slices.Contains(got, check.CodeTNNotOnBill) || !slices.Contains(got, check.CodeMultipleCarriers) {
		t.Fatalf("flags %v: want MULTIPLE_CARRIERS and no TN_NOT_ON_BILL", got)
	}
	if c.Split == nil || len(c.Split.Groups) != 2 || c.Split.Groups[1].Bill == "" {
		t.Fatalf("split %+v", c.Split)
	}

	split := func(check string) (int, string) {
		rec := e.do(http.MethodPost, "/v1/ports/"+id+"/split", wizardKey, "application/json", strings.NewReader(`{"check":"`+check+`"}`))
		return rec.Code, rec.Body.String()
	}
	if code, body := split(first); code != http.StatusConflict || !strings.Contains(body, "stale_check") {
		t.Errorf("split on a stale check: %d %s", code, body)
	}
	if code, body := split(""); code != http.StatusUnprocessableEntity {
		t.Errorf("split naming no check: %d %s", code, body)
	}
	rec := e.do(http.MethodPost, "/v1/ports/"+id+"/split", wizardKey, "application/json", strings.NewReader(`{"check":"`+latest+`","loa":true}`))
	code, body := rec.Code, rec.Body.String()
	if code != http.StatusCreated {
		t.Fatalf("split: %d %s", code, body)
	}
	var out struct {
		Status string
		Ports  []splitPort
	}
	mustJSON(t, []byte(body), &out)
	if out.Status != string(StatusCancelled) || len(out.Ports) != 2 {
		t.Fatalf("split answer %s", body)
	}
	for i, want := range []struct {
		bill    fixtures.Bill
		carrier string
		pin     bool
	}{{att, "AT&T", true}, {fr, "Frontier", false}} {
		p := out.Ports[i]
		v := getPort(t, e, p.ID)
		if len(v.Request.Numbers) != len(want.bill.Request.Numbers) ||
			v.Request.Numbers[0].Number != want.bill.Request.Numbers[0].Number {
			t.Errorf("new port %d: %+v", i, v)
		}
		if !sameAccountNumber(v.Request.Customer.AccountNumber, *want.bill.Expected.Fields.AccountNumber) || !strings.Contains(v.Request.CarrierName, want.carrier) {
			t.Errorf("new port %d: account %q carrier %q; want the bill's %q, %s", i, v.Request.Customer.AccountNumber, v.Request.CarrierName, *want.bill.Expected.Fields.AccountNumber, want.carrier)
		}
		if p.PINCopied != want.pin {
			t.Errorf("new port %d: pin copied %v, want %v (only the request's own account keeps the PIN)", i, p.PINCopied, want.pin)
		}
		// Each goes on alone, its LOA sent by the split ("loa": true).
		if p.LOA == nil || p.LOAError != nil || p.Status != StatusAwaitingSignature || v.Status != StatusAwaitingSignature {
			t.Errorf("new port %d: LOA %v, error %+v, status %s/%s; want its LOA sent", i, p.LOA, p.LOAError, p.Status, v.Status)
		}
	}
	if code, body := split(latest); code != http.StatusConflict {
		t.Errorf("second split: %d %s; want 409 (the port is cancelled)", code, body)
	}
	rec = e.do(http.MethodGet, "/v1/ports/"+id+"/notes", reviewerKey, "", nil)
	for _, p := range out.Ports {
		if !strings.Contains(rec.Body.String(), p.ID) {
			t.Errorf("the cancelled port's timeline does not name %s", p.ID)
		}
	}
}

// A summary bill of several accounts: the split makes one port per sub-account; a port
// whose check has no split plan is not split.
func TestSplitByAccountsOnOneBill(t *testing.T) {
	e := realCheckEnv(t)
	b, pdf := fixtureBill(t, "accounts", "21-frontier-summary-gofpdf")
	id := e.signedPortFor(b.Request)
	if rec := e.uploadBill(id, pdf); rec.Code != http.StatusCreated {
		t.Fatalf("bill: %d %s", rec.Code, rec.Body)
	}
	latest, c := e.latestCheck(id)
	if !slices.Contains(flagCodes(c), check.CodeMultipleAccounts) {
		t.Fatalf("flags %v", flagCodes(c))
	}
	rec := e.do(http.MethodPost, "/v1/ports/"+id+"/split", reviewerKey, "application/json", strings.NewReader(`{"check":"`+latest+`"}`))
	if rec.Code != http.StatusCreated {
		t.Fatalf("split: %d %s", rec.Code, rec.Body)
	}
	var out struct{ Ports []splitPort }
	mustJSON(t, rec.Body.Bytes(), &out)
	for i, p := range out.Ports {
		if p.LOA != nil || p.Status != StatusDraft {
			t.Errorf("port %d without \"loa\": %+v; want a draft with no LOA", i, p)
		}
	}
	if len(out.Ports) != len(b.Expected.Accounts) {
		t.Fatalf("%d ports, want %d", len(out.Ports), len(b.Expected.Accounts))
	}
	for i, p := range out.Ports {
		if p.AccountNumber != b.Expected.Accounts[i].AccountNumber || !slices.Equal(p.Numbers, b.Expected.Accounts[i].Numbers) {
			t.Errorf("port %d: %+v, want %+v", i, p, b.Expected.Accounts[i])
		}
	}

	one := e.signedPortFor(b.Request)
	b1 := b.Request
	b1.Numbers = b1.Numbers[:1]
	single := e.signedPortFor(b1)
	if rec := e.uploadBill(single, pdf); rec.Code != http.StatusCreated {
		t.Fatal(rec.Body)
	}
	chk, _ := e.latestCheck(single)
	rec = e.do(http.MethodPost, "/v1/ports/"+single+"/split", wizardKey, "application/json", strings.NewReader(`{"check":"`+chk+`"}`))
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "nothing_to_split") {
		t.Errorf("split of one account's port: %d %s", rec.Code, rec.Body)
	}
	rec = e.do(http.MethodPost, "/v1/ports/"+one+"/split", wizardKey, "application/json", strings.NewReader(`{"check":"x"}`))
	if rec.Code != http.StatusConflict {
		t.Errorf("split of a signed port without a check: %d %s", rec.Code, rec.Body)
	}
}

// The reviewer's page shows each group of the split plan with its bill and account.
func TestSplitPlanOnReviewerPage(t *testing.T) {
	e := realCheckEnv(t)
	b, pdf := fixtureBill(t, "accounts", "22-windstream-accounts-chromium")
	id := e.signedPortFor(b.Request)
	if rec := e.uploadBill(id, pdf); rec.Code != http.StatusCreated {
		t.Fatalf("bill: %d %s", rec.Code, rec.Body)
	}
	rc := newReviewClient(e)
	rc.signIn(reviewerKey, nil)
	body := rc.do(http.MethodGet, "/review/ports/"+id, nil, nil).Body.String()
	for _, a := range b.Expected.Accounts {
		if !strings.Contains(body, "account <span class=\"mono\">"+a.AccountNumber+"</span>") {
			t.Errorf("the page does not show account %s in the split plan", a.AccountNumber)
		}
	}
	if !strings.Contains(body, `id="split"`) || !strings.Contains(body, "MULTIPLE_ACCOUNTS") {
		t.Error("the page lacks the split plan or the MULTIPLE_ACCOUNTS flag")
	}
}
