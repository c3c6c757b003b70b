package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/portdocs/portdocs/loa"
	"github.com/portdocs/portdocs/portdb"
)

// Config is everything the server needs. Store, DB, Extractor, Check, Sealer and
// Secrets are required; the rest has defaults.
type Config struct {
	// Store keeps the documents' bytes; DB is the store of record (ports, their
	// timeline, documents' keys, signings).
	Store     Store
	DB        *portdb.DB
	Extractor Extractor
	Check     Checker
	Sealer    Sealer
	Secrets   *SecretBox
	// Mailer sends the signing link and notices; nil means links are only returned
	// (and their creation logged, never the token).
	Mailer Mailer
	// NotifyEmail receives "it has been signed" when a port names no submitter_email.
	NotifyEmail string
	// APIKeys are the accepted bearer keys; at least one is required.
	APIKeys []APIKey
	// BaseURL is the public origin used in emailed links ("https://ports.example.com");
	// empty means the request's own scheme and host.
	BaseURL string
	// LOA configures rendering (company name, logo, text); Date is set per render.
	LOA        loa.Options
	SigningTTL time.Duration // 0: loa.DefaultSigningTTL
	// MaxUpload caps a request body in bytes (default 20 MB).
	MaxUpload int64
	// RequestTimeout is each request's deadline (default 60 s).
	RequestTimeout time.Duration
	// MaxLargeUploads is how many large uploads (bills over LargeUpload bytes) are read
	// and processed at once (default 2); the others wait, their bytes left unread in the
	// socket, until a slot frees or their deadline passes (503 + Retry-After).
	MaxLargeUploads int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and X-Real-IP are
	// believed; empty: the direct peer is the client (see ParseTrustedProxies).
	TrustedProxies []netip.Prefix
	// CORSOrigins lists origins allowed to call the API from a browser; empty: none.
	CORSOrigins []string
	// SignInMaxFailures unknown keys from one client within SignInWindow lock it out
	// for a SignInWindow (429 + Retry-After), on the review sign-in form and the API
	// alike (defaults 5 and 15 minutes).
	SignInMaxFailures int
	SignInWindow      time.Duration
	// Webhooks, when set, receive status changes and new notes.
	Webhooks *Webhooks
	// Ready are extra readiness checks (name → check), e.g. "ocr".
	Ready map[string]Pinger
	// Metrics says who may read /metrics: MetricsAdmin (the default) an admin key or
	// MetricsToken, MetricsOpen anyone, MetricsOff no one (the route is not registered).
	Metrics MetricsAccess
	// MetricsToken is a bearer token for Prometheus scrapers, accepted on /metrics only
	// (MetricsAdmin); empty: admin keys only.
	MetricsToken string
	// OCR reports the OCR queue depth for /metrics; optional.
	OCR QueueStats
	// Registry receives the metrics; nil makes a new one.
	Registry *prometheus.Registry
	Logger   *slog.Logger
	Now      func() time.Time
}

// DefaultMaxUpload is the default body limit (CONTRACT: 20 MB).
const DefaultMaxUpload = 20 << 20

// Server is the portdocs HTTP service.
type Server struct {
	cfg      Config
	echo     *echo.Echo
	log      *slog.Logger
	records  records
	metrics  *metrics
	reader   *reader
	pages    *template.Template
	now      func() time.Time
	registry *prometheus.Registry
	// pageImages renders and caches document pages for both the reviewer's bill pages
	// and the signer's LOA pages: one cache, one poppler at a time.
	pageImages *PageImages
	// largeUploads holds one token per large upload being read and processed.
	largeUploads chan struct{}
	// signIns counts unknown keys per client (throttle.go).
	signIns *failureLimiter
}

