package ocr

// The OCR engine: a bounded pool of reused Tesseract clients.
//
// A gosseract client costs about 200 ms to initialise (it loads the language model) and
// is not safe for concurrent use, so the engine keeps up to Workers initialised clients
// and lends each to one page at a time. Admission is by pages: a request for n pages is
// refused at once with ErrOCRBusy (HTTP 429) when the pages already admitted plus n
// would exceed Workers+QueueLen — waiting requests hold no bitmaps, because a page is
// decoded or rasterized only when a worker takes it, so memory stays at about Workers
// pages whatever the queue holds.
//
// Threads: Debian's libtesseract uses OpenMP, whose default of one thread per core per
// recognising page oversubscribes small machines (2.3 s against 0.75 s per page on 2
// cores, issue 3). libgomp reads OMP_THREAD_LIMIT once, when the process starts, so
// setting it from Go is too late; the process must be started with OMP_THREAD_LIMIT=1
// (the Dockerfile sets it; ExecWithThreadLimit re-executes a process that lacks it, and
// the extract tests' TestMain does that).

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/portdocs/portdocs/extract/doc"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"
)

// Options configure the OCR engine. Zero values take the defaults in brackets.
type Options struct {
	Workers        int           // pages OCR'd at once [runtime.NumCPU()]
	QueueLen       int           // pages admitted beyond the workers before ErrOCRBusy [4×Workers]
	Languages      []string      // Tesseract models [the bundled Latin model; see New]
	TessdataPrefix string        // directory holding the *.traineddata files [Tesseract's own]
	DPI            float64       // resolution PDF pages are rendered at [300]
	MaxPages       int           // pages per document [50]
	MaxPagePixels  int64         // pixels of one page [40 million: 11×17 in at 300 dpi is 17 M]
	MaxTotalPixels int64         // pixels of one document, all pages [250 million]
	PageTimeout    time.Duration // rendering one PDF page [60 s]
	// MaxPixelsInFlight bounds memory: the pixels of all pages being recognised at once,
	// across the workers [24 million: two letter pages at 300 dpi fit side by side; a
	// bigger page waits for the others and then runs alone]. Recognition costs about 15
	// bytes per pixel between our bitmaps and Tesseract's own copies, so the default
	// keeps OCR under about 400 MB whatever the pages are.
	MaxPixelsInFlight int64
	// PageSegMode is Tesseract's page segmentation mode [11, sparse text]. Bills are
	// forms: label and value columns side by side in different sizes. The default
	// layout analysis (3) joins them into one text line and the recogniser, which
	// scales a line to one height, turns the smaller half into garbage ("10/03/2026"
	// read as "eg uiceaeats"). Sparse text finds each run on its own; reading order
	// does not matter because lines are rebuilt from the word boxes.
	PageSegMode int
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.QueueLen <= 0 {
		o.QueueLen = 4 * o.Workers
	}
	if o.DPI <= 0 {
		o.DPI = 300
	}
	if o.MaxPages <= 0 {
		o.MaxPages = 50
	}
	if o.MaxPagePixels <= 0 {
		o.MaxPagePixels = 40_000_000
	}
	if o.MaxTotalPixels <= 0 {
		o.MaxTotalPixels = 250_000_000
	}
	if o.PageTimeout <= 0 {
		o.PageTimeout = 60 * time.Second
	}
	if o.MaxPixelsInFlight <= 0 {
		o.MaxPixelsInFlight = 24_000_000
	}
	if o.PageSegMode <= 0 {
		o.PageSegMode = 11
	}
	return o
}

// ocrLimits are the caps applied before anything is decoded.
type ocrLimits struct {
	maxPages                      int
	maxPagePixels, maxTotalPixels int64
}

// OCR turns scanned pages and images into Words. Safe for concurrent use.
type Engine struct {
	opts    Options
	workers chan struct{}       // one token per page being recognised
	pixels  *semaphore.Weighted // MaxPixelsInFlight, taken by a page after its worker token
	idle    chan *tessClient    // initialised clients not in use
	newMu   sync.Mutex          // serialises client start-up (Tesseract's Init redirects stderr)
	mu      sync.Mutex          // guards admitted, closed
	running sync.WaitGroup      // admitted requests, for Close
	all     []*tessClient       // every client made, for Close
	stats   func(kind string)   // test hook: "init" when a client is made
	// fake, when set (tests only), stands in for Tesseract in the pool's own tests.
	fake     func(ctx context.Context, g *image.Gray, dpi float64) (doc.Page, error)
	admitted int
	closed   bool
	model    string // where the model came from: "bundled" or "system"
}

