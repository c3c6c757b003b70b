package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/portdocs/portdocs/internal/testenv"
)

// TestBrowserSignAndReview is issue 8's scenario in a real browser, as people use it:
// the signer opens the link on a phone, consents, types the name, draws and signs; the
// bill (a real fixture, with the request's account number altered so the check flags
// it) is uploaded; a reviewer signs in with the keyboard, finds the port in the queue,
// sees the red box on the mismatched field, approves with a note and sees the note in
// the timeline. Screenshots of every page are kept as artifacts.
func TestBrowserSignAndReview(t *testing.T) {
	if testing.Short() && !testenv.Required() {
		t.Skip("browser test: skipped with -short")
	}
	fx := findBillFixture(t)
	now := time.Now().UTC()
	if !fx.BillDate.IsZero() {
		now = fx.BillDate.Add(7*24*time.Hour + 12*time.Hour) // a fresh bill, whatever day the test runs
	}
	srv := startBrowserServer(t, now)

	// The port request: the fixture's, with the account number altered in its last digit.
	req := fx.Request
	customer, _ := req["customer"].(map[string]any)
	typedAccount, _ := customer["account_number"].(string)
	if typedAccount == "" {
		t.Fatalf("%s/request.json has no customer.account_number", fx.Dir)
	}
	customer["account_number"] = alterLastDigit(typedAccount)
	signer, _ := req["signer"].(map[string]any)
	signerName, _ := signer["full_name"].(string)
	body, _ := json.Marshal(req)
	code, out := srv.api(t, http.MethodPost, "/v1/ports", wizardKey, "application/json", bytes.NewReader(body))
	if code != http.StatusCreated {
		t.Fatalf("create port from %s: %d %s", fx.Dir, code, out)
	}
	var created struct{ ID string }
	mustJSON(t, out, &created)
	id := created.ID
	code, out = srv.api(t, http.MethodPost, "/v1/ports/"+id+"/loa", wizardKey, "", nil)
	if code != http.StatusCreated {
		t.Fatalf("send LOA: %d %s", code, out)
	}
	var link struct {
		SigningURL string `json:"signing_url"`
	}
	mustJSON(t, out, &link)
	token := link.SigningURL[strings.LastIndex(link.SigningURL, "/")+1:]

	b := startBrowser(t)
	defer b.publishScreenshots()

	t.Run("signer on a phone", func(t *testing.T) {
		b.t = t
		b.viewport(375, 812, true)
		b.do("open signing link", chromedp.Navigate(link.SigningURL), chromedp.WaitVisible(chromedp.CSS(`#full_name`)))
		b.noHorizontalScroll("signing page")
		b.everyControlLabelled("signing page")
		b.screenshot("sign-phone")

		b.do("consent and type the name",
			chromedp.Click(chromedp.CSS(`input[name=consent]`)),
			chromedp.SendKeys(chromedp.CSS(`#full_name`), signerName))
		drew := eval[bool](b, "find the signature pad", `!!document.querySelector('canvas')`)
		if drew {
			b.drawOn("canvas")
			if !eval[bool](b, "check the drawing", `(() => { const c = document.querySelector('canvas');
				return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some(v => v !== 0); })()`) {
				t.Fatal("drawing on the signature pad left no ink")
			}
		} else {
			t.Log("the signing page has no canvas; signing with the typed name only")
		}
		b.screenshot("sign-phone-filled")
		b.do("sign", chromedp.Click(chromedp.CSS(`form button[type=submit]`)))
		b.waitFor("signed page", `document.readyState === 'complete' && !document.querySelector('#full_name')`)
		b.noHorizontalScroll("signed page")
		b.screenshot("signed-phone")

		if st := srv.portStatus(t, id); st != StatusSigned {
			t.Fatalf("after signing in the browser the port is %s, want %s", st, StatusSigned)
		}
		if drew {
			sg, _, err := srv.srv.getSigning(t.Context(), token)
			if err != nil {
				t.Fatal(err)
			}
			if sg.SignatureSHA256 == "" {
				t.Error("the drawn signature did not reach the signing record (no signature_sha256)")
			}
		}
		// The used link now answers with a clear page, not an error dump.
		b.do("reopen used link", chromedp.Navigate(link.SigningURL), chromedp.WaitVisible(chromedp.CSS(`h1`)))
		if txt := eval[string](b, "used link text", `document.body.innerText`); strings.Contains(txt, `"error"`) || strings.Contains(txt, "{") {
			t.Errorf("a used signing link shows raw data: %q", txt)
		}
	})
	if t.Failed() {
		return
	}

	// Proof of ownership: the real bill through the API; the check must flag the account.
	ct, mp := multipartFile(t, "bill.pdf", fx.Bill)
	code, out = srv.api(t, http.MethodPost, "/v1/ports/"+id+"/bill", wizardKey, ct, mp)
	if code != http.StatusCreated {
		t.Fatalf("upload bill: %d %s", code, out)
	}
	var billResp struct {
		Status Status
		Check  reviewCheck
	}
	mustJSON(t, out, &billResp)
	if billResp.Status != StatusInReview || billResp.Check.Fields["account_number"].Status != "mismatch" {
		t.Fatalf("bill with an altered account number: status %s, account_number %q; want in_review and mismatch (%s)",
			billResp.Status, billResp.Check.Fields["account_number"].Status, out)
	}
	var flagCode string
	for _, f := range billResp.Check.Flags {
		if f.Field == "account_number" {
			flagCode = f.Code
		}
	}

	t.Run("reviewer", func(t *testing.T) {
		b.t = t
		b.viewport(1280, 900, false)
		b.do("open /review", chromedp.Navigate(srv.http.URL+"/review"), chromedp.WaitVisible(chromedp.CSS(`#key`)))
		b.everyControlLabelled("sign-in page")
		b.screenshot("review-signin")
		// Keyboard only: the key field has the focus; type the key and press Enter.
		if focused := eval[string](b, "focus on load", `document.activeElement && document.activeElement.id`); focused != "key" {
			t.Errorf("the sign-in page focuses %q first, want the key field", focused)
		}
		b.do("sign in", chromedp.SendKeys(chromedp.CSS(`#key`), reviewerKey+kb.Enter))
		b.waitFor("queue", `!!document.querySelector('tr[data-port="`+id+`"]')`)
		row := eval[string](b, "queue row", `document.querySelector('tr[data-port="`+id+`"]').innerText`)
		if flagCode == "" || !strings.Contains(row, flagCode) {
			t.Errorf("queue row %q does not show the flag %q", row, flagCode)
		}
		if eval[bool](b, "session cookie hidden from scripts", `document.cookie.includes(`+jsString(sessionCookie+"=")+`)`) {
			t.Error("the session cookie is readable from JavaScript; it must be HttpOnly")
		}
		b.everyControlLabelled("queue")
		b.screenshot("review-queue")

		// Filters: the flag code keeps the port; another code hides it.
		b.do("filter by the flag", chromedp.Navigate(srv.http.URL+"/review?flag="+flagCode),
			chromedp.WaitVisible(chromedp.CSS(`tr[data-port="`+id+`"]`)))
		b.do("filter by another flag", chromedp.Navigate(srv.http.URL+"/review?flag=NO_SUCH_FLAG"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		if eval[bool](b, "row hidden", `!!document.querySelector('tr[data-port="`+id+`"]')`) {
			t.Error("filtering by another flag code still lists the port")
		}

		// Open the port with the keyboard: focus its link, press Enter.
		b.do("back to the queue", chromedp.Navigate(srv.http.URL+"/review"), chromedp.WaitVisible(chromedp.CSS(`a.port-link`)))
		b.do("open the port", chromedp.Focus(chromedp.CSS(`tr[data-port="`+id+`"] a`)), chromedp.KeyEvent(kb.Enter))
		b.waitFor("port page", `!!document.querySelector('#fields') && [...document.images].length > 0 &&
			[...document.images].every(i => i.complete && i.naturalWidth > 0)`)

		// The red box: on the account number, over the bill's image, drawn red.
		type box struct {
			Found                bool
			Stroke               string
			X, Y, Width, Height  float64
			IX, IY, IW, IH       float64
			FieldStatus, RowText string
		}
		got := eval[box](b, "find the red box", `(() => {
			const r = document.querySelector('rect.box.mismatch[data-field="account_number"]');
			if (!r) return {found: false};
			const img = r.closest('.page-frame').querySelector('img');
			const a = r.getBoundingClientRect(), i = img.getBoundingClientRect();
			const f = document.querySelector('#field-account_number');
			return {found: true, stroke: getComputedStyle(r).stroke, x: a.x, y: a.y, width: a.width, height: a.height,
				ix: i.x, iy: i.y, iw: i.width, ih: i.height, fieldStatus: f && f.dataset.status, rowText: f && f.innerText};
		})()`)
		switch {
		case !got.Found:
			t.Fatal("no red box (rect.box.mismatch) on the account number")
		case got.Stroke != "rgb(207, 34, 46)":
			t.Errorf("the mismatch box is drawn in %s, want red rgb(207, 34, 46)", got.Stroke)
		case got.Width < 5 || got.Height < 3:
			t.Errorf("the mismatch box is %vx%v px; too small to see", got.Width, got.Height)
		case got.X < got.IX-1 || got.Y < got.IY-1 || got.X+got.Width > got.IX+got.IW+1 || got.Y+got.Height > got.IY+got.IH+1:
			t.Errorf("the mismatch box %+v lies outside the page image", got)
		}
		if got.FieldStatus != "mismatch" || !strings.Contains(got.RowText, customer["account_number"].(string)) {
			t.Errorf("the account number's panel: status %q, text %q; want mismatch and the submitted value", got.FieldStatus, got.RowText)
		}
		// Every box has the colour of its field's status.
		wrong := eval[[]string](b, "box colours", `[...document.querySelectorAll('rect.box')].filter(r => {
			const f = document.querySelector('#field-' + r.dataset.field);
			return !f || !r.classList.contains(f.dataset.status); }).map(r => r.dataset.field)`)
		if len(wrong) > 0 {
			t.Errorf("boxes whose colour differs from their field's status: %v", wrong)
		}
		b.everyControlLabelled("port page")
		b.screenshot("review-port")

		// Decide with the keyboard: type the note, Tab reaches Approve, Enter presses it.
		note := "Account number checked by phone with the customer; the bill is right, the typo is ours."
		b.do("type the note", chromedp.Focus(chromedp.CSS(`#note`)), chromedp.SendKeys(chromedp.CSS(`#note`), note), chromedp.KeyEvent(kb.Tab))
		if focused := eval[string](b, "focus after note", `document.activeElement.id`); focused != "approve" {
			t.Fatalf("Tab after the note focuses %q, want the approve button", focused)
		}
		b.do("approve", chromedp.KeyEvent(kb.Enter))
		b.waitFor("decision recorded", `!!document.querySelector('#done')`)
		inTimeline := eval[bool](b, "note in timeline", `[...document.querySelectorAll('.timeline .event[data-type="review"] .event-message')]
			.some(e => e.textContent.includes(`+jsString(note)+`))`)
		if !inTimeline {
			t.Error("the note is not in the page's timeline after approving")
		}
		if pill := eval[string](b, "status pill", `document.querySelector('#port-status').textContent`); pill != string(StatusApproved) {
			t.Errorf("status on the page is %q, want approved", pill)
		}
		b.screenshot("review-port-approved")
		if st := srv.portStatus(t, id); st != StatusApproved {
			t.Errorf("after approving in the browser the port is %s, want approved", st)
		}
		code, notes := srv.api(t, http.MethodGet, "/v1/ports/"+id+"/notes", reviewerKey, "", nil)
		if code != http.StatusOK || !strings.Contains(string(notes), note) {
			t.Errorf("the API's timeline lacks the note: %d %s", code, notes)
		}

		// The same page on a phone: one column, nothing sideways.
		b.viewport(375, 812, true)
		b.do("port page on a phone", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#fields`)))
		b.noHorizontalScroll("port page on a phone")
		b.screenshotViewport("review-port-phone")
	})

	t.Run("expired link on a phone", func(t *testing.T) {
		b.t = t
		code, out := srv.api(t, http.MethodPost, "/v1/ports", wizardKey, "application/json", bytes.NewReader(body))
		if code != http.StatusCreated {
			t.Fatalf("create port: %d %s", code, out)
		}
		var p struct{ ID string }
		mustJSON(t, out, &p)
		code, out = srv.api(t, http.MethodPost, "/v1/ports/"+p.ID+"/loa", wizardKey, "", nil)
		if code != http.StatusCreated {
			t.Fatalf("send LOA: %d %s", code, out)
		}
		var l struct {
			SigningURL string    `json:"signing_url"`
			ExpiresAt  time.Time `json:"expires_at"`
		}
		mustJSON(t, out, &l)
		srv.skew.Add(int64(l.ExpiresAt.Sub(srv.srv.now()) + time.Hour))
		defer srv.skew.Store(0)
		b.viewport(375, 812, true)
		var status int64
		b.do("open expired link", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			resp, err := chromedp.NavigateResponse(l.SigningURL)(ctx, tg)
			if err == nil && resp != nil {
				status = resp.Status
			}
			return err
		}), chromedp.WaitVisible(chromedp.CSS(`h1`)))
		if status != http.StatusGone {
			t.Errorf("expired link answered %d, want 410", status)
		}
		txt := eval[string](b, "expired page text", `document.body.innerText`)
		if strings.ContainsAny(txt, "{}") || eval[bool](b, "form gone", `!!document.querySelector('form')`) {
			t.Errorf("the expired link's page shows raw data or a form: %q", txt)
		}
		b.noHorizontalScroll("expired link page")
		b.screenshot("sign-expired-phone")
		if st := srv.portStatus(t, p.ID); st != StatusAwaitingSignature {
			t.Errorf("opening an expired link changed the port to %s", st)
		}
	})
}