// New checks cfg and builds the server with every route registered.
func New(cfg Config) (*Server, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("server: Store is required"))
	}
	if cfg.DB == nil {
		errs = append(errs, errors.New("server: DB is required"))
	}
	if cfg.Extractor == nil {
		errs = append(errs, errors.New("server: Extractor is required"))
	}
	if cfg.Check == nil {
		errs = append(errs, errors.New("server: Check is required"))
	}
	if cfg.Sealer == nil {
		errs = append(errs, errors.New("server: Sealer is required"))
	}
	if cfg.Secrets == nil {
		errs = append(errs, errors.New("server: Secrets is required"))
	}
	if len(cfg.APIKeys) == 0 {
		errs = append(errs, errors.New("server: at least one API key is required; the service never runs open"))
	}
	access, err := ParseMetricsAccess(string(cfg.Metrics), cfg.MetricsToken)
	if err != nil {
		errs = append(errs, fmt.Errorf("server: %w", err))
	}
	cfg.Metrics = access
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 60 * time.Second
	}
	if cfg.MaxLargeUploads <= 0 {
		// Measured: 32 concurrent 19 MB uploads peak at 590 MB RSS with 2 slots, 678 MB
		// with 4, at the same throughput (the CPU is the bottleneck, not the slots).
		cfg.MaxLargeUploads = 2
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	// Config names no data folder, so the cache lives in memory (it is only a cache:
	// a restart re-renders on demand).
	images, err := NewPageImages("", 0)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:          cfg,
		log:          cfg.Logger.With(slog.String("component", "server")),
		records:      records{db: cfg.DB},
		pages:        pages,
		now:          cfg.Now,
		registry:     cfg.Registry,
		pageImages:   images,
		largeUploads: make(chan struct{}, cfg.MaxLargeUploads),
		signIns:      newFailureLimiter(cfg.SignInMaxFailures, cfg.SignInWindow, cfg.Now),
	}
	s.metrics = newMetrics(cfg.Registry, cfg.OCR)
	s.reader = &reader{ex: cfg.Extractor, m: s.metrics, timeout: cfg.RequestTimeout, maxOrphans: int64(runtime.NumCPU())}
	if cfg.Webhooks != nil {
		cfg.Webhooks.setOutcome(func(o string) { s.metrics.webhooks.WithLabelValues(o).Inc() })
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)
	s.echo = e
	s.routes(e)
	return s, nil
}

// Handler is the server as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Echo exposes the router (tests compare its routes with the OpenAPI file).
func (s *Server) Echo() *echo.Echo { return s.echo }

// NewHTTPServer wraps the handler in an http.Server with timeouts sized for uploads:
// the write timeout outlasts the per-request deadline so a slow extraction still gets
// its error response out.
func (s *Server) NewHTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.cfg.RequestTimeout,
		WriteTimeout:      s.cfg.RequestTimeout + 15*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
	}
}

// Close stops background work (webhook deliveries) within ctx.
func (s *Server) Close(ctx context.Context) error {
	if s.cfg.Webhooks != nil {
		return s.cfg.Webhooks.Close(ctx)
	}
	return nil
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// observe is the outermost middleware: request ID, panic recovery, one JSON log line
// per request and the latency metric. It handles errors itself (c.Error) so the log
// and the metric see the final status.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		start := time.Now()
		rid := c.Request().Header.Get(echo.HeaderXRequestID)
		if !requestIDPattern.MatchString(rid) {
			rid = newID(10)
		}
		c.Response().Header().Set(echo.HeaderXRequestID, rid)
		c.Response().Header().Set("X-Content-Type-Options", "nosniff")
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
			if err != nil {
				c.Error(err)
			}
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			status := c.Response().Status
			elapsed := time.Since(start)
			s.metrics.latency.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Observe(elapsed.Seconds())
			s.log.InfoContext(c.Request().Context(), "request",
				slog.String("request_id", rid), slog.String("method", c.Request().Method),
				slog.String("route", route), slog.Int("status", status),
				slog.Int64("bytes_in", c.Request().ContentLength), slog.Int64("bytes_out", c.Response().Size),
				slog.Duration("elapsed", elapsed), slog.String("ip", c.RealIP()))
		}()
		return next(c)
	}
}

// limits bounds the body at the socket (Content-Length checked up front, the reader
// capped for chunked bodies) and gives each request a deadline.
func (s *Server) limits(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > s.cfg.MaxUpload {
			return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Field: "file",
				Message: fmt.Sprintf("request body is %d bytes; the limit is %d bytes; upload a smaller file", req.ContentLength, s.cfg.MaxUpload)}
		}
		req.Body = http.MaxBytesReader(c.Response(), req.Body, s.cfg.MaxUpload)
		ctx, cancel := context.WithTimeout(req.Context(), s.cfg.RequestTimeout)
		defer cancel()
		c.SetRequest(req.WithContext(ctx))
		return next(c)
	}
}

// cors is closed unless origins are configured.
func (s *Server) cors() echo.MiddlewareFunc {
	if len(s.cfg.CORSOrigins) == 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	return middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins: s.cfg.CORSOrigins,
		AllowMethods: []string{http.MethodGet, http.MethodPost},
		AllowHeaders: []string{echo.HeaderAuthorization, echo.HeaderContentType},
	})
}

// baseURL is the origin for links: the configured one, else the request's.
func (s *Server) baseURL(c echo.Context) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	return c.Scheme() + "://" + c.Request().Host
}
