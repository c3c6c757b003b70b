package pdftext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/portdocs/portdocs/extract/doc"
	"io"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// ErrBudget is a read that ran past the deadline or the read budget.
var ErrBudget = errors.New("the PDF takes too long or too much work to read (cyclic or oversized objects?)")

func (r *budgetReader) check() {
	if err := r.ctx.Err(); err != nil {
		panic(budgetError{err})
	}
	if !r.deadline.IsZero() && time.Now().After(r.deadline) {
		panic(budgetError{ErrBudget})
	}
}

func (r *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	r.check()
	// Charge at least a buffer's worth per call: a cycle that re-reads a small object
	// costs as much as one that reads a large one.
	r.left -= int64(max(len(p), 4096))
	if r.left < 0 {
		panic(budgetError{ErrBudget})
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

// Guard runs f and turns a panic from the PDF library (or from a budget check) into an
// error saying what was being read. Stack overflows cannot be recovered in Go, which is
// why checkObjectStreams and the depth limits in this package exist.
func Guard(what string, f func() error) (err error) {
	defer func() {
		if x := recover(); x != nil {
			var be budgetError
			if e, ok := x.(error); ok && errors.As(e, &be) {
				if errors.Is(be.err, context.Canceled) || errors.Is(be.err, context.DeadlineExceeded) {
					err = fmt.Errorf("%s: %w", what, be.err)
					return
				}
				err = fmt.Errorf("%s: %w: %w", what, doc.ErrCorrupt, be.err)
				return
			}
			err = fmt.Errorf("%s: %w: %s", what, doc.ErrCorrupt, libMessage(fmt.Sprint(x)))
		}
	}()
	return f()
}

// libMessage keeps a library error fit for a user and a log: the library quotes raw
// file bytes in some messages (document text, control characters), so they are cut
// at the first unprintable byte, at a quoted excerpt and at 100 bytes.
func libMessage(s string) string {
	for _, cut := range []string{"malformed hex string", "unexpected delimiter", "invalid escape", "invalid octal", "malformed name"} {
		if i := strings.Index(s, cut); i >= 0 {
			s = s[:i+len(cut)]
		}
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == utf8.RuneError }); i >= 0 {
		s = s[:i]
	}
	if len(s) > 100 {
		s = s[:100]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "..."
	}
	return strings.TrimSpace(s)
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
			return fmt.Errorf("object %d lies in itself: %w", i, doc.ErrCorrupt)
		}
		if sid < n {
			if s := v.Index(sid).FieldByName("inStream"); s.IsValid() && s.Bool() {
				return fmt.Errorf("object stream %d lies in another object stream: %w", sid, doc.ErrCorrupt)
			}
		}
	}
	return nil
}

var (
	startxrefRe   = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	prevRe        = regexp.MustCompile(`/Prev\s+(\d+)`)
	sizeRe        = regexp.MustCompile(`/Size\s+(\d+)`)
	indexRe       = regexp.MustCompile(`/Index\s*\[([\d\s]*)\]`)
	subsectionRe  = regexp.MustCompile(`(?m)^\s*(\d+)\s+(\d+)\s*$`)
	xrefWRe       = regexp.MustCompile(`/W\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s*\]`)
	maxXrefObject = int64(2_000_000)
)

// checkStreamDicts rejects stream dictionaries whose numbers make the library loop or
// allocate without bound: an object stream claiming more objects (/N) than it can
// hold (the library reads /N tokens past its end, each one instantly, so no budget
// catches it) and a predictor row (/Columns) of gigabytes. Stream dictionaries are
// never compressed, so they can be read in the raw bytes.
func checkStreamDicts(data []byte) error {
	for _, key := range [][]byte{[]byte("/ObjStm"), []byte("/Columns")} {
		for i := 0; ; {
			j := bytes.Index(data[i:], key)
			if j < 0 {
				break
			}
			at := i + j
			i = at + len(key)
			lo, hi := max(at-512, 0), min(at+512, len(data))
			win := data[lo:hi]
			re := objStmNRe
			limit := int64(1_000_000)
			if key[1] == 'C' {
				re, limit = columnsRe, 1<<20
			}
			for _, m := range re.FindAllSubmatch(win, -1) {
				if n, err := strconv.ParseInt(string(m[1]), 10, 64); err != nil || n > limit {
					return fmt.Errorf("a stream claims %s %s: %w", key, m[1], doc.ErrCorrupt)
				}
			}
		}
	}
	return nil
}

var (
	objStmNRe = regexp.MustCompile(`/N\s+(\d+)`)
	columnsRe = regexp.MustCompile(`/Columns\s+(\d+)`)
)

// checkXrefSections walks the cross-reference sections before the library does and
// rejects two things the library cannot survive: a /Prev chain that loops (it follows
// the links without remembering them) and object numbers so large that the table it
// allocates for them would exhaust memory (Go cannot recover from that). It reads only
// what it needs and gives up quietly on anything it cannot follow; the library then
// reports the damage itself.
func checkXrefSections(data []byte) error {
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
	tooMany := func(n int64) error {
		return fmt.Errorf("the cross-reference table claims %d objects: %w", n, doc.ErrCorrupt)
	}
	for i := 0; err == nil && i < 10000; i++ {
		if off <= 0 || off >= int64(len(data)) {
			return nil
		}
		if seen[off] {
			return fmt.Errorf("the cross-reference sections loop (/Prev %d): %w", off, doc.ErrCorrupt)
		}
		seen[off] = true
		sect := data[off:]
		if bytes.HasPrefix(sect, []byte("xref")) {
			t := bytes.Index(sect, []byte("trailer"))
			if t < 0 {
				return nil
			}
			for _, sm := range subsectionRe.FindAllSubmatch(sect[:t], -1) {
				a, _ := strconv.ParseInt(string(sm[1]), 10, 64)
				b, _ := strconv.ParseInt(string(sm[2]), 10, 64)
				if a+b > maxXrefObject || a < 0 || b < 0 {
					return tooMany(a + b)
				}
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
		dict := sect[:end]
		if sm := sizeRe.FindSubmatch(dict); sm != nil {
			if n, _ := strconv.ParseInt(string(sm[1]), 10, 64); n > maxXrefObject || len(sm[1]) > 12 {
				return tooMany(n)
			}
		}
		if im := indexRe.FindSubmatch(dict); im != nil {
			f := strings.Fields(string(im[1]))
			for k := 0; k+1 < len(f); k += 2 {
				a, _ := strconv.ParseInt(f[k], 10, 64)
				b, _ := strconv.ParseInt(f[k+1], 10, 64)
				if a+b > maxXrefObject || len(f[k])+len(f[k+1]) > 20 {
					return tooMany(a + b)
				}
			}
		}
		if wm := xrefWRe.FindSubmatch(dict); wm != nil {
			for _, g := range wm[1:] {
				if w, _ := strconv.Atoi(string(g)); w > 16 || len(g) > 3 {
					return fmt.Errorf("the cross-reference stream has %s-byte fields: %w", g, doc.ErrCorrupt)
				}
			}
		}
		pm := prevRe.FindSubmatch(dict)
		if pm == nil {
			return nil
		}
		off, err = strconv.ParseInt(string(pm[1]), 10, 64)
	}
	return nil
}
