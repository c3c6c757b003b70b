package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/portdocs/portdocs/extract"
)

// runExtract is the 'extract' subcommand: one bill in, its Extraction as JSON out.
func runExtract(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("extract", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprintln(stderr, "usage: portdocs extract FILE") }
	if err := flags.Parse(args); err != nil {
		return errUsageShown
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return errUsageShown
	}
	b, err := readBill(ctx, flags.Arg(0))
	if err != nil {
		return err
	}
	defer b.close()
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // "AT&T" stays readable
	return enc.Encode(b.x)
}

// billFile is one bill file as read: its bytes, their extraction, and the extractor
// (with the OCR engine it may have started); close releases the engine.
type billFile struct {
	data []byte
	x    *extract.Extraction
	ex   *extract.Extractor
}

func (b *billFile) close() { b.ex.Close() }

// readBill reads and extracts one bill file; its error is the one line the user sees.
// OCR starts only when a page or an image needs it, and is skipped (with warnings for
// scanned pages) when Tesseract cannot be started.
func readBill(ctx context.Context, name string) (*billFile, error) {
	ex := extract.New(extract.Options{StartOCR: func() (*extract.OCR, error) {
		return extract.NewOCR(extract.OCROptions{})
	}})
	data, err := readFileLimited(name, ex.MaxBytes())
	if err != nil {
		ex.Close()
		return nil, fmt.Errorf("%s: %s", name, billErrorMessage(err))
	}
	x, err := ex.Extract(ctx, data)
	if err != nil {
		ex.Close()
		return nil, fmt.Errorf("%s: %s", name, billErrorMessage(err))
	}
	return &billFile{data: data, x: x, ex: ex}, nil
}

// readFileLimited reads a file but never more than max bytes: a 100 MB upload is
// refused from its size, not after reading it.
func readFileLimited(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, errIsDir
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%.1f MB; the limit is %d MB: %w", float64(st.Size())/(1<<20), max>>20, extract.ErrTooLarge)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("the limit is %d MB: %w", max>>20, extract.ErrTooLarge)
	}
	return data, nil
}

var errIsDir = errors.New("is a directory")

// billErrorMessage says what is wrong with a bill file and what to do about it.
func billErrorMessage(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file; check the path"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied; check the file's permissions"
	case errors.Is(err, errIsDir):
		return "is a directory; give the bill's file"
	case errors.Is(err, extract.ErrEncrypted):
		return "PDF is password-protected; upload an unlocked copy"
	case errors.Is(err, extract.ErrTooLarge):
		return "file is too large (" + cause(err, extract.ErrTooLarge) + "); upload a smaller copy of the bill (its first pages are enough)"
	case errors.Is(err, extract.ErrTooManyPages):
		return "too many pages (" + cause(err, extract.ErrTooManyPages) + "); upload only the bill's pages"
	case errors.Is(err, extract.ErrUnsupportedType):
		return "not a PDF, PNG, JPEG, TIFF or HEIC file; upload the bill in one of these formats"
	case errors.Is(err, extract.ErrEmpty):
		return "the file is empty or has no pages; download the bill again"
	case errors.Is(err, extract.ErrOCRUnavailable):
		return "reading an image needs OCR, which is not available here (is tesseract installed?); upload the bill as a PDF downloaded from the carrier"
	case errors.Is(err, extract.ErrOCRBusy):
		return "the OCR queue is full; try again in a minute"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "reading the bill took too long or was interrupted; try again, or upload the bill's first pages only"
	case errors.Is(err, extract.ErrCorrupt):
		c := cause(err, extract.ErrCorrupt)
		if strings.Contains(c, "missing %%EOF") || strings.Contains(c, "startxref") {
			c = "it ends early: an incomplete download?"
		}
		for _, img := range []string{"JPEG", "PNG", "TIFF", "image"} {
			if strings.HasPrefix(c, img) {
				return "the image is damaged (" + c + "); scan, photograph or export the bill again"
			}
		}
		return "the PDF is damaged (" + c + "); download the bill again or print it to a new PDF"
	}
	return cause(err, nil) + "; check the file and try again"
}

// cause is err's message without the sentinel's own words, kept short.
func cause(err, sentinel error) string {
	s := err.Error()
	if sentinel != nil {
		s = strings.ReplaceAll(s, ": "+sentinel.Error(), "")
		s = strings.ReplaceAll(s, sentinel.Error()+": ", "")
	}
	s = strings.ReplaceAll(strings.TrimSpace(s), "\n", " ")
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}
