package extract

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
	"sync"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"
)

// OCROptions configure the OCR engine. Zero values take the defaults in brackets.
type OCROptions struct {
	Workers        int           // pages OCR'd at once [runtime.NumCPU()]
	QueueLen       int           // pages admitted beyond the workers before ErrOCRBusy [4×Workers]
	Languages      []string      // Tesseract models [Latin, else eng when it is not installed]
	TessdataPrefix string        // directory holding the *.traineddata files [Tesseract's own]
	DPI            float64       // resolution PDF pages are rendered at [300]
	MaxPages       int           // pages per document [50]
	MaxPagePixels  int64         // pixels of one page [40 million: 11×17 in at 300 dpi is 17 M]
	MaxTotalPixels int64         // pixels of one document, all pages [250 million]
	PageTimeout    time.Duration // rendering one PDF page [60 s]
	// PageSegMode is Tesseract's page segmentation mode [11, sparse text]. Bills are
	// forms: label and value columns side by side in different sizes. The default
	// layout analysis (3) joins them into one text line and the recogniser, which
	// scales a line to one height, turns the smaller half into garbage ("10/03/2026"
	// read as "eg uiceaeats"). Sparse text finds each run on its own; reading order
	// does not matter because lines are rebuilt from the word boxes.
	PageSegMode int
}

