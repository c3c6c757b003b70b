package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// stepClock is a clock tests move by hand.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *stepClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestFailureLimiter(t *testing.T) {
	clock := &stepClock{t: time.Date(2026, 10, 3, 9, 0, 0, 0, time.UTC)}
	l := newFailureLimiter(3, 10*time.Minute, clock.Now)
	const a = "ip:192.0.2.1"

	for i := 1; i <= 2; i++ {
		if l.fail(a) {
			t.Fatalf("failure %d locked the client out; the limit is 3", i)
		}
		if _, blocked := l.blocked(a); blocked {
			t.Fatalf("blocked after %d failures, want only after 3", i)
		}
	}
	clock.advance(time.Minute)
	if !l.fail(a) {
		t.Fatal("the third failure within the window did not lock the client out")
	}
	if left, blocked := l.blocked(a); !blocked || left != 10*time.Minute {
		t.Fatalf("after 3 failures: blocked %v for %v, want true for 10m", blocked, left)
	}
	if _, blocked := l.blocked("ip:192.0.2.2"); blocked {
		t.Error("another client is blocked too")
	}
	clock.advance(10 * time.Minute)
	if _, blocked := l.blocked(a); blocked {
		t.Fatal("still blocked after the lockout")
	}
	if l.fail(a) {
		t.Error("the first failure after a lockout locked again; the count should start over")
	}

	// Failures spread wider than the window never lock.
	const b = "ip:192.0.2.3"
	for i := range 6 {
		if l.fail(b) {
			t.Fatalf("failure %d, each 6 minutes apart, locked the client out", i+1)
		}
		clock.advance(6 * time.Minute)
	}

	// A reset forgets the failures.
	l.fail(a)
	l.reset(a)
	l.fail(a)
	l.fail(a)
	if _, blocked := l.blocked(a); blocked {
		t.Error("blocked after a reset and 2 failures")
	}
}

func TestFailureLimiterMemoryIsBounded(t *testing.T) {
	clock := &stepClock{t: time.Date(2026, 10, 3, 9, 0, 0, 0, time.UTC)}
	l := newFailureLimiter(2, time.Minute, clock.Now)
	locked := "ip:198.51.100.1"
	l.fail(locked)
	l.fail(locked)
	for i := range maxThrottled + 500 {
		clock.advance(time.Millisecond)
		l.fail(fmt.Sprintf("ip:10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		if n := l.size(); n > maxThrottled {
			t.Fatalf("the limiter holds %d clients, over its bound %d", n, maxThrottled)
		}
	}
	if _, blocked := l.blocked(locked); !blocked {
		t.Error("a flood of new addresses evicted the locked-out one")
	}
	// Within the minute the oldest entries go first; once their window has passed,
	// stale entries are swept before anyone live is dropped.
	clock.advance(time.Minute)
	l.fail("ip:203.0.113.9")
	if n := l.size(); n > 2 {
		t.Errorf("after the window %d clients remain, want the stale ones swept", n)
	}
}

func TestClientKeyGroupsIPv6By64(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"not an ip", ""},
	} {
		if clientKey(tc.a) != clientKey(tc.b) {
			t.Errorf("clientKey(%q) = %q, clientKey(%q) = %q; want one client", tc.a, clientKey(tc.a), tc.b, clientKey(tc.b))
		}
	}
	if clientKey("2001:db8:1:2::1") == clientKey("2001:db8:1:3::1") {
		t.Error("two /64s count as one client")
	}
}

