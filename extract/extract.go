package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/fields"
	"github.com/portdocs/portdocs/extract/ocr"
	"github.com/portdocs/portdocs/extract/pdftext"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options bound one extraction.
type Options struct {
	MaxBytes int64         // largest file accepted; 0 = 50 MB
	MaxPages int           // most pages read; 0 = 200
	Timeout  time.Duration // budget for parsing one PDF (not OCR); 0 = 30 s
	// OCR reads scanned pages and images; nil = no OCR: a PDF page without a usable
	// text layer gives a warning, an image gives ErrOCRUnavailable.
	OCR *ocr.Engine
	// StartOCR, when OCR is nil, starts an engine the first time one is needed (a
	// command line reading one text PDF should not pay for loading Tesseract). The
	// Extractor then owns it: Close releases it. If it fails, there is no OCR.
	StartOCR func() (*ocr.Engine, error)
}

const (
	defaultMaxBytes = 50 << 20
	defaultMaxPages = 200
	defaultTimeout  = 30 * time.Second
)

// Extractor reads bills. Safe for concurrent use.
type Extractor struct {
	opts Options

	startOnce sync.Once
	started   *ocr.Engine
	startErr  error
}

// OCR returns the OCR engine, starting it on first need (ErrOCRUnavailable without one).
func (e *Extractor) OCR() (*ocr.Engine, error) {
	if e.opts.OCR != nil {
		return e.opts.OCR, nil
	}
	if e.opts.StartOCR == nil {
		return nil, doc.ErrOCRUnavailable
	}
	e.startOnce.Do(func() {
		e.started, e.startErr = e.opts.StartOCR()
		if e.startErr == nil && e.started == nil {
			e.startErr = doc.ErrOCRUnavailable
		}
	})
	return e.started, e.startErr
}

// Close releases an OCR engine the Extractor started itself (never Options.OCR).
func (e *Extractor) Close() error {
	var err error
	e.startOnce.Do(func() {}) // no engine starts after Close
	if e.started != nil {
		err = e.started.Close()
		e.started = nil
	}
	return err
}

// New returns an Extractor with opts' zero values replaced by defaults.
func New(opts Options) *Extractor {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = defaultMaxBytes
	}
	if opts.MaxPages <= 0 {
		opts.MaxPages = defaultMaxPages
	}
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	return &Extractor{opts: opts}
}

// MaxBytes is the largest file the Extractor accepts, for callers that bound reads.
func (e *Extractor) MaxBytes() int64 { return e.opts.MaxBytes }

type fileKind int

const (
	kindUnknown fileKind = iota
	kindPDF
	kindImage // PNG, JPEG, TIFF, HEIC or AVIF: ocr reads it
)

// sniff decides the type from the first bytes, never from a name.
func sniff(data []byte) fileKind {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return kindPDF
	case ocr.IsImage(data):
		return kindImage
	}
	// Some producers put a few bytes before the header; readers accept up to 1 KB.
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	if bytes.Contains(head, []byte("%PDF-")) {
		return kindPDF
	}
	return kindUnknown
}

// Extract reads a bill (PDF, PNG, JPEG, TIFF, or a HEIC or AVIF photo) and finds its
// fields.
func (e *Extractor) Extract(ctx context.Context, data []byte) (*Extraction, error) {
	if len(data) == 0 {
		return nil, doc.ErrEmpty
	}
	if int64(len(data)) > e.opts.MaxBytes {
		return nil, fmt.Errorf("%s, more than the %s limit: %w", humanBytes(int64(len(data))), humanBytes(e.opts.MaxBytes), doc.ErrTooLarge)
	}
	pages, method, warnings, err := e.readPages(ctx, data)
	if err != nil {
		return nil, err
	}
	x := &Extraction{Pages: len(pages), Method: method, PhoneNumbers: []fields.PhoneNumber{}, Warnings: []string{}}
	x.Warnings = append(x.Warnings, warnings...)
	fields, phones, accounts, fw, err := safeFindFields(pages)
	if err != nil {
		return nil, err
	}
	x.Fields, x.PhoneNumbers, x.Accounts = fields, phones, accounts
	x.Warnings = append(x.Warnings, fw...)
	x.PageViews = make([]PageView, len(pages))
	for i, p := range pages {
		x.PageViews[i] = PageView{Width: math.Round(p.Width*10) / 10, Height: math.Round(p.Height*10) / 10,
			Rotate: p.Rotate, Skew: math.Round(p.Skew*1000) / 1000}
		if p.EXIF > 1 {
			x.PageViews[i].EXIF = p.EXIF
		}
	}
	return x, nil
}

