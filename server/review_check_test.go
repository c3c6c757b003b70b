package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A decision names the check it was made on: after a new bill replaced the check a
// reviewer looked at, their decision is refused with 409 stale_check instead of landing
// on a check they have not seen (issue 17.2), through the API and the reviewer's page.
func TestReviewDecisionNamesItsCheck(t *testing.T) {
	e := newTestEnv(t, nil)
	id := e.signedPort()
	if rec := e.uploadBill(id, fakeBill("999999999999")); rec.Code != http.StatusCreated {
		t.Fatalf("bill: %d %s", rec.Code, rec.Body)
	}
	first := getPort(t, e, id).LatestCheck
	// The reviewer opens the page on the first check...
	rc := newReviewClient(e)
	rc.signIn(reviewerKey, nil)
	page := rc.do(http.MethodGet, "/review/ports/"+id, nil, nil).Body.String()
	if !strings.Contains(page, `name="check" value="`+first+`"`) {
		t.Fatalf("the decision form does not name the check %s", first)
	}
	csrf := csrfFrom(t, page)
	e.clock.advance(2 * time.Second) // the new check gets its own name
	// ...meanwhile a second bill arrives and is checked again.
	if rec := e.uploadBill(id, fakeBill("888888888888")); rec.Code != http.StatusCreated {
		t.Fatalf("second bill: %d %s", rec.Code, rec.Body)
	}
	second := getPort(t, e, id).LatestCheck
	if second == first {
		t.Fatal("the second bill did not make a new check")
	}
	review := func(body string) (code int, text string) {
		rec := e.do(http.MethodPost, "/v1/ports/"+id+"/review", reviewerKey, "application/json", strings.NewReader(body))
		return rec.Code, rec.Body.String()
	}
	if code, body := review(`{"decision":"approve","note":"ok","check":"` + first + `"}`); code != http.StatusConflict || !strings.Contains(body, "stale_check") {
		t.Errorf("decision on the replaced check: %d %s; want 409 stale_check", code, body)
	}
	if code, body := review(`{"decision":"approve","note":"ok"}`); code != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"check"`) {
		t.Errorf("decision naming no check: %d %s; want 422 on check", code, body)
	}
	form := url.Values{"decision": {"approve"}, "note": {"Checked by phone."}, "check": {first}, "csrf": {csrf}}
	if rec := rc.do(http.MethodPost, "/review/ports/"+id+"/decision", form, nil); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "checked again") {
		t.Errorf("stale form: %d; want 409 with the reason on the page", rec.Code)
	}
	if st := getPort(t, e, id).Status; st != StatusInReview {
		t.Fatalf("a refused decision moved the port to %s", st)
	}
	if code, body := review(`{"decision":"reject","note":"the new bill names another business","check":"` + second + `"}`); code != http.StatusOK {
		t.Errorf("decision on the latest check: %d %s", code, body)
	}
	notes := e.do(http.MethodGet, "/v1/ports/"+id+"/notes", reviewerKey, "", nil).Body.String()
	if !strings.Contains(notes, `"document":"`+second+`"`) {
		t.Errorf("the review note does not name the check it was made on: %s", notes)
	}
}
