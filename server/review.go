package server

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// The reviewer's pages (/review) are for people in a browser, so they sign in once with
// their reviewer (or admin) API key and get a session cookie instead of sending a bearer
// header. The key is checked by the API's own authenticate middleware; the session only
// remembers the role and the actor name it produced, never the key.
//
// CSRF: the session cookie is SameSite=Lax, and every form carries the session's CSRF
// token, compared in constant time on every POST (a cross-origin Origin is refused). The sign-in form,
// which has no session yet, uses a double-submit cookie (login CSRF).

const (
	sessionCookie   = "portdocs_review"
	loginCSRFCookie = "portdocs_review_csrf"
	sessionTTL      = 8 * time.Hour
	maxSessions     = 10000 // bound on memory; the oldest are dropped beyond it
	reviewPrefix    = "/review"
)

// reviewSession is one signed-in reviewer.
type reviewSession struct {
	who     principal
	csrf    string
	expires time.Time
}

// sessions is the in-memory session store: sessions end when the process restarts,
// which only means signing in again.
type sessions struct {
	mu  sync.Mutex
	now func() time.Time
	m   map[string]*reviewSession
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func (ss *sessions) create(p principal) (string, *reviewSession) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := ss.now()
	if len(ss.m) >= maxSessions {
		var oldestID string
		var oldest time.Time
		for id, s := range ss.m {
			if s.expires.Before(now) {
				delete(ss.m, id)
				continue
			}
			if oldestID == "" || s.expires.Before(oldest) {
				oldestID, oldest = id, s.expires
			}
		}
		if len(ss.m) >= maxSessions {
			delete(ss.m, oldestID)
		}
	}
	id := randomToken()
	s := &reviewSession{who: p, csrf: randomToken(), expires: now.Add(sessionTTL)}
	ss.m[id] = s
	return id, s
}

func (ss *sessions) get(id string) (*reviewSession, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.m[id]
	if !ok {
		return nil, false
	}
	if !ss.now().Before(s.expires) {
		delete(ss.m, id)
		return nil, false
	}
	return s, true
}

func (ss *sessions) drop(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.m, id)
}

// reviewUI holds the pages' state: sessions and the page image cache.
type reviewUI struct {
	s        *Server
	sessions *sessions
	images   *PageImages
	// checkKey is the API's authenticate, reused to check a typed key; handleSignIn
	// does the throttling itself, to answer with the form.
	checkKey echo.MiddlewareFunc
}

const sessionCtxKey = "portdocs.review_session"

// reviewRoutes registers the reviewer's pages. Called once from routes.go.
func (s *Server) reviewRoutes(e *echo.Echo) {
	// The page images are the server's one cache, shared with the signer's LOA pages.
	ui := &reviewUI{s: s, images: s.pageImages, checkKey: authenticate(s.cfg.APIKeys, nil),
		sessions: &sessions{now: time.Now, m: map[string]*reviewSession{}}}
	e.GET(reviewPrefix+"/static/*", handleReviewStatic())
	g := e.Group(reviewPrefix, reviewHeaders, ui.htmlErrors)
	g.GET("", ui.handleQueue())
	g.POST("/signin", ui.handleSignIn())
	g.POST("/signout", ui.handleSignOut(), ui.requireSession)
	g.GET("/ports/:id", ui.handlePort(), ui.requireSession, s.ownPort)
	g.POST("/ports/:id/decision", ui.handleDecision(), ui.requireSession, s.ownPort)
	g.GET("/ports/:id/bill/:sha/pages/:page", ui.handlePageImage(), ui.requireSession, s.ownPort)
	g.GET("/ports/:id/documents/:name", s.handleDocument(), ui.requireSession, s.ownPort)
}

// reviewCSP allows only this origin's stylesheet, script and images: the boxes are SVG
// attributes, so no inline style is needed.
const reviewCSP = "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// reviewHeaders is the signer pages' secureHeaders with a stricter CSP and no framing.
func reviewHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return secureHeaders(func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", reviewCSP)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		return next(c)
	})
}

