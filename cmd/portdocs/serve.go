package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/portdocs/portdocs/check"
	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/forensic"
	"github.com/portdocs/portdocs/loa"
	"github.com/portdocs/portdocs/port"
	"github.com/portdocs/portdocs/portdb"
	"github.com/portdocs/portdocs/server"
	"github.com/portdocs/portdocs/storage"
)

// serveSettings are the 'serve' settings read from flags and the environment.
type serveSettings struct {
	addr, dataDir, baseURL          string
	maxUpload                       int64
	requestTimeout, shutdownTimeout time.Duration
	signingTTL                      time.Duration
	apiKeys                         []server.APIKey
	secretKey                       []byte
	smtp                            *server.SMTPConfig
	notifyEmail, companyName        string
	webhookURL, webhookSecret       string
	corsOrigins                     []string
	trustedProxies                  []netip.Prefix
	ocrOff                          bool
	ocrWorkers, ocrQueue            int
	maxLargeUploads                 int
	signInMaxFailures               int
	signInWindow                    time.Duration
	metrics                         server.MetricsAccess
	metricsToken                    string
	generatedKey                    string
}

// readServeSettings validates every setting and reports all mistakes at once.
func readServeSettings(args []string, getenv func(string) string, stderr io.Writer) (serveSettings, error) {
	env := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	var st serveSettings
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&st.addr, "addr", env("PORTDOCS_ADDR", ":8080"), "listen address (PORTDOCS_ADDR)")
	fs.StringVar(&st.dataDir, "data", env("PORTDOCS_DATA_DIR", "./data"), "data folder: local storage, secret key, dev seal (PORTDOCS_DATA_DIR)")
	if err := fs.Parse(args); err != nil {
		return st, errUsageShown
	}
	var errs []error
	st.baseURL = env("PORTDOCS_BASE_URL", "")
	if st.baseURL != "" && !strings.HasPrefix(st.baseURL, "http://") && !strings.HasPrefix(st.baseURL, "https://") {
		errs = append(errs, fmt.Errorf("PORTDOCS_BASE_URL %q: use an origin such as https://ports.example.com", st.baseURL))
	}
	size, err := parseSize(env("PORTDOCS_MAX_UPLOAD", "20MB"))
	if err != nil {
		errs = append(errs, fmt.Errorf("PORTDOCS_MAX_UPLOAD: %v; use bytes or a size such as 20MB", err))
	}
	st.maxUpload = size
	dur := func(key, def string) time.Duration {
		d, err := time.ParseDuration(env(key, def))
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s %q: use a duration such as %s", key, getenv(key), def))
		}
		return d
	}
	st.requestTimeout = dur("PORTDOCS_REQUEST_TIMEOUT", "60s")
	st.shutdownTimeout = dur("PORTDOCS_SHUTDOWN_TIMEOUT", "30s")
	st.signingTTL = dur("PORTDOCS_SIGNING_TTL", loa.DefaultSigningTTL.String())
	if keys := getenv("PORTDOCS_API_KEYS"); strings.TrimSpace(keys) != "" {
		if st.apiKeys, err = server.ParseAPIKeys(keys); err != nil {
			errs = append(errs, err)
		}
	}
	if len(st.apiKeys) == 0 && len(errs) == 0 {
		st.generatedKey = server.RandomKey()
		st.apiKeys = []server.APIKey{{Role: server.RoleAdmin, Key: st.generatedKey}}
	}
	if k := getenv("PORTDOCS_SECRET_KEY"); k != "" {
		if st.secretKey, err = server.ParseSecretKey(k); err != nil {
			errs = append(errs, err)
		}
	}
	if addr := getenv("PORTDOCS_SMTP_ADDR"); addr != "" {
		st.smtp = &server.SMTPConfig{Addr: addr, From: env("PORTDOCS_SMTP_FROM", "portdocs@localhost"),
			Username: getenv("PORTDOCS_SMTP_USERNAME"), Password: getenv("PORTDOCS_SMTP_PASSWORD"),
			StartTLS: getenv("PORTDOCS_SMTP_STARTTLS") == "1" || getenv("PORTDOCS_SMTP_STARTTLS") == "true"}
	}
	if st.smtp != nil && st.baseURL == "" {
		// Without it an emailed link would carry whatever Host header the request had.
		errs = append(errs, errors.New("PORTDOCS_SMTP_ADDR is set without PORTDOCS_BASE_URL; set PORTDOCS_BASE_URL to the public origin (https://ports.example.com) so emailed links cannot be pointed at another host"))
	}
	if st.trustedProxies, err = server.ParseTrustedProxies(getenv("PORTDOCS_TRUSTED_PROXIES")); err != nil {
		errs = append(errs, err)
	}
	st.metricsToken = strings.TrimSpace(getenv("PORTDOCS_METRICS_TOKEN"))
	if st.metrics, err = server.ParseMetricsAccess(strings.TrimSpace(getenv("PORTDOCS_METRICS")), st.metricsToken); err != nil {
		errs = append(errs, err)
	}
	st.notifyEmail = getenv("PORTDOCS_NOTIFY_EMAIL")
	st.companyName = getenv("PORTDOCS_COMPANY_NAME")
	st.webhookURL, st.webhookSecret = getenv("PORTDOCS_WEBHOOK_URL"), getenv("PORTDOCS_WEBHOOK_SECRET")
	if st.webhookURL != "" && st.webhookSecret == "" {
		errs = append(errs, errors.New("PORTDOCS_WEBHOOK_URL is set without PORTDOCS_WEBHOOK_SECRET; set a secret so receivers can verify deliveries"))
	}
	for _, o := range strings.Split(getenv("PORTDOCS_CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			st.corsOrigins = append(st.corsOrigins, o)
		}
	}
	st.ocrOff = getenv("PORTDOCS_OCR") == "off"
	num := func(key string) int {
		v := getenv(key)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, fmt.Errorf("%s %q: use a positive whole number", key, v))
		}
		return n
	}
	st.ocrWorkers, st.ocrQueue = num("PORTDOCS_OCR_WORKERS"), num("PORTDOCS_OCR_QUEUE")
	st.maxLargeUploads = num("PORTDOCS_MAX_LARGE_UPLOADS")
	st.signInMaxFailures = num("PORTDOCS_SIGNIN_MAX_FAILURES")
	st.signInWindow = dur("PORTDOCS_SIGNIN_WINDOW", server.DefaultSignInWindow.String())
	return st, errors.Join(errs...)
}

