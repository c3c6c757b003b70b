package server

import (
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// Sign-in throttling (issue 17.8). An API key is only a long random string, but nothing
// stopped a client from trying keys as fast as the server answered, on the review sign-in
// form or with bearer headers on the API. After MaxFailures unknown keys from one client
// within Window, that client's next attempts are refused with 429 and Retry-After for a
// Window, before the key they carry is even compared.

// Defaults for Config.SignInMaxFailures and Config.SignInWindow.
const (
	DefaultSignInMaxFailures = 5
	DefaultSignInWindow      = 15 * time.Minute
)

// maxThrottled bounds the limiter's memory: beyond it the stale entries go, and then
// the one idle longest.
const maxThrottled = 10000

// failureLimiter counts failed sign-ins per client. Its clock is injected, so tests
// move time instead of sleeping.
type failureLimiter struct {
	mu     sync.Mutex
	now    func() time.Time
	max    int
	window time.Duration
	m      map[string]*failures
}

// failures is one client's record: n failures since first; locked until until.
type failures struct {
	n           int
	first, last time.Time
	until       time.Time
}

func newFailureLimiter(max int, window time.Duration, now func() time.Time) *failureLimiter {
	if max <= 0 {
		max = DefaultSignInMaxFailures
	}
	if window <= 0 {
		window = DefaultSignInWindow
	}
	return &failureLimiter{now: now, max: max, window: window, m: map[string]*failures{}}
}

// clientKey names the client a failure counts against: its IP, as the server's
// IPExtractor found it (PORTDOCS_TRUSTED_PROXIES decides whether X-Forwarded-For is
// believed). An IPv6 client counts by its /64, which one host usually has whole.
func clientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "ip:unknown"
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + a.String()
}

// blocked reports whether key is locked out, and for how long still.
func (l *failureLimiter) blocked(key string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.m[key]
	if f == nil {
		return 0, false
	}
	if left := f.until.Sub(l.now()); left > 0 {
		return left, true
	}
	return 0, false
}

// fail records a failed attempt; it reports whether this one locked the client out.
func (l *failureLimiter) fail(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	f := l.m[key]
	if f != nil && l.stale(f, now) {
		f = nil
	}
	if f == nil {
		if _, ok := l.m[key]; !ok && len(l.m) >= maxThrottled {
			l.evict(now)
		}
		f = &failures{first: now}
		l.m[key] = f
	}
	f.n++
	f.last = now
	if f.n >= l.max && !now.Before(f.until) {
		f.until = now.Add(l.window)
		return true
	}
	return false
}

// reset forgets key's failures (a successful sign-in).
func (l *failureLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.m, key)
}

// stale: the window of f's first failure has passed and no lockout is running.
func (l *failureLimiter) stale(f *failures, now time.Time) bool {
	return !now.Before(f.first.Add(l.window)) && !now.Before(f.until)
}

// evict drops every stale entry and, if the map is still full, the one idle longest,
// preferring one not locked out: a flood of new addresses should not free a locked one.
func (l *failureLimiter) evict(now time.Time) {
	var victim string
	var victimLocked bool
	var oldest time.Time
	for k, f := range l.m {
		if l.stale(f, now) {
			delete(l.m, k)
			continue
		}
		locked := now.Before(f.until)
		if victim == "" || victimLocked && !locked || victimLocked == locked && f.last.Before(oldest) {
			victim, victimLocked, oldest = k, locked, f.last
		}
	}
	if len(l.m) >= maxThrottled {
		delete(l.m, victim)
	}
}

// size is how many clients the limiter remembers (tests check the bound).
func (l *failureLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}

// throttled answers a locked-out client before its key is looked at: 429 with
// Retry-After, and nil when the client may try.
func (s *Server) throttled(c echo.Context) *Error {
	left, ok := s.signIns.blocked(clientKey(c.RealIP()))
	if !ok {
		return nil
	}
	secs := int((left + time.Second - 1) / time.Second)
	e := errorf(http.StatusTooManyRequests, "too_many_attempts", "",
		"too many failed sign-in attempts from this address; try again in %s", waitText(secs))
	e.RetryAfter = secs
	return e
}

// failedSignIn counts an unknown key against the client; the attempt that locks it
// out is logged (the address, never the key).
func (s *Server) failedSignIn(c echo.Context) {
	key := clientKey(c.RealIP())
	if s.signIns.fail(key) {
		s.log.WarnContext(c.Request().Context(), "sign-in attempts throttled after repeated unknown keys",
			slog.String("client", key), slog.Int("failures", s.signIns.max), slog.Duration("for", s.signIns.window))
	}
}

// waitText says how long to wait in words a person reads.
func waitText(secs int) string {
	if secs >= 120 {
		return strconv.Itoa((secs+59)/60) + " minutes"
	}
	if secs == 1 {
		return "1 second"
	}
	return strconv.Itoa(secs) + " seconds"
}
