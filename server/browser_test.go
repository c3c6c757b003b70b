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
		// The letter itself is readable on the phone: drawn as page images (a PDF
		// iframe shows an empty dark box there), loaded, visible and as wide as the text.
		b.waitFor("LOA page image loaded", `(() => { const i = document.querySelector('.loa-pages img');
			return !!i && i.complete && i.naturalWidth > 0; })()`)
		type shown struct {
			Count, NaturalWidth, Width, Height, Left, Right, Inner float64
			Display, Visibility                                    string
		}
		img := eval[shown](b, "measure the LOA page image", `(() => {
			const all = document.querySelectorAll('.loa-pages img'), i = all[0], r = i.getBoundingClientRect(), st = getComputedStyle(i);
			return {count: all.length, naturalWidth: i.naturalWidth, width: r.width, height: r.height, left: r.left, right: r.right,
				inner: window.innerWidth, display: st.display, visibility: st.visibility}; })()`)
		switch {
		case img.Display == "none" || img.Visibility != "visible":
			t.Errorf("the LOA page image is hidden (display %s, visibility %s)", img.Display, img.Visibility)
		case img.Width < img.Inner*0.8 || img.Left < 0 || img.Right > img.Inner+1:
			t.Errorf("the LOA page image is %v px wide at x %v..%v in a %v px viewport; want nearly the full width, inside it", img.Width, img.Left, img.Right, img.Inner)
		case img.Height < img.Width:
			t.Errorf("the LOA page image is %vx%v px; a letter page is taller than wide", img.Width, img.Height)
		}
		if img.NaturalWidth < img.Width {
			t.Errorf("the LOA page image is drawn at %v px from %v px; blurry on a phone", img.Width, img.NaturalWidth)
		}
		// The numbers being moved are on the page itself, not only inside the letter.
		pageText := eval[string](b, "signing page text", `document.querySelector('main').innerText`)
		numbers, _ := req["numbers"].([]any)
		for i, n := range numbers {
			num, _ := n.(map[string]any)["number"].(string)
			if i < maxListedNumbers && !strings.Contains(pageText, num) {
				t.Errorf("the signing page does not list the number %q", num)
			}
		}
		if name := eval[string](b, "signature pad name", `(() => { const p = document.querySelector('#pad'), l = document.getElementById(p.getAttribute('aria-labelledby'));
			return p.getAttribute('role') === 'img' && l ? l.textContent : ''; })()`); !strings.Contains(name, "signature") {
			t.Errorf("the signature pad's accessible name is %q; want one naming the signature", name)
		}
		b.noHorizontalScroll("signing page")
		b.everyControlLabelled("signing page")
		b.screenshot("sign-phone")

		// A wrong name comes back with the tick kept, the error tied to the name field
		// and the focus on it.
		b.do("sign with a wrong name",
			chromedp.Click(chromedp.CSS(`#consent`)),
			chromedp.SendKeys(chromedp.CSS(`#full_name`), "Somebody Else"),
			chromedp.Click(chromedp.CSS(`form button[type=submit]`)))
		b.waitFor("form error", `document.readyState === 'complete' && !!document.querySelector('#form-error')`)
		type formState struct {
			Consent                bool
			Invalid, DescBy, Focus string
		}
		fs := eval[formState](b, "form after the error", `(() => { const n = document.querySelector('#full_name');
			return {consent: document.querySelector('#consent').checked, invalid: n.getAttribute('aria-invalid') || '',
				descBy: n.getAttribute('aria-describedby') || '', focus: document.activeElement ? document.activeElement.id : ''}; })()`)
		if want := (formState{true, "true", "form-error", "full_name"}); fs != want {
			t.Errorf("after a wrong name the form is %+v, want %+v (tick kept, name marked invalid, described by the error, focused)", fs, want)
		}
		if st := srv.portStatus(t, id); st != StatusAwaitingSignature {
			t.Fatalf("a refused signature moved the port to %s", st)
		}

		b.do("reopen the link", chromedp.Navigate(link.SigningURL), chromedp.WaitVisible(chromedp.CSS(`#full_name`)))
		b.do("consent and type the name",
			chromedp.Click(chromedp.CSS(`#consent`)),
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
		if !eval[bool](b, "confirmation is a status", `!!document.querySelector('main [role=status]')`) {
			t.Error("the signed page's confirmation is not announced (no role=status inside main)")
		}
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