// parseSize reads "20MB", "512KB", "1048576".
func parseSize(s string) (int64, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, suf := range []struct {
		s string
		m int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(u, suf.s) {
			u, mult = strings.TrimSpace(strings.TrimSuffix(u, suf.s)), suf.m
			break
		}
	}
	n, err := strconv.ParseInt(u, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a size", s)
	}
	return n * mult, nil
}

// defaultMemoryLimit is the Go heap's soft limit when GOMEMLIMIT is not set. The
// service's budget is 600 MB: about 100 MB of it is C memory (two Tesseract clients and
// the page being recognised), the rest Go's. Without a limit the collector lets the heap
// grow to twice what is live before collecting, and a burst of large uploads leaves the
// process hundreds of megabytes above what it uses; near the limit it collects sooner and
// returns the memory. It is soft: the heap may pass it, at the cost of more collection.
const defaultMemoryLimit = 320 << 20

// setMemoryLimit applies defaultMemoryLimit unless GOMEMLIMIT is set (the runtime has
// read it already), and returns the limit in force.
func setMemoryLimit(getenv func(string) string) int64 {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	return debug.SetMemoryLimit(-1)
}

// checkSecretKey refuses to start with a key other than the one the database was
// written with (keyFile: where the key came from when PORTDOCS_SECRET_KEY is unset).
func checkSecretKey(ctx context.Context, db *portdb.DB, box *server.SecretBox, keyFile string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := server.CheckSecretKey(ctx, db, box)
	switch {
	case err == nil:
		return nil
	case !errors.Is(err, server.ErrSecretKeyMismatch):
		return fmt.Errorf("database: %v; check PORTDOCS_DATABASE_URL or PORTDOCS_DATA_DIR", err)
	case keyFile != "":
		detail := strings.TrimPrefix(err.Error(), server.ErrSecretKeyMismatch.Error())
		return fmt.Errorf("the secret key in %s (PORTDOCS_SECRET_KEY is not set) does not match the one this database was written with%s; "+
			"set PORTDOCS_SECRET_KEY to the key the other instances on this database use, or restore the secret.key it was first written with "+
			"(with another key its sealed PINs do not open)", keyFile, detail)
	default:
		return fmt.Errorf("%v; set PORTDOCS_SECRET_KEY to the key the other instances on this database use "+
			"(or, if it was changed, the key it had before), or point PORTDOCS_DATABASE_URL at this key's own database", err)
	}
}