// New starts the OCR engine: it initialises one Tesseract client now, so a missing
// library or language model shows at start-up as ErrOCRUnavailable, and the others on
// first use.
//
// With no Languages and no TessdataPrefix it reads with the bundled model (tessdata.go),
// else the system's Latin model, else English.
func New(opts Options) (*Engine, error) {
	o := newOCR(opts)
	var c *tessClient
	var err error
	if len(o.opts.Languages) > 0 || o.opts.TessdataPrefix != "" {
		if len(o.opts.Languages) == 0 {
			o.opts.Languages = []string{bundledLanguage}
		}
		c, err = o.newClient()
	} else {
		c, err = o.startDefault()
	}
	if err != nil {
		return nil, err
	}
	o.idle <- c
	return o, nil
}

// startDefault starts the first client with the first model that works: the bundled one,
// then the system's Latin (Debian: tesseract-ocr-script-latn, 279 MB per client), then
// English ("eng" has no capital accented letters: CAFÉ reads as CAFE, PEÑA as PENA).
func (o *Engine) startDefault() (*tessClient, error) {
	if dir, err := bundledTessdata(); err == nil {
		o.opts.Languages, o.opts.TessdataPrefix, o.model = []string{bundledLanguage}, dir, "bundled"
		if c, err := o.newClient(); err == nil {
			return c, nil
		}
	}
	o.opts.TessdataPrefix, o.model = "", "system"
	o.opts.Languages = []string{"Latin"}
	c, err := o.newClient()
	if err != nil {
		o.opts.Languages = []string{"eng"}
		c, err = o.newClient()
	}
	return c, err
}

// newOCR makes an engine with no client yet (New starts the first; tests use it bare
// with a fake recogniser).
func newOCR(opts Options) *Engine {
	opts = opts.withDefaults()
	return &Engine{
		opts:    opts,
		workers: make(chan struct{}, opts.Workers),
		pixels:  semaphore.NewWeighted(opts.MaxPixelsInFlight),
		idle:    make(chan *tessClient, opts.Workers),
		model:   "system",
	}
}

// Model says which models read pages, for the logs: "Latin (bundled)", "eng (system)".
func (o *Engine) Model() string {
	return strings.Join(o.opts.Languages, "+") + " (" + o.model + ")"
}

// Languages are the Tesseract models in use.
func (o *Engine) Languages() []string { return o.opts.Languages }

// Workers is the number of pages recognised at once.
func (o *Engine) Workers() int { return o.opts.Workers }

// ExecWithThreadLimit re-executes the running program with OMP_THREAD_LIMIT=1 when the
// variable is unset, so Tesseract's OpenMP runtime starts with one thread per page (the
// pool provides the parallelism). It does not return when it re-executes; call it first
// thing in main (or TestMain). An explicit OMP_THREAD_LIMIT, whatever its value, is kept.
func ExecWithThreadLimit() error {
	if _, set := os.LookupEnv("OMP_THREAD_LIMIT"); set {
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return syscall.Exec(exe, os.Args, append(os.Environ(), "OMP_THREAD_LIMIT=1"))
}

// ThreadLimitOK reports whether the process was started with OMP_THREAD_LIMIT=1, without
// which Tesseract's OpenMP threads fight over the cores (see the package comment).
func ThreadLimitOK() bool { return os.Getenv("OMP_THREAD_LIMIT") == "1" }

// Close waits for the requests in progress and frees every client. Later calls fail
// with ErrOCRUnavailable.
func (o *Engine) Close() error {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return nil
	}
	o.closed = true
	o.mu.Unlock()
	o.running.Wait()
	o.newMu.Lock()
	defer o.newMu.Unlock()
	var errs []error
	for _, c := range o.all {
		errs = append(errs, c.close())
	}
	o.all = nil
	return errors.Join(errs...)
}

