package server

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var loginCSRFField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// reviewClient is a browser-like client of the review pages over the handler: it
// keeps cookies by name (every review cookie has Path=/review).
type reviewClient struct {
	e       *testEnv
	cookies map[string]*http.Cookie
}

func newReviewClient(e *testEnv) *reviewClient {
	return &reviewClient{e: e, cookies: map[string]*http.Cookie{}}
}

func (rc *reviewClient) do(method, target string, form url.Values, mutate func(*http.Request)) *httptest.ResponseRecorder {
	rc.e.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	for _, c := range rc.cookies {
		req.AddCookie(c)
	}
	if mutate != nil {
		mutate(req)
	}
	rec := httptest.NewRecorder()
	rc.e.srv.Handler().ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(rc.cookies, c.Name)
		} else {
			rc.cookies[c.Name] = c
		}
	}
	return rec
}

// csrfFrom reads the first csrf hidden field of a page.
func csrfFrom(t testing.TB, body string) string {
	t.Helper()
	m := loginCSRFField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field in page:\n%s", body)
	}
	return m[1]
}

// signIn opens the sign-in page and posts key with the form's token.
func (rc *reviewClient) signIn(key string, mutate func(*http.Request)) *httptest.ResponseRecorder {
	rc.e.t.Helper()
	page := rc.do(http.MethodGet, "/review", nil, nil)
	token := csrfFrom(rc.e.t, page.Body.String())
	return rc.do(http.MethodPost, "/review/signin", url.Values{"csrf": {token}, "key": {key}}, mutate)
}

func TestReviewSignIn(t *testing.T) {
	for _, tc := range []struct {
		name       string
		key        string
		mutate     func(*http.Request)
		wantStatus int
		wantSecure bool
	}{
		{name: "reviewer key", key: reviewerKey, wantStatus: http.StatusSeeOther},
		{name: "admin key", key: adminKey, wantStatus: http.StatusSeeOther},
		{name: "reviewer key over TLS gets a Secure cookie", key: reviewerKey, wantStatus: http.StatusSeeOther, wantSecure: true,
			mutate: func(r *http.Request) { r.TLS = &tls.ConnectionState{} }},
		{name: "wizard key is refused", key: wizardKey, wantStatus: http.StatusForbidden},
		{name: "unknown key", key: "not-a-key-0123456789abcdef", wantStatus: http.StatusUnauthorized},
		{name: "empty key", key: "", wantStatus: http.StatusUnauthorized},
		{name: "form from another site", key: reviewerKey, wantStatus: http.StatusForbidden,
			mutate: func(r *http.Request) { r.Header.Set("Origin", "https://evil.example") }},
		{name: "token not matching the cookie", key: reviewerKey, wantStatus: http.StatusForbidden,
			mutate: func(r *http.Request) {
				r.Header.Del("Cookie")
				r.AddCookie(&http.Cookie{Name: loginCSRFCookie, Value: "other"})
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := newReviewClient(newTestEnv(t, nil))
			rec := rc.signIn(tc.key, tc.mutate)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d\n%s", rec.Code, tc.wantStatus, rec.Body)
			}
			var session *http.Cookie
			for _, c := range rec.Result().Cookies() {
				if c.Name == sessionCookie && c.MaxAge > 0 {
					session = c
				}
			}
			if tc.wantStatus != http.StatusSeeOther {
				if session != nil {
					t.Fatalf("a refused sign-in set a session cookie")
				}
				if strings.Contains(rec.Body.String(), tc.key) && tc.key != "" {
					t.Errorf("the refused key is echoed in the page")
				}
				return
			}
			if session == nil {
				t.Fatal("no session cookie")
			}
			if !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/review" || session.Secure != tc.wantSecure {
				t.Errorf("session cookie HttpOnly=%v SameSite=%v Path=%q Secure=%v; want true, Lax, /review, %v",
					session.HttpOnly, session.SameSite, session.Path, session.Secure, tc.wantSecure)
			}
			if strings.Contains(session.Value, tc.key) {
				t.Error("the session cookie carries the key")
			}
			if q := rc.do(http.MethodGet, "/review", nil, nil); q.Code != http.StatusOK || !strings.Contains(q.Body.String(), "Ports to review") {
				t.Errorf("queue after sign-in: %d", q.Code)
			}
		})
	}
}