// htmlErrors renders a failed review request as a page (the service's error handler
// answers JSON outside /sign), logging it the same way.
func (ui *reviewUI) htmlErrors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed {
			return err
		}
		e := classify(err)
		status := e.Status
		if status == 499 {
			status = http.StatusServiceUnavailable
		}
		ui.s.log.InfoContext(c.Request().Context(), "review page refused", append([]any{slog.Int("status", status),
			slog.String("code", e.Code), slog.String("error", err.Error())}, requestAttrs(c)...)...)
		data := ui.baseData(c)
		data["Status"], data["Message"], data["Title"] = status, e.Message, "Error"
		return ui.s.renderPage(c, status, "review_error.html", data)
	}
}

// session returns the request's live session, if any.
func (ui *reviewUI) session(c echo.Context) (*reviewSession, string) {
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil, ""
	}
	s, ok := ui.sessions.get(ck.Value)
	if !ok {
		return nil, ""
	}
	return s, ck.Value
}

// requireSession lets signed-in reviewers through; a page request without a session
// goes to the sign-in page, a POST is refused. Every POST must carry the CSRF token.
func (ui *reviewUI) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess, _ := ui.session(c)
		if sess == nil {
			if c.Request().Method == http.MethodGet {
				return c.Redirect(http.StatusSeeOther, reviewPrefix+"?next="+url.QueryEscape(c.Request().URL.Path))
			}
			return errorf(http.StatusUnauthorized, "unauthorized", "", "your session has ended; sign in again")
		}
		if c.Request().Method == http.MethodPost {
			if err := checkCSRF(c, sess.csrf); err != nil {
				return err
			}
		}
		c.Set(sessionCtxKey, sess)
		c.Set(principalKey, sess.who)
		return next(c)
	}
}

// checkCSRF compares the form's token with want in constant time, and refuses a
// cross-origin Origin header outright.
func checkCSRF(c echo.Context, want string) error {
	if o := c.Request().Header.Get("Origin"); o != "" && o != "null" {
		if u, err := url.Parse(o); err != nil || u.Host != c.Request().Host {
			return errorf(http.StatusForbidden, "csrf", "", "the form came from another site; reload the page and try again")
		}
	}
	got := c.FormValue("csrf")
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errorf(http.StatusForbidden, "csrf", "csrf", "the form expired; reload the page and try again")
	}
	return nil
}

// setCookie sets a review cookie. The session is SameSite=Lax so a link to a port
// from an email or a chat opens signed in (a top-level GET, which changes nothing);
// every POST still needs the CSRF token. The sign-in token cookie is Strict.
func (ui *reviewUI) setCookie(c echo.Context, name, value string, maxAge int) {
	same := http.SameSiteStrictMode
	if name == sessionCookie {
		same = http.SameSiteLaxMode
	}
	c.SetCookie(&http.Cookie{Name: name, Value: value, Path: reviewPrefix, MaxAge: maxAge,
		HttpOnly: true, SameSite: same, Secure: c.Scheme() == "https"})
}

// baseData is what every review page needs.
func (ui *reviewUI) baseData(c echo.Context) map[string]any {
	d := map[string]any{}
	if sess, _ := ui.session(c); sess != nil {
		d["Actor"], d["Role"], d["CSRF"] = sess.who.Actor, string(sess.who.Role), sess.csrf
	}
	return d
}

// signInPage shows the sign-in form with a fresh double-submit token.
func (ui *reviewUI) signInPage(c echo.Context, status int, msg string) error {
	token := randomToken()
	ui.setCookie(c, loginCSRFCookie, token, 3600)
	next := c.QueryParam("next")
	if next == "" {
		next = c.FormValue("next")
	}
	return ui.s.renderPage(c, status, "review_signin.html", map[string]any{
		"Title": "Sign in", "LoginCSRF": token, "Error": msg, "Next": safeNext(next)})
}

// safeNext keeps a post-sign-in redirect on the review pages (no open redirect).
func safeNext(next string) string {
	if strings.HasPrefix(next, reviewPrefix+"/") && !strings.HasPrefix(next, "//") &&
		!strings.ContainsAny(next, "\\\r\n") && !strings.Contains(next, "..") {
		return next
	}
	return reviewPrefix
}

