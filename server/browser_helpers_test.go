package server

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/portdocs/portdocs/check"
	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/loa"
	"github.com/portdocs/portdocs/port"
	"github.com/portdocs/portdocs/portdb"
	"github.com/portdocs/portdocs/storage"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "copy the browser tests' screenshots to docs/screenshots")

// Bounds for a loaded 2-core machine: generous per step, but every step is bounded.
const (
	browserStartTimeout = 90 * time.Second
	browserStepTimeout  = 45 * time.Second
	browserTestTimeout  = 6 * time.Minute
)

// billFixture is a real bill with its request, as in fixtures/bills/*/.
type billFixture struct {
	Dir      string
	Bill     []byte
	Request  map[string]any
	BillDate time.Time // from expected.json; zero when the bill shows none
}

// findBillFixture picks the first fixture bill (in name order) that is a PDF whose
// expected reading has an account number, the field the browser test alters.
func findBillFixture(t *testing.T) billFixture {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("..", "fixtures", "bills", "*", "bill.pdf"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures/bills/*/bill.pdf: %v", err)
	}
	sort.Strings(dirs)
	for _, billPath := range dirs {
		dir := filepath.Dir(billPath)
		var expected struct {
			Fields struct {
				AccountNumber *string `json:"account_number"`
				BillDate      *string `json:"bill_date"`
			} `json:"fields"`
		}
		var req map[string]any
		if readJSONFile(filepath.Join(dir, "expected.json"), &expected) != nil ||
			readJSONFile(filepath.Join(dir, "request.json"), &req) != nil || expected.Fields.AccountNumber == nil {
			continue
		}
		bill, err := os.ReadFile(billPath)
		if err != nil {
			t.Fatal(err)
		}
		f := billFixture{Dir: dir, Bill: bill, Request: req}
		if expected.Fields.BillDate != nil {
			f.BillDate, _ = time.Parse(time.DateOnly, *expected.Fields.BillDate)
		}
		return f
	}
	t.Fatal("no fixture bill with an account number and a request.json")
	return billFixture{}
}

func readJSONFile(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// alterLastDigit changes the last digit of s (so the check must flag it) and keeps
// everything else.
func alterLastDigit(s string) string {
	b := []byte(s)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] >= '0' && b[i] <= '9' {
			b[i] = '0' + (b[i]-'0'+5)%10
			return string(b)
		}
	}
	return s + "9"
}

// browserServer is the real server (real extractor, real check, real seal, local
// storage in a temporary folder) listening on loopback.
type browserServer struct {
	srv   *Server
	http  *httptest.Server
	store Store
	skew  *atomic.Int64 // nanoseconds added to the server's clock (expiring links)
}

func startBrowserServer(t *testing.T, now time.Time) *browserServer {
	t.Helper()
	local, err := storage.NewLocal(t.TempDir(), storage.LocalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	box, err := NewSecretBox(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := loa.DevSealer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	checker := func(_ context.Context, req port.Request, ex *extract.Extraction, _ []byte, others []extract.BillSummary, now time.Time) (json.RawMessage, error) {
		return json.Marshal(check.RunAmong(req, ex, now, others))
	}
	skew := new(atomic.Int64)
	clock := func() time.Time { return now.Add(time.Since(startedAt) + time.Duration(skew.Load())) }
	s, err := New(Config{
		Store: local, DB: testDB(t, portdb.SQLite), Extractor: extract.New(extract.Options{}), Check: checker, Sealer: sealer, Secrets: box,
		APIKeys: []APIKey{{Role: RoleWizard, Key: wizardKey}, {Role: RoleReviewer, Key: reviewerKey}, {Role: RoleAdmin, Key: adminKey}},
		Now:     clock, Logger: newJSONLogger(io.Discard),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &browserServer{srv: s, http: hs, store: local, skew: skew}
}

var startedAt = time.Now()

// api calls the JSON API with a key and returns the status and body.
func (b *browserServer) api(t *testing.T, method, path, key, contentType string, body io.Reader) (int, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), browserStepTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, b.http.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := b.http.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data
}

// portStatus reads a port's status through the API.
func (b *browserServer) portStatus(t *testing.T, id string) Status {
	t.Helper()
	code, body := b.api(t, http.MethodGet, "/v1/ports/"+id, reviewerKey, "", nil)
	if code != http.StatusOK {
		t.Fatalf("GET port: %d %s", code, body)
	}
	var v struct{ Status Status }
	mustJSON(t, body, &v)
	return v.Status
}

// browser is one headless Chromium tab with the test's helpers.
type browser struct {
	t         *testing.T
	ctx       context.Context
	artifacts string
	shots     []string
}

// startBrowser launches Debian's Chromium (CI fails, rather than skips, without it)
// with a fresh profile and no background traffic.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	exe := testenv.LookTool(t, "chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	root, cancelRoot := context.WithTimeout(context.Background(), browserTestTimeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(root, opts...)
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() { cancelTab(); cancelAlloc(); cancelRoot() })

	artifacts := os.Getenv("PORTDOCS_ARTIFACTS")
	if artifacts != "" {
		artifacts = filepath.Join(artifacts, "browser")
	} else {
		artifacts = t.TempDir()
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("browser screenshots go to %s", artifacts)
	b := &browser{t: t, ctx: ctx, artifacts: artifacts}
	// The first action starts the browser, and the browser lives as long as the context
	// of that first action: so it runs on the tab's own context, bounded by a timer
	// instead of a derived deadline.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx, chromedp.Navigate("about:blank")) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start chromium (%s): %v", exe, err)
		}
	case <-time.After(browserStartTimeout):
		cancelTab()
		t.Fatalf("chromium (%s) did not start within %s", exe, browserStartTimeout)
	}
	return b
}

// do runs one bounded step; on failure it saves a screenshot of what the page showed.
func (b *browser) do(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.failShot(name)
		b.t.Fatalf("browser step %q: %v", name, err)
	}
}

// eval evaluates a JavaScript expression in one bounded step.
func eval[T any](b *browser, name, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.failShot(name)
		b.t.Fatalf("browser step %q: evaluate: %v", name, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it is true, bounded. Errors while the page
// navigates (the old document is gone, the new one not there yet) count as "not yet".
func (b *browser) waitFor(name, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(browserStepTimeout)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		if b.ctx.Err() != nil {
			break
		}
		time.Sleep(150 * time.Millisecond)
	}
	b.failShot(name)
	b.t.Fatalf("browser step %q: %s never became true (last error: %v)", name, cond, last)
}

// screenshot saves the whole page as NAME.png among the artifacts.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	b.shoot(name, chromedp.FullScreenshot(100))
}

// screenshotViewport saves only what the viewport shows (a phone's first screen).
func (b *browser) screenshotViewport(name string) {
	b.t.Helper()
	b.shoot(name, chromedp.CaptureScreenshot())
}

func (b *browser) shoot(name string, capture chromedp.Action[[]byte]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, capture)
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(b.artifacts, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.shots = append(b.shots, path)
	b.t.Logf("screenshot %s", path)
}

// failShot keeps what the page showed when a step failed, if the tab still answers.
func (b *browser) failShot(step string) {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		path := filepath.Join(b.artifacts, "FAILED-"+strings.NewReplacer(" ", "-", "/", "-").Replace(step)+".png")
		if os.WriteFile(path, png, 0o644) == nil {
			b.t.Logf("failure screenshot %s", path)
		}
	}
}

// publishScreenshots copies the screenshots to docs/screenshots with -update-screenshots.
func (b *browser) publishScreenshots() {
	b.t.Helper()
	if !*updateScreenshots {
		return
	}
	dst := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		b.t.Fatal(err)
	}
	for _, p := range b.shots {
		data, err := os.ReadFile(p)
		if err != nil {
			b.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(p)), data, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.t.Logf("copied %d screenshot(s) to %s", len(b.shots), dst)
}

// viewport sets the page size; phone adds mobile emulation at 2× pixels.
func (b *browser) viewport(width, height int64, phone bool) {
	b.t.Helper()
	if phone {
		b.do("viewport", chromedp.EmulateViewport(width, height, chromedp.EmulateMobile, chromedp.EmulateScale(2), chromedp.EmulatePortrait))
		return
	}
	b.do("viewport", chromedp.EmulateViewport(width, height))
}

// noHorizontalScroll asserts the page fits the viewport's width (readable on a phone).
func (b *browser) noHorizontalScroll(page string) {
	b.t.Helper()
	type widths struct{ Scroll, Inner float64 }
	w := eval[widths](b, "measure "+page, `({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})`)
	if w.Scroll > w.Inner+1 {
		b.t.Errorf("%s: page is %v px wide in a %v px viewport; it scrolls sideways", page, w.Scroll, w.Inner)
	}
}

// everyControlLabelled asserts every visible form control has a label.
func (b *browser) everyControlLabelled(page string) {
	b.t.Helper()
	unlabelled := eval[[]string](b, "labels "+page, `[...document.querySelectorAll('input:not([type=hidden]),select,textarea')]
		.filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name || el.id)`)
	if len(unlabelled) > 0 {
		b.t.Errorf("%s: form controls without a label: %v", page, unlabelled)
	}
}

// drawOn draws a stroke across the canvas sel with the mouse (pointer events).
func (b *browser) drawOn(sel string) {
	b.t.Helper()
	b.do("scroll to "+sel, chromedp.ScrollIntoView(chromedp.CSS(sel)))
	type rect struct{ X, Y, Width, Height float64 }
	r := eval[rect](b, "locate "+sel, `(() => { const r = document.querySelector(`+jsString(sel)+`).getBoundingClientRect();
		return {x: r.x, y: r.y, width: r.width, height: r.height}; })()`)
	if r.Width < 20 || r.Height < 20 {
		b.t.Fatalf("canvas %s is %vx%v px; too small to draw on", sel, r.Width, r.Height)
	}
	held := func(p *input.DispatchMouseEventParams) { p.Button, p.Buttons = input.MouseButtonLeft, 1 }
	actions := []chromedp.Action[chromedp.Void]{
		chromedp.MouseEvent(chromedp.MousePressed, r.X+r.Width*0.1, r.Y+r.Height*0.6, held, chromedp.ClickCount(1)),
	}
	for i := 1; i <= 12; i++ {
		f := float64(i) / 12
		y := r.Y + r.Height*(0.6-0.3*f*(1-f)*4) // an arc
		actions = append(actions, chromedp.MouseEvent(chromedp.MouseMoved, r.X+r.Width*(0.1+0.8*f), y, held))
	}
	actions = append(actions, chromedp.MouseEvent(chromedp.MouseReleased, r.X+r.Width*0.9, r.Y+r.Height*0.6, held, chromedp.ClickCount(1)))
	b.do("draw on "+sel, actions...)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