// readPages turns a file into Pages of Words: the text layer, OCR, or both.
func (e *Extractor) readPages(ctx context.Context, data []byte) (pages []doc.Page, method string, warnings []string, err error) {
	switch sniff(data) {
	case kindPDF:
		pages, method, warnings, err = e.readPDF(ctx, data)
	case kindImage:
		ocr, oerr := e.OCR()
		if oerr != nil {
			if errors.Is(oerr, doc.ErrOCRUnavailable) {
				return nil, "", nil, fmt.Errorf("an image needs OCR to be read: %w", oerr)
			}
			return nil, "", nil, fmt.Errorf("an image needs OCR to be read (%v): %w", oerr, doc.ErrOCRUnavailable)
		}
		pages, err = ocr.Image(ctx, data)
		method = MethodOCR
	default:
		return nil, "", nil, fmt.Errorf("not a PDF, PNG, JPEG, TIFF, HEIC or AVIF: %w", doc.ErrUnsupportedType)
	}
	return pages, method, warnings, err
}

// safeFindFields runs the finders; a bug in one must not take a server down.
func safeFindFields(pages []doc.Page) (f fields.Fields, phones []fields.PhoneNumber, accounts []fields.Account, warnings []string, err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("reading the bill's fields failed (%v); please report this bill", x)
		}
	}()
	f, phones, accounts, warnings = fields.Find(pages)
	return f, phones, accounts, warnings, nil
}

// readPDF reads every page's text layer, and sends the pages without a usable one to
// OCR when there is OCR.
func (e *Extractor) readPDF(ctx context.Context, data []byte) ([]doc.Page, string, []string, error) {
	data = pdftext.Prepare(data)
	pd, err := pdftext.Open(ctx, data, e.opts.MaxPages, time.Now().Add(e.opts.Timeout))
	if err != nil {
		return nil, "", nil, err
	}
	var warnings []string
	pages := make([]doc.Page, len(pd.Pages))
	var scanned []int
	for i := range pd.Pages {
		p, err := pd.PageWords(i)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, pdftext.ErrBudget) {
				return nil, "", nil, err
			}
			if errors.Is(err, pdftext.ErrContentTooLarge) {
				// Not a bill page, and not one to render either.
				warnings = append(warnings, fmt.Sprintf("page %d was not read: %v", i+1, pdftext.ErrContentTooLarge))
				pages[i] = p
				continue
			}
			warnings = append(warnings, fmt.Sprintf("page %d: part of its text could not be read", i+1))
		}
		pages[i] = p
		if !pdftext.Usable(p) {
			scanned = append(scanned, i+1)
		}
	}
	method := MethodText
	if len(scanned) > 0 {
		ocr, oerr := e.OCR()
		switch {
		case oerr != nil:
			warnings = append(warnings, fmt.Sprintf("%s no usable text (scanned?) and OCR is not available, so %s not read",
				pageList(scanned), map[bool]string{true: "it was", false: "they were"}[len(scanned) == 1]))
		default:
			ocred, err := ocr.PDFPages(ctx, data, scanned)
			if err != nil {
				if errors.Is(err, doc.ErrOCRBusy) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
					return nil, "", nil, err
				}
				warnings = append(warnings, fmt.Sprintf("%s no usable text and OCR failed: %v", pageList(scanned), err))
				break
			}
			n := 0
			for _, op := range ocred {
				if op.Number >= 1 && op.Number <= len(pages) {
					op.Source = doc.SourceOCR
					pages[op.Number-1] = op
					n++
				}
			}
			method = MethodMixed
			if n == len(pages) {
				method = MethodOCR
			} else if n == 0 {
				method = MethodText
			}
		}
	}
	return pages, method, warnings, nil
}

func pageList(pages []int) string {
	s := make([]string, len(pages))
	for i, p := range pages {
		s[i] = strconv.Itoa(p)
	}
	if len(pages) == 1 {
		return "page " + s[0] + " has"
	}
	return "pages " + strings.Join(s, ", ") + " have"
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