// TestReviewSignInThrottled: after 5 unknown keys from one address the form answers
// 429 with Retry-After and a readable page - even for the right key, which is not
// checked - until the window passes; other addresses are not affected.
func TestReviewSignInThrottled(t *testing.T) {
	e := newTestEnv(t, nil)
	from := func(ip string) func(*http.Request) {
		return func(r *http.Request) { r.RemoteAddr = ip + ":4321" }
	}
	rc := newReviewClient(e)
	for i := 1; i <= DefaultSignInMaxFailures; i++ {
		if rec := rc.signIn(fmt.Sprintf("guess-%d-0123456789abcdef", i), from("192.0.2.50")); rec.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d: status %d, want 401", i, rec.Code)
		}
	}
	rec := rc.signIn(reviewerKey, from("192.0.2.50"))
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("the right key after 5 guesses: status %d, want 429\n%s", rec.Code, rec.Body)
	}
	if ra, _ := strconv.Atoi(rec.Header().Get("Retry-After")); ra != 900 {
		t.Errorf("Retry-After %q, want 900", rec.Header().Get("Retry-After"))
	}
	body := rec.Body.String()
	if !strings.Contains(body, "Too many failed sign-ins") || !strings.Contains(body, "15 minutes") || !strings.Contains(body, `id="signin"`) {
		t.Errorf("the 429 page does not explain itself or lacks the form:\n%s", body)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie && c.MaxAge > 0 {
			t.Fatal("a throttled sign-in set a session cookie")
		}
	}
	// The API is throttled for the same address.
	api := httptest.NewRequest(http.MethodGet, "/v1/reviews", nil)
	api.RemoteAddr = "192.0.2.50:1"
	api.Header.Set("Authorization", "Bearer "+reviewerKey)
	apiRec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(apiRec, api)
	if apiRec.Code != http.StatusTooManyRequests {
		t.Errorf("the API from the locked-out address: %d, want 429", apiRec.Code)
	}

	if rec := newReviewClient(e).signIn(reviewerKey, from("192.0.2.51")); rec.Code != http.StatusSeeOther {
		t.Errorf("another address: status %d, want 303", rec.Code)
	}
	e.clock.advance(DefaultSignInWindow)
	if rec := rc.signIn(reviewerKey, from("192.0.2.50")); rec.Code != http.StatusSeeOther {
		t.Errorf("after the window: status %d, want 303\n%s", rec.Code, rec.Body)
	}
}

// TestReviewSignInSuccessResetsFailures: a reviewer who mistypes 4 times and then
// signs in starts over.
func TestReviewSignInSuccessResetsFailures(t *testing.T) {
	e := newTestEnv(t, nil)
	guess := func(rc *reviewClient, n int) int {
		code := 0
		for i := range n {
			code = rc.signIn(fmt.Sprintf("typo-%d-0123456789abcdef", i), nil).Code
		}
		return code
	}
	rc := newReviewClient(e)
	guess(rc, DefaultSignInMaxFailures-1)
	if rec := rc.signIn(reviewerKey, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in after 4 typos: %d, want 303", rec.Code)
	}
	if code := guess(newReviewClient(e), DefaultSignInMaxFailures-1); code != http.StatusUnauthorized {
		t.Fatalf("4 more typos: %d, want 401", code)
	}
	if rec := newReviewClient(e).signIn(reviewerKey, nil); rec.Code != http.StatusSeeOther {
		t.Errorf("the count was not reset by the sign-in: %d, want 303", rec.Code)
	}
}

// TestAPIKeyGuessingThrottled: unknown bearer keys count per client address as the
// server finds it: X-Forwarded-For from an untrusted peer is no new address, from a
// configured proxy it is.
func TestAPIKeyGuessingThrottled(t *testing.T) {
	e := newTestEnv(t, func(c *Config) {
		c.SignInMaxFailures = 3
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32")}
	})
	call := func(peer, xff, key string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/v1/reviews", nil)
		req.RemoteAddr = peer + ":5555"
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(rec, req)
		return rec
	}
	for i := range 3 {
		// A new X-Forwarded-For each time, from a peer that is no proxy: one client.
		if rec := call("192.0.2.60", fmt.Sprintf("203.0.113.%d", i), "wrong-key-0123456789abcdef"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i+1, rec.Code)
		}
	}
	rec := call("192.0.2.60", "203.0.113.99", reviewerKey)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "900" ||
		!strings.Contains(rec.Body.String(), `"code":"too_many_attempts"`) || !strings.Contains(rec.Body.String(), "try again in 15 minutes") {
		t.Fatalf("after 3 guesses: %d Retry-After %q %s; want 429 too_many_attempts, 900", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	// Through the trusted proxy, each forwarded client counts for itself.
	for range 3 {
		call("10.0.0.1", "198.51.100.7", "wrong-key-0123456789abcdef")
	}
	if rec := call("10.0.0.1", "198.51.100.7", reviewerKey); rec.Code != http.StatusTooManyRequests {
		t.Errorf("the forwarded guesser: %d, want 429", rec.Code)
	}
	if rec := call("10.0.0.1", "198.51.100.8", reviewerKey); rec.Code != http.StatusOK {
		t.Errorf("another client behind the same proxy: %d, want 200", rec.Code)
	}
	// A valid key does not reset the API's count (no interleaving to keep guessing).
	e.clock.advance(DefaultSignInWindow)
	for range 2 {
		call("192.0.2.61", "", "wrong-key-0123456789abcdef")
	}
	call("192.0.2.61", "", wizardKey)
	call("192.0.2.61", "", "wrong-key-0123456789abcdef")
	if rec := call("192.0.2.61", "", wizardKey); rec.Code != http.StatusTooManyRequests {
		t.Errorf("guesses interleaved with a valid key: %d, want 429", rec.Code)
	}
}