func (o OCROptions) withDefaults() OCROptions {
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
type OCR struct {
	opts    OCROptions
	workers chan struct{}     // one token per page being recognised
	idle    chan *tessClient  // initialised clients not in use
	newMu   sync.Mutex        // serialises client start-up (Tesseract's Init redirects stderr)
	mu      sync.Mutex        // guards admitted, closed
	running sync.WaitGroup    // admitted requests, for Close
	all     []*tessClient     // every client made, for Close
	stats   func(kind string) // test hook: "init" when a client is made
	// fake, when set (tests only), stands in for Tesseract in the pool's own tests.
	fake     func(ctx context.Context, g *image.Gray, dpi float64) (Page, error)
	admitted int
	closed   bool
}

// NewOCR starts the OCR engine: it initialises one Tesseract client now, so a missing
// library or language model shows at start-up as ErrOCRUnavailable, and the others on
// first use.
func NewOCR(opts OCROptions) (*OCR, error) {
	opts = opts.withDefaults()
	o := &OCR{
		opts:    opts,
		workers: make(chan struct{}, opts.Workers),
		idle:    make(chan *tessClient, opts.Workers),
	}
	c, err := o.newClient()
	if err != nil && len(opts.Languages) == 0 {
		// No model asked for and Latin missing: English still reads most bills.
		o.opts.Languages = []string{"eng"}
		c, err = o.newClient()
	}
	if err != nil {
		return nil, err
	}
	if len(o.opts.Languages) == 0 {
		o.opts.Languages = defaultLanguages
	}
	o.idle <- c
	return o, nil
}

// defaultLanguages is the model used when OCROptions.Languages is empty. Tesseract's
// script model "Latin" (Debian: tesseract-ocr-script-latn) reads every Latin letter;
// "eng" has no capital accented letters at all (its character set holds é and nothing
// else), so it turns CAFÉ into CAFE and PEÑA into PENA — and values must be exactly as
// printed. "spa" and "fra" each miss letters (and "spa" has no "&"). Latin costs about
// 1.7× eng's time per page; a deployment that prefers speed sets Languages: ["eng"].
var defaultLanguages = []string{"Latin"}

// Languages are the Tesseract models in use.
func (o *OCR) Languages() []string { return o.opts.Languages }

// Workers is the number of pages recognised at once.
func (o *OCR) Workers() int { return o.opts.Workers }

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
func (o *OCR) Close() error {
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
func (o *OCR) admit(n int) (release func(), err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil, fmt.Errorf("OCR engine is closed: %w", ErrOCRUnavailable)
	}
	if o.admitted > 0 && o.admitted+n > o.opts.Workers+o.opts.QueueLen {
		return nil, fmt.Errorf("%d pages are waiting for OCR; try again shortly: %w", o.admitted, ErrOCRBusy)
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

func (o *OCR) limits() ocrLimits {
	return ocrLimits{o.opts.MaxPages, o.opts.MaxPagePixels, o.opts.MaxTotalPixels}
}

// Image OCRs a PNG, JPEG or TIFF (every page of a multi-page TIFF). JPEG EXIF orientation
// is honoured; images that state no resolution are taken as 300 dpi.
func (o *OCR) Image(ctx context.Context, data []byte) ([]Page, error) {
	pages, err := imagePages(data, o.limits())
	if err != nil {
		return nil, err
	}
	release, err := o.admit(len(pages))
	if err != nil {
		return nil, err
	}
	defer release()
	return o.run(ctx, len(pages), func(ctx context.Context, i int) (*image.Gray, float64, int, error) {
		img, err := pages[i].decode()
		if err != nil {
			return nil, 0, 0, err
		}
		return orient(toGray(img), pages[i].orientation), pages[i].dpi, i + 1, nil
	})
}

// PDFPages rasterizes the given 1-based pages of a PDF (see raster.go) and OCRs them.
// The returned pages keep the order of pages.
func (o *OCR) PDFPages(ctx context.Context, pdf []byte, pages []int) ([]Page, error) {
	switch {
	case len(pdf) == 0:
		return nil, fmt.Errorf("PDF: %w", ErrEmpty)
	case len(pages) == 0:
		return nil, nil
	case len(pages) > o.opts.MaxPages:
		return nil, fmt.Errorf("%d pages to OCR, over the limit of %d: %w", len(pages), o.opts.MaxPages, ErrTooManyPages)
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
		return nil, fmt.Errorf("page %d does not exist: %w", first, ErrCorrupt)
	}
	count, sizes, err := pdfInfo(ctx, f.Name(), first, last)
	if err != nil {
		return nil, err
	}
	if last > count {
		return nil, fmt.Errorf("page %d does not exist (the PDF has %d): %w", last, count, ErrCorrupt)
	}
	dpis := make([]float64, len(pages))
	var total int64
	for i, p := range pages {
		info := sizes[p]
		dpis[i] = min(o.opts.DPI, rasterDPI(info, o.opts.MaxPagePixels))
		total += int64(info.widthPt * info.heightPt / 5184 * dpis[i] * dpis[i])
	}
	if total > o.opts.MaxTotalPixels {
		return nil, fmt.Errorf("%d pages at %.0f dpi are %d megapixels, over the %d-megapixel limit: %w",
			len(pages), o.opts.DPI, total/1e6, o.opts.MaxTotalPixels/1e6, ErrTooLarge)
	}
	return o.run(ctx, len(pages), func(ctx context.Context, i int) (*image.Gray, float64, int, error) {
		ctx, cancel := context.WithTimeout(ctx, o.opts.PageTimeout)
		defer cancel()
		g, err := rasterPage(ctx, f.Name(), pages[i], dpis[i], o.opts.MaxPagePixels)
		return g, dpis[i], pages[i], err
	})
}

// pageLoader produces page i's bitmap, its resolution and its 1-based page number.
type pageLoader func(ctx context.Context, i int) (img *image.Gray, dpi float64, number int, err error)

// run recognises n pages, at most Workers at a time across all requests.
func (o *OCR) run(ctx context.Context, n int, load pageLoader) ([]Page, error) {
	out := make([]Page, n)
	g, ctx := errgroup.WithContext(ctx)
	for i := 0; i < n; i++ {
		g.Go(func() error {
			select {
			case o.workers <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			defer func() { <-o.workers }()
			if err := ctx.Err(); err != nil {
				return err
			}
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
func (o *OCR) recognize(ctx context.Context, img *image.Gray, dpi float64) (Page, error) {
	if o.fake != nil {
		return o.fake(ctx, img, dpi)
	}
	c, err := o.client()
	if err != nil {
		return Page{}, err
	}
	defer func() { o.idle <- c }()
	return recognizePage(ctx, c, img, dpi)
}

// client lends an idle client or starts a new one; the worker token guarantees no more
// than Workers exist.
func (o *OCR) client() (*tessClient, error) {
	select {
	case c := <-o.idle:
		return c, nil
	default:
		return o.newClient()
	}
}

func (o *OCR) newClient() (*tessClient, error) {
	o.newMu.Lock()
	defer o.newMu.Unlock()
	langs := o.opts.Languages
	if len(langs) == 0 {
		langs = defaultLanguages
	}
	c, err := newTessClient(langs, o.opts.TessdataPrefix, o.opts.PageSegMode)
	if err != nil {
		return nil, err
	}
	o.all = append(o.all, c)
	if o.stats != nil {
		o.stats("init")
	}
	return c, nil
}