func TestReviewPagesRequireSessionAndCSRF(t *testing.T) {
	e := newTestEnv(t, nil)
	id := e.signedPort()
	anon := newReviewClient(e)
	if rec := anon.do(http.MethodGet, "/review/ports/"+id, nil, nil); rec.Code != http.StatusSeeOther ||
		rec.Header().Get("Location") != "/review?next="+url.QueryEscape("/review/ports/"+id) {
		t.Errorf("port page without a session: %d %q; want a redirect to sign in", rec.Code, rec.Header().Get("Location"))
	}
	if rec := anon.do(http.MethodPost, "/review/ports/"+id+"/decision", url.Values{"decision": {"approve"}, "note": {"x"}}, nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("decision without a session: %d, want 401", rec.Code)
	}
	rc := newReviewClient(e)
	if rec := rc.signIn(reviewerKey, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign in: %d", rec.Code)
	}
	for _, tc := range []struct {
		name string
		form url.Values
		hdr  map[string]string
	}{
		{name: "no token", form: url.Values{"decision": {"approve"}, "note": {"ok"}}},
		{name: "wrong token", form: url.Values{"decision": {"approve"}, "note": {"ok"}, "csrf": {"guess"}}},
		{name: "right token from another origin", form: url.Values{"decision": {"approve"}, "note": {"ok"}, "csrf": {"FILL"}},
			hdr: map[string]string{"Origin": "https://evil.example"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.form.Get("csrf") == "FILL" {
				tc.form.Set("csrf", csrfFrom(t, rc.do(http.MethodGet, "/review", nil, nil).Body.String()))
			}
			rec := rc.do(http.MethodPost, "/review/ports/"+id+"/decision", tc.form, func(r *http.Request) {
				for k, v := range tc.hdr {
					r.Header.Set(k, v)
				}
			})
			if rec.Code != http.StatusForbidden {
				t.Errorf("status %d, want 403", rec.Code)
			}
		})
	}
	// Signing out ends the session for good.
	csrf := csrfFrom(t, rc.do(http.MethodGet, "/review", nil, nil).Body.String())
	old := rc.cookies[sessionCookie]
	if rec := rc.do(http.MethodPost, "/review/signout", url.Values{"csrf": {csrf}}, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", rec.Code)
	}
	rc.cookies[sessionCookie] = old // a copied cookie must not work either
	if rec := rc.do(http.MethodGet, "/review/ports/"+id, nil, nil); rec.Code != http.StatusSeeOther {
		t.Errorf("port page after sign-out: %d, want a redirect to sign in", rec.Code)
	}
}

func TestReviewDecisionUsesTheAPI(t *testing.T) {
	e := newTestEnv(t, nil)
	id := e.signedPort()
	if rec := e.uploadBill(id, fakeBill("111111111111")); rec.Code != http.StatusCreated {
		t.Fatalf("bill: %d %s", rec.Code, rec.Body)
	}
	rc := newReviewClient(e)
	rc.signIn(reviewerKey, nil)
	page := rc.do(http.MethodGet, "/review/ports/"+id, nil, nil)
	if page.Code != http.StatusOK {
		t.Fatalf("port page: %d %s", page.Code, page.Body)
	}
	body := page.Body.String()
	for _, want := range []string{`id="field-account_number" data-field="account_number"`,
		"ACCOUNT_NUMBER_MISMATCH", `id="timeline"`, "/review/ports/" + id + "/documents/"} {
		if !strings.Contains(body, want) {
			t.Errorf("port page lacks %q", want)
		}
	}
	if strings.Contains(body, "7531") {
		t.Error("the port page shows the PIN")
	}
	// The fake bill is not a drawable PDF: the page says so and still works.
	if !strings.Contains(body, "cannot be shown here") {
		t.Error("an undrawable bill gives no notice on the port page")
	}
	docLink := regexp.MustCompile(`href="(/review/ports/` + id + `/documents/[^"]+)"`).FindStringSubmatch(body)
	if docLink == nil {
		t.Fatal("no document link on the port page")
	}
	if rec := rc.do(http.MethodGet, docLink[1], nil, nil); rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("document link %s: %d %q", docLink[1], rec.Code, rec.Header().Get("Content-Disposition"))
	}
	if rec := newReviewClient(e).do(http.MethodGet, docLink[1], nil, nil); rec.Code != http.StatusSeeOther {
		t.Errorf("document link without a session: %d, want a redirect to sign in", rec.Code)
	}
	csrf := csrfFrom(t, body)
	latest := getPort(t, e, id).LatestCheck
	if !strings.Contains(body, `name="check" value="`+latest+`"`) {
		t.Errorf("the decision form does not name the check %s", latest)
	}
	for _, tc := range []struct {
		name       string
		form       url.Values
		wantStatus int
		wantText   string
	}{
		{name: "no note", form: url.Values{"decision": {"approve"}, "note": {"  "}}, wantStatus: http.StatusUnprocessableEntity, wantText: "note is required"},
		{name: "no decision", form: url.Values{"note": {"fine"}}, wantStatus: http.StatusUnprocessableEntity, wantText: "decision must be approve or reject"},
		{name: "approve", form: url.Values{"decision": {"approve"}, "note": {"Checked the account by phone."}}, wantStatus: http.StatusSeeOther},
		{name: "again, after the decision", form: url.Values{"decision": {"reject"}, "note": {"second thoughts"}}, wantStatus: http.StatusConflict, wantText: "only a port in_review"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.form.Set("csrf", csrf)
			tc.form.Set("check", latest) // as the page's form sends it
			rec := rc.do(http.MethodPost, "/review/ports/"+id+"/decision", tc.form, nil)
			if rec.Code != tc.wantStatus || !strings.Contains(rec.Body.String(), tc.wantText) {
				t.Fatalf("status %d, want %d with %q\n%s", rec.Code, tc.wantStatus, tc.wantText, rec.Body)
			}
			if tc.wantStatus == http.StatusUnprocessableEntity && !strings.Contains(rec.Body.String(), tc.form.Get("note")) {
				t.Error("the refused note is not kept in the form")
			}
		})
	}
	notes := e.do(http.MethodGet, "/v1/ports/"+id+"/notes", reviewerKey, "", nil)
	if !strings.Contains(notes.Body.String(), "Checked the account by phone.") || !strings.Contains(notes.Body.String(), `"to":"approved"`) {
		t.Errorf("the API's timeline lacks the decision: %s", notes.Body)
	}
}