// runServe is the 'serve' subcommand: wiring only. It runs until ctx ends (SIGINT,
// SIGTERM), then stops accepting connections and lets in-flight requests - uploads
// included - finish within PORTDOCS_SHUTDOWN_TIMEOUT.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	st, err := readServeSettings(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	memLimit := setMemoryLimit(getenv)
	if st.generatedKey != "" {
		// Printed once, here, and never logged again: the service never runs open.
		fmt.Fprintf(stderr, "portdocs: PORTDOCS_API_KEYS is not set; this run's admin key is: %s\n", st.generatedKey)
	}

	store, storeDesc, err := storage.OpenFromEnv(ctx, getenv)
	if err != nil {
		return fmt.Errorf("storage: %v; check MINIO_* or PORTDOCS_DATA_DIR", err)
	}
	// The store of record: SQLite in the data folder unless PORTDOCS_DATABASE_URL names
	// a PostgreSQL server (several instances share one). Records that an earlier
	// portdocs kept as JSON objects in storage are imported once.
	dbCtx, cancelDB := context.WithTimeout(ctx, 30*time.Second)
	db, err := portdb.Open(dbCtx, getenv("PORTDOCS_DATABASE_URL"), st.dataDir)
	if err == nil {
		_, _, err = server.ImportLegacy(dbCtx, store, db, logger)
	}
	cancelDB()
	if err != nil {
		return fmt.Errorf("database: %v; check PORTDOCS_DATABASE_URL or PORTDOCS_DATA_DIR", err)
	}
	defer db.Close()
	key, keyFile := st.secretKey, ""
	if key == nil {
		keyFile = filepath.Join(st.dataDir, "secret.key")
		if key, err = server.LoadOrCreateKeyFile(keyFile); err != nil {
			return fmt.Errorf("%s: %v; set PORTDOCS_SECRET_KEY or make the data folder writable", keyFile, err)
		}
	}
	box, err := server.NewSecretBox(key)
	if err != nil {
		return err
	}
	if err := checkSecretKey(ctx, db, box, keyFile); err != nil {
		return err
	}
	sealer, err := loa.SealerFromEnv(getenv, st.dataDir)
	if err != nil {
		return fmt.Errorf("seal: %v; check PORTDOCS_SEAL_CERT and PORTDOCS_SEAL_KEY", err)
	}
	if sealer.Development() {
		logger.Warn("using the self-signed development seal; set PORTDOCS_SEAL_CERT and PORTDOCS_SEAL_KEY in production")
	}
	if tsaURL := getenv(loa.EnvTSAURL); tsaURL != "" {
		if err := sealer.UseTSA(tsaURL, 0); err != nil {
			return err
		}
		defer sealer.Close()
		shown := tsaURL
		if u, err := url.Parse(tsaURL); err == nil {
			shown = u.Redacted()
		}
		logger.Info("seals carry RFC 3161 timestamps", slog.String("tsa", shown))
	} else {
		logger.Warn("no timestamp authority (PORTDOCS_TSA_URL): seals carry the service's clock and say so")
	}

	ready := map[string]server.Pinger{}
	var ocr *extract.OCR
	if !st.ocrOff {
		ocr, err = extract.NewOCR(extract.OCROptions{Workers: st.ocrWorkers, QueueLen: st.ocrQueue})
		if err != nil {
			// Text-layer PDFs still work; readiness says OCR is missing until fixed.
			logger.Error("OCR unavailable; scanned bills will be refused (set PORTDOCS_OCR=off to run without it)", slog.String("error", err.Error()))
			ocrErr := err
			ready["ocr"] = func(context.Context) error { return ocrErr }
		} else {
			defer ocr.Close()
			ready["ocr"] = func(context.Context) error { return nil }
			logger.Info("OCR ready", slog.String("model", ocr.Model()), slog.Int("workers", ocr.Workers()))
		}
		if rerr := extract.RasterizerAvailable(); rerr != nil {
			// Images still read; readiness says scanned PDFs can't be until fixed.
			logger.Error("scanned PDF pages cannot be rendered for OCR", slog.String("error", rerr.Error()))
			ready["pdf_rasterizer"] = func(context.Context) error { return rerr }
		}
	}
	var mailer server.Mailer
	if st.smtp != nil {
		if mailer, err = server.NewSMTPMailer(*st.smtp); err != nil {
			return err
		}
	}
	var hooks *server.Webhooks
	if st.webhookURL != "" {
		hooks = server.NewWebhooks(server.WebhookConfig{URL: st.webhookURL, Secret: st.webhookSecret, Logger: logger})
	}
	extractor := extract.New(extract.Options{MaxBytes: st.maxUpload, OCR: ocr})
	srv, err := server.New(server.Config{
		Store:     store,
		DB:        db,
		Extractor: extractor,
		Check: func(ctx context.Context, req port.Request, ex *extract.Extraction, bill []byte, others []extract.BillSummary, now time.Time) (json.RawMessage, error) {
			return json.Marshal(check.BillAmong(ctx, req, ex, bill, now, forensic.Options{Extractor: extractor}, others))
		},
		Sealer: sealer, Secrets: box, Mailer: mailer, NotifyEmail: st.notifyEmail,
		APIKeys: st.apiKeys, BaseURL: st.baseURL,
		LOA:        loa.Options{CompanyName: st.companyName},
		SigningTTL: st.signingTTL, MaxUpload: st.maxUpload, RequestTimeout: st.requestTimeout,
		MaxLargeUploads:   st.maxLargeUploads,
		SignInMaxFailures: st.signInMaxFailures, SignInWindow: st.signInWindow,
		Metrics: st.metrics, MetricsToken: st.metricsToken,
		CORSOrigins: st.corsOrigins, TrustedProxies: st.trustedProxies, Webhooks: hooks, Ready: ready, Logger: logger,
	})
	if err != nil {
		return err
	}
	hs := srv.NewHTTPServer(st.addr)
	ln, err := net.Listen("tcp", st.addr)
	if err != nil {
		return fmt.Errorf("PORTDOCS_ADDR %s: %v; choose a free address", st.addr, err)
	}
	logger.Info("portdocs listening", slog.String("addr", ln.Addr().String()), slog.String("storage", storeDesc),
		slog.Bool("smtp", mailer != nil), slog.Bool("webhooks", hooks != nil), slog.Bool("ocr", ocr != nil),
		slog.Int64("max_upload", st.maxUpload), slog.Int64("go_memory_limit", memLimit))
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve %s: %v", st.addr, err)
	case <-ctx.Done():
	}
	logger.Info("shutting down; finishing in-flight requests", slog.Duration("deadline", st.shutdownTimeout))
	sctx, cancel := context.WithTimeout(context.Background(), st.shutdownTimeout)
	defer cancel()
	err = hs.Shutdown(sctx)
	if cerr := srv.Close(sctx); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %v; some requests were cut off", err)
	}
	logger.Info("stopped")
	return nil
}