// admit reserves n page slots or fails at once with ErrOCRBusy. A document larger than
// the whole queue is still admitted when nothing else is running, so it is slow, not
// impossible.
func (o *Engine) admit(n int) (release func(), err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil, fmt.Errorf("OCR engine is closed: %w", doc.ErrOCRUnavailable)
	}
	if o.admitted > 0 && o.admitted+n > o.opts.Workers+o.opts.QueueLen {
		return nil, fmt.Errorf("%d pages are waiting for OCR; try again shortly: %w", o.admitted, doc.ErrOCRBusy)
	}
	o.admitted += n
	o.running.Add(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			o.mu.Lock()
			o.admitted -= n
			o.mu.Unlock()
			o.running.Done()
		})
	}, nil
}

func (o *Engine) limits() ocrLimits { return o.opts.limits() }

func (o Options) limits() ocrLimits {
	return ocrLimits{o.MaxPages, o.MaxPagePixels, o.MaxTotalPixels}
}

// Image OCRs a PNG, JPEG, TIFF (every page of a multi-page TIFF) or HEIF (HEIC, AVIF)
// photo. JPEG EXIF orientation and HEIF rotation are honoured; images that state no
// resolution get one from their size (estimateDPI).
//
// A HEIF photo is admitted (as one page) before it is converted, and converted while
// holding a worker, so a burst of them is shed with ErrOCRBusy and never runs more
// converters at once than there are workers.
func (o *Engine) Image(ctx context.Context, data []byte) ([]doc.Page, error) {
	var pages []imagePage
	if IsHEIF(data) {
		release, err := o.admit(1)
		if err != nil {
			return nil, err
		}
		defer release()
		if err := o.takeWorker(ctx); err != nil {
			return nil, err
		}
		pages, err = decodablePages(ctx, data, o.limits())
		<-o.workers
		if err != nil {
			return nil, err
		}
	} else {
		var err error
		if pages, err = imagePages(data, o.limits()); err != nil {
			return nil, err
		}
		release, err := o.admit(len(pages))
		if err != nil {
			return nil, err
		}
		defer release()
	}
	pixels := func(i int) int64 { return ocrPixels(pages[i].width, pages[i].height, pages[i].dpi) }
	out, err := o.run(ctx, len(pages), pixels, func(ctx context.Context, i int) (*image.Gray, float64, int, error) {
		img, err := pages[i].decode()
		if err != nil {
			return nil, 0, 0, err
		}
		return orient(toGray(img), pages[i].orientation), pages[i].dpi, i + 1, nil
	})
	for i := range out {
		out[i].EXIF = pages[i].orientation
	}
	return out, err
}