func (ui *reviewUI) handleSignIn() echo.HandlerFunc {
	return func(c echo.Context) error {
		if e := ui.s.throttled(c); e != nil {
			c.Response().Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
			ui.s.log.InfoContext(c.Request().Context(), "review sign-in refused", append([]any{slog.Int("status", e.Status),
				slog.String("code", e.Code)}, requestAttrs(c)...)...)
			return ui.signInPage(c, e.Status, "Too many failed sign-ins from your address. Wait "+waitText(e.RetryAfter)+
				" before you try again, and check that you are pasting the whole key your administrator gave you.")
		}
		ck, err := c.Cookie(loginCSRFCookie)
		if err != nil {
			return ui.signInPage(c, http.StatusForbidden, "The sign-in form expired or cookies are blocked; try again.")
		}
		if err := checkCSRF(c, ck.Value); err != nil {
			return ui.signInPage(c, http.StatusForbidden, "The sign-in form expired; try again.")
		}
		key := strings.TrimSpace(c.FormValue("key"))
		p, ok := ui.keyPrincipal(c, key)
		switch {
		case !ok:
			if key != "" {
				ui.s.failedSignIn(c)
			}
			return ui.signInPage(c, http.StatusUnauthorized, "That key is not valid.")
		case p.Role != RoleReviewer && p.Role != RoleAdmin:
			return ui.signInPage(c, http.StatusForbidden, "That is a "+string(p.Role)+" key; the review pages need a reviewer or admin key.")
		}
		ui.s.signIns.reset(clientKey(c.RealIP()))
		if _, old := ui.session(c); old != "" {
			ui.sessions.drop(old) // a new sign-in never reuses a session id (fixation)
		}
		id, _ := ui.sessions.create(p)
		ui.setCookie(c, sessionCookie, id, int(sessionTTL/time.Second))
		ui.setCookie(c, loginCSRFCookie, "", -1)
		ui.s.log.InfoContext(c.Request().Context(), "reviewer signed in", slog.String("actor", p.Actor))
		return c.Redirect(http.StatusSeeOther, safeNext(c.FormValue("next")))
	}
}

// keyPrincipal checks a typed key with the API's own authenticate middleware, run on a
// private copy of the request so nothing of the key stays on the real one.
func (ui *reviewUI) keyPrincipal(c echo.Context, key string) (principal, bool) {
	if key == "" {
		return principal{}, false
	}
	req := c.Request().Clone(c.Request().Context())
	req.Header.Set(echo.HeaderAuthorization, "Bearer "+key)
	sub := ui.s.echo.NewContext(req, &captureWriter{header: http.Header{}})
	var p principal
	err := ui.checkKey(func(sc echo.Context) error { p = who(sc); return nil })(sub)
	return p, err == nil && p.Role != ""
}

func (ui *reviewUI) handleSignOut() echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, id := ui.session(c); id != "" {
			ui.sessions.drop(id)
		}
		ui.setCookie(c, sessionCookie, "", -1)
		return c.Redirect(http.StatusSeeOther, reviewPrefix)
	}
}

// captureWriter is a ResponseWriter that keeps the status and body of an API handler
// the pages call internally (the queue, the review decision).
type captureWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *captureWriter) Header() http.Header { return w.header }
func (w *captureWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *captureWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

// callAPI runs one of the API's handlers for the signed-in reviewer, so the pages use
// exactly the code path of the API (the same filters, state checks, timeline events
// and webhooks) instead of a copy. It returns the handler's error or its JSON body.
func (ui *reviewUI) callAPI(c echo.Context, h echo.HandlerFunc, method, target string, body io.Reader, params map[string]string) ([]byte, error) {
	req, err := http.NewRequestWithContext(c.Request().Context(), method, target, body)
	if err != nil {
		return nil, err
	}
	req.Host, req.RemoteAddr = c.Request().Host, c.Request().RemoteAddr
	req.Header.Set(echo.HeaderXRequestID, c.Response().Header().Get(echo.HeaderXRequestID))
	if body != nil {
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	w := &captureWriter{header: http.Header{}}
	sub := ui.s.echo.NewContext(req, w)
	var names, values []string
	for k, v := range params {
		names, values = append(names, k), append(values, v)
	}
	sub.SetParamNames(names...)
	sub.SetParamValues(values...)
	sub.Set(principalKey, who(c))
	if err := h(sub); err != nil {
		return nil, err
	}
	return w.body.Bytes(), nil
}
