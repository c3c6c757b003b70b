package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"time"

	"github.com/ledongthuc/pdf"
)

// budgetReader is the io.ReaderAt the PDF library reads the file through.
//
// The library resolves every indirect reference by re-reading the file (it keeps no
// object cache), and a hostile file can keep some of its loops going forever (a /Prev
// chain that points back at itself, an object stream that /Extends itself, a page tree
// whose /Kids or /Parent loop). Every one of those loops reads, so checking a deadline,
// the caller's context and a byte budget here bounds them all without touching the
// library: when the budget is spent ReadAt panics with a budgetError, which the recover
// around every library call turns into an error.
type budgetReader struct {
	data     []byte
	ctx      context.Context
	deadline time.Time
	left     int64 // bytes the parser may still read
}

// budgetError stops the parser. It implements runtime.Error on purpose: the library
// recovers parse panics operand by operand but re-panics runtime errors, so this one
// always reaches our recover.
type budgetError struct{ err error }

func (e budgetError) Error() string { return e.err.Error() }
func (e budgetError) Unwrap() error { return e.err }
func (budgetError) RuntimeError()   {}

var _ runtime.Error = budgetError{}

var errBudget = errors.New("the PDF takes too long or too much work to read (cyclic or oversized objects?)")

func (r *budgetReader) check() {
	if err := r.ctx.Err(); err != nil {
		panic(budgetError{err})
	}
	if !r.deadline.IsZero() && time.Now().After(r.deadline) {
		panic(budgetError{errBudget})
	}
}

func (r *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	r.check()
	// Charge at least a buffer's worth per call: a cycle that re-reads a small object
	// costs as much as one that reads a large one.
	r.left -= int64(max(len(p), 4096))
	if r.left < 0 {
		panic(budgetError{errBudget})
	}
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= int64(len(r.data)) {
		return 0, io.EOF
	}
	n := copy(p, r.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// guard runs f and turns a panic from the PDF library (or from a budget check) into an
// error saying what was being read. Stack overflows cannot be recovered in Go, which is
// why checkObjectStreams and the depth limits in this package exist.
func guard(what string, f func() error) (err error) {
	defer func() {
		if x := recover(); x != nil {
			var be budgetError
			if e, ok := x.(error); ok && errors.As(e, &be) {
				if errors.Is(be.err, context.Canceled) || errors.Is(be.err, context.DeadlineExceeded) {
					err = fmt.Errorf("%s: %w", what, be.err)
					return
				}
				err = fmt.Errorf("%s: %w: %w", what, ErrCorrupt, be.err)
				return
			}
			err = fmt.Errorf("%s: %w: %v", what, ErrCorrupt, x)
		}
	}()
	return f()
}

// checkObjectStreams rejects a file whose cross-reference table puts an object stream
// inside an object stream. The PDF spec forbids it, and the library resolves such an
// entry by recursing without reading, so a self-referencing entry overflows the stack,
// which no recover can catch. The table is unexported, so it is read by reflection; if
// a future version of the library renames it, the check is skipped (and the pinned
// version's tests fail).
func checkObjectStreams(r *pdf.Reader) error {
	v := reflect.ValueOf(r).Elem().FieldByName("xref")
	if !v.IsValid() || v.Kind() != reflect.Slice {
		return nil
	}
	n := v.Len()
	for i := 0; i < n; i++ {
		e := v.Index(i)
		in := e.FieldByName("inStream")
		if !in.IsValid() || !in.Bool() {
			continue
		}
		id := e.FieldByName("stream").FieldByName("id")
		if !id.IsValid() {
			return nil
		}
		sid := int(id.Uint())
		if sid == i {
			return fmt.Errorf("object %d lies in itself: %w", i, ErrCorrupt)
		}
		if sid < n {
			if s := v.Index(sid).FieldByName("inStream"); s.IsValid() && s.Bool() {
				return fmt.Errorf("object stream %d lies in another object stream: %w", sid, ErrCorrupt)
			}
		}
	}
	return nil
}

var (
	startxrefRe = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	prevRe      = regexp.MustCompile(`/Prev\s+(\d+)`)
)

// checkPrevChain follows the cross-reference sections' /Prev links and rejects a file
// whose chain loops: the library follows them without remembering where it has been.
// It reads only what it needs and gives up quietly on anything it cannot follow (the
// library then reports the damage itself).
func checkPrevChain(data []byte) error {
	tail := data
	if len(tail) > 1024 {
		tail = tail[len(tail)-1024:]
	}
	m := startxrefRe.FindSubmatch(tail)
	if m == nil {
		return nil
	}
	off, err := strconv.ParseInt(string(m[1]), 10, 64)
	seen := map[int64]bool{}
	for i := 0; err == nil && i < 10000; i++ {
		if off <= 0 || off >= int64(len(data)) {
			return nil
		}
		if seen[off] {
			return fmt.Errorf("the cross-reference sections loop (/Prev %d): %w", off, ErrCorrupt)
		}
		seen[off] = true
		// The section's trailer (or xref stream dictionary) ends within a few KB,
		// or after the table for a classic xref; look for its /Prev.
		sect := data[off:]
		if bytes.HasPrefix(sect, []byte("xref")) {
			t := bytes.Index(sect, []byte("trailer"))
			if t < 0 {
				return nil
			}
			sect = sect[t:]
		}
		end := bytes.Index(sect, []byte("startxref"))
		if end < 0 {
			end = len(sect)
		}
		if s := bytes.Index(sect, []byte("stream")); s >= 0 && s < end {
			end = s
		}
		pm := prevRe.FindSubmatch(sect[:end])
		if pm == nil {
			return nil
		}
		off, err = strconv.ParseInt(string(pm[1]), 10, 64)
	}
	return nil
}
