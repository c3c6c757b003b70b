package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/loa"
)

// Every route of a signing link, in every state of the link and its port, answers
// what linkpolicy.go's table says (issue 17.5: after expiry or signing the letter, its
// page images and the bill upload still answered).
func TestSigningLinkOpensOnlyItsStep(t *testing.T) {
	const (
		open  = http.StatusOK
		early = http.StatusConflict // the bill before the signature
		gone  = http.StatusGone
	)
	type want struct{ page, sign, letter, image, billPage, billUpload int }
	for _, c := range []struct {
		state string
		setup func(e *testEnv) string // returns the token
		want  want
	}{
		{"not signed", func(e *testEnv) string { return e.sendLOA(e.createPort(validRequest)) },
			want{open, open, open, open, early, early}},
		{"expired", func(e *testEnv) string {
			tok := e.sendLOA(e.createPort(validRequest))
			e.clock.advance(loa.DefaultSigningTTL + time.Hour)
			return tok
		}, want{gone, gone, gone, gone, gone, gone}},
		{"signed, bill awaited", func(e *testEnv) string {
			tok := e.sendLOA(e.createPort(validRequest))
			e.mustSign(tok)
			return tok
		}, want{open, gone, open, open, open, http.StatusCreated}},
		{"signed, in review", func(e *testEnv) string {
			id := e.createPort(validRequest)
			tok := e.sendLOA(id)
			e.mustSign(tok)
			e.uploadBill(id, fakeBill("999999999999"))
			return tok
		}, want{open, gone, open, open, open, http.StatusCreated}},
		{"approved", func(e *testEnv) string {
			id := e.createPort(validRequest)
			tok := e.sendLOA(id)
			e.mustSign(tok)
			e.uploadBill(id, fakeBill("287654321098"))
			return tok
		}, want{open, gone, gone, gone, gone, gone}},
		{"signed, the bill window passed", func(e *testEnv) string {
			tok := e.sendLOA(e.createPort(validRequest))
			e.mustSign(tok)
			e.clock.advance(loa.DefaultSigningTTL + time.Hour)
			return tok
		}, want{open, gone, gone, gone, gone, gone}},
		{"replaced by a newer link", func(e *testEnv) string {
			id := e.createPort(validRequest)
			tok := e.sendLOA(id)
			e.sendLOA(id)
			return tok
		}, want{gone, gone, gone, gone, gone, gone}},
	} {
		t.Run(c.state, func(t *testing.T) {
			e := newTestEnv(t, nil)
			tok := c.setup(e)
			base := "/sign/" + tok
			check := func(what string, got, want int) {
				t.Helper()
				if got != want {
					t.Errorf("%s: %d, want %d", what, got, want)
				}
			}
			check("page", e.do(http.MethodGet, base, "", "", nil).Code, c.want.page)
			check("letter", e.do(http.MethodGet, base+"/loa.pdf", "", "", nil).Code, c.want.letter)
			check("page image", e.do(http.MethodGet, base+"/loa/pages/1", "", "", nil).Code, c.want.image)
			check("bill page", e.do(http.MethodGet, base+"/bill", "", "", nil).Code, c.want.billPage)
			ct, body := multipartFile(t, "bill.pdf", fakeBill("287654321098"))
			check("bill upload", e.do(http.MethodPost, base+"/bill", "", ct, body).Code, c.want.billUpload)
			form := url.Values{"full_name": {"Jane Q Doe"}, "consent": {"yes"}}
			check("sign", e.do(http.MethodPost, base, "", "application/x-www-form-urlencoded", strings.NewReader(form.Encode())).Code, c.want.sign)
		})
	}
}

func (e *testEnv) mustSign(token string) {
	e.t.Helper()
	if rec := e.sign(token, "Jane Q Doe"); rec.Code != http.StatusOK {
		e.t.Fatalf("sign: %d %s", rec.Code, rec.Body)
	}
}