func TestReviewHeadersAndAssets(t *testing.T) {
	e := newTestEnv(t, nil)
	for _, tc := range []struct {
		target      string
		wantStatus  int
		wantType    string
		wantHeaders map[string]string
	}{
		{target: "/review", wantStatus: http.StatusOK, wantType: "text/html", wantHeaders: map[string]string{
			"Content-Security-Policy": reviewCSP, "X-Frame-Options": "DENY", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}},
		{target: "/review/ports/nosuchport", wantStatus: http.StatusSeeOther},
		{target: "/review/static/review.css", wantStatus: http.StatusOK, wantType: "text/css"},
		{target: "/review/static/", wantStatus: http.StatusNotFound},
		{target: "/review/static/../templates/review_port.html", wantStatus: http.StatusNotFound},
	} {
		t.Run(tc.target, func(t *testing.T) {
			rec := e.do(http.MethodGet, tc.target, "", "", nil)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d", rec.Code, tc.wantStatus)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tc.wantType) {
				t.Errorf("Content-Type %q, want %s", ct, tc.wantType)
			}
			for k, v := range tc.wantHeaders {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestReviewQueueFilters(t *testing.T) {
	e := newTestEnv(t, nil)
	flagged := e.signedPort()
	e.uploadBill(flagged, fakeBill("111111111111"))
	passed := e.signedPort()
	e.uploadBill(passed, fakeBill("287654321098"))
	rc := newReviewClient(e)
	rc.signIn(reviewerKey, nil)
	for _, tc := range []struct {
		query      string
		wantStatus int
		want, not  []string
	}{
		{query: "", wantStatus: 200, want: []string{flagged}, not: []string{passed}},
		{query: "?status=approved", wantStatus: 200, want: []string{passed}, not: []string{flagged}},
		{query: "?status=all", wantStatus: 200, want: []string{passed, flagged}},
		{query: "?flag=account_number_mismatch", wantStatus: 200, want: []string{flagged}},
		{query: "?flag=PIN_MISMATCH", wantStatus: 200, not: []string{flagged, passed}},
		{query: "?older_than=1h", wantStatus: 200, not: []string{flagged}},
		{query: "?older_than=soon", wantStatus: 400, want: []string{"older_than must be a duration"}},
		{query: "?status=lost", wantStatus: 400, want: []string{"unknown status"}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			rec := rc.do(http.MethodGet, "/review"+tc.query, nil, nil)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d\n%s", rec.Code, tc.wantStatus, rec.Body)
			}
			for _, w := range tc.want {
				if !strings.Contains(rec.Body.String(), w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(rec.Body.String(), n) {
					t.Errorf("page lists %q", n)
				}
			}
		})
	}
}

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/review/ports/abc", "/review/ports/abc"},
		{"", "/review"},
		{"https://evil.example/review/", "/review"},
		{"//evil.example", "/review"},
		{"/review/../v1/ports", "/review"},
		{"/reviewer", "/review"},
		{"/review/x\r\nSet-Cookie: a=b", "/review"},
	} {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