// PDFPages rasterizes the given 1-based pages of a PDF (see raster.go) and OCRs them.
// The returned pages keep the order of pages.
func (o *Engine) PDFPages(ctx context.Context, pdf []byte, pages []int) ([]doc.Page, error) {
	switch {
	case len(pdf) == 0:
		return nil, fmt.Errorf("PDF: %w", doc.ErrEmpty)
	case len(pages) == 0:
		return nil, nil
	case len(pages) > o.opts.MaxPages:
		return nil, fmt.Errorf("%d pages to OCR, over the limit of %d: %w", len(pages), o.opts.MaxPages, doc.ErrTooManyPages)
	}
	release, err := o.admit(len(pages))
	if err != nil {
		return nil, err
	}
	defer release()

	f, err := os.CreateTemp("", "portdocs-ocr-*.pdf")
	if err != nil {
		return nil, fmt.Errorf("OCR temp file: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(pdf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("OCR temp file: %w", err)
	}
	first, last := pages[0], pages[0]
	for _, p := range pages {
		first, last = min(first, p), max(last, p)
	}
	if first < 1 {
		return nil, fmt.Errorf("page %d does not exist: %w", first, doc.ErrCorrupt)
	}
	count, sizes, err := pdfInfo(ctx, f.Name(), first, last)
	if err != nil {
		return nil, err
	}
	if last > count {
		return nil, fmt.Errorf("page %d does not exist (the PDF has %d): %w", last, count, doc.ErrCorrupt)
	}
	dpis := make([]float64, len(pages))
	sizePx := make([]int64, len(pages))   // weight against MaxPixelsInFlight
	renderPx := make([]int64, len(pages)) // expected size of the rendering
	var total int64
	for i, p := range pages {
		info := sizes[p]
		dpis[i] = min(o.opts.DPI, rasterDPI(info, o.opts.MaxPagePixels))
		w, h := int(info.widthPt/72*dpis[i]), int(info.heightPt/72*dpis[i])
		renderPx[i] = int64(w+2) * int64(h+2) // pdftoppm rounds up
		total += int64(w) * int64(h)
		sizePx[i] = ocrPixels(w, h, dpis[i])
	}
	if total > o.opts.MaxTotalPixels {
		return nil, fmt.Errorf("%d pages at %.0f dpi are %d megapixels, over the %d-megapixel limit: %w",
			len(pages), o.opts.DPI, total/1e6, o.opts.MaxTotalPixels/1e6, doc.ErrTooLarge)
	}
	pixels := func(i int) int64 { return sizePx[i] }
	return o.run(ctx, len(pages), pixels, func(ctx context.Context, i int) (*image.Gray, float64, int, error) {
		ctx, cancel := context.WithTimeout(ctx, o.opts.PageTimeout)
		defer cancel()
		g, err := rasterPage(ctx, f.Name(), pages[i], dpis[i], o.opts.MaxPagePixels, renderPx[i])
		return g, dpis[i], pages[i], err
	})
}

// takeWorker waits for a worker token (give it back with <-o.workers) or ctx's end.
func (o *Engine) takeWorker(ctx context.Context) error {
	select {
	case o.workers <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pageLoader produces page i's bitmap, its resolution and its 1-based page number.
type pageLoader func(ctx context.Context, i int) (img *image.Gray, dpi float64, number int, err error)

// ocrPixels is what a w×h page at dpi weighs against MaxPixelsInFlight: its pixels
// after recognizePage enlarges it.
func ocrPixels(w, h int, dpi float64) int64 {
	f := upscaleFactor(w, h, dpi)
	return max(1, int64(float64(w)*f*float64(h)*f))
}

// run recognises n pages, at most Workers at a time across all requests and at most
// MaxPixelsInFlight pixels at a time (pixels(i) is page i's weight; a page heavier than
// the whole budget takes all of it).
func (o *Engine) run(ctx context.Context, n int, pixels func(i int) int64, load pageLoader) ([]doc.Page, error) {
	out := make([]doc.Page, n)
	g, ctx := errgroup.WithContext(ctx)
	for i := 0; i < n; i++ {
		g.Go(func() error {
			if err := o.takeWorker(ctx); err != nil {
				return err
			}
			defer func() { <-o.workers }()
			w := min(pixels(i), o.opts.MaxPixelsInFlight)
			if err := o.pixels.Acquire(ctx, w); err != nil {
				return err
			}
			defer o.pixels.Release(w)
			img, dpi, number, err := load(ctx, i)
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			p, err := o.recognize(ctx, img, dpi)
			if err != nil {
				return fmt.Errorf("OCR of page %d: %w", number, err)
			}
			p.Number = number
			out[i] = p
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// recognize borrows a client for one page.
func (o *Engine) recognize(ctx context.Context, img *image.Gray, dpi float64) (doc.Page, error) {
	if o.fake != nil {
		return o.fake(ctx, img, dpi)
	}
	c, err := o.client()
	if err != nil {
		return doc.Page{}, err
	}
	defer func() { o.idle <- c }()
	p, err := recognizePage(ctx, c, img, dpi)
	if rerr := c.release(); rerr != nil && err == nil {
		err = rerr
	}
	trimCHeap()
	return p, err
}

// client lends an idle client or starts a new one; the worker token guarantees no more
// than Workers exist.
func (o *Engine) client() (*tessClient, error) {
	select {
	case c := <-o.idle:
		return c, nil
	default:
		return o.newClient()
	}
}

func (o *Engine) newClient() (*tessClient, error) {
	o.newMu.Lock()
	defer o.newMu.Unlock()
	c, err := newTessClient(o.opts.Languages, o.opts.TessdataPrefix, o.opts.PageSegMode)
	if err != nil {
		return nil, err
	}
	o.all = append(o.all, c)
	if o.stats != nil {
		o.stats("init")
	}
	return c, nil
}
