package pdftext

import (
	"context"
	"errors"
	"fmt"
	"github.com/portdocs/portdocs/extract/doc"
	"math"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"
)

// pdfPage is a leaf of the page tree with the attributes it inherits.
type pdfPage struct {
	v      pdf.Value
	res    pdf.Value
	box    [4]float64 // llx lly urx ury, normalized
	rotate int
}

type pageNode struct {
	v      pdf.Value
	res    pdf.Value
	media  pdf.Value
	crop   pdf.Value
	rotate pdf.Value
	depth  int
}

const maxTreeDepth = 64

// walkPages lists the page tree's leaves in order. It keeps inherited attributes itself
// (the library's lookup follows /Parent, which a hostile file can make cyclic) and stops
// after maxPages leaves or after visiting more nodes than a sane tree has.
func walkPages(root pdf.Value, maxPages int) ([]pdfPage, error) {
	if root.Kind() != pdf.Dict {
		return nil, fmt.Errorf("the page tree is missing: %w", doc.ErrCorrupt)
	}
	if c := root.Key("Count").Int64(); c > int64(maxPages) {
		return nil, fmt.Errorf("%d pages, more than %d: %w", c, maxPages, doc.ErrTooManyPages)
	}
	var pages []pdfPage
	stack := []pageNode{{v: root}}
	budget := 4*maxPages + 256
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if budget--; budget < 0 || n.depth > maxTreeDepth {
			return nil, fmt.Errorf("the page tree is cyclic or too deep: %w", doc.ErrCorrupt)
		}
		if n.v.Kind() != pdf.Dict {
			continue
		}
		inherit := func(key string, old pdf.Value) pdf.Value {
			if v := n.v.Key(key); !v.IsNull() {
				return v
			}
			return old
		}
		n.res = inherit("Resources", n.res)
		n.media = inherit("MediaBox", n.media)
		n.crop = inherit("CropBox", n.crop)
		n.rotate = inherit("Rotate", n.rotate)
		kids := n.v.Key("Kids")
		if kids.Kind() == pdf.Array && n.v.Key("Type").Name() != "Page" {
			for i := kids.Len() - 1; i >= 0; i-- {
				if len(stack) > budget {
					return nil, fmt.Errorf("the page tree is too large: %w", doc.ErrCorrupt)
				}
				stack = append(stack, pageNode{v: kids.Index(i), res: n.res, media: n.media, crop: n.crop, rotate: n.rotate, depth: n.depth + 1})
			}
			continue
		}
		if len(pages) >= maxPages {
			return nil, fmt.Errorf("more than %d pages: %w", maxPages, doc.ErrTooManyPages)
		}
		pages = append(pages, pdfPage{v: n.v, res: n.res, box: pageBox(n.media, n.crop), rotate: normRotate(n.rotate.Int64())})
	}
	return pages, nil
}

func rectOf(v pdf.Value) ([4]float64, bool) {
	var r [4]float64
	if v.Kind() != pdf.Array || v.Len() != 4 {
		return r, false
	}
	for i := range r {
		r[i] = v.Index(i).Float64()
		if math.IsNaN(r[i]) || math.IsInf(r[i], 0) || math.Abs(r[i]) > 1e6 {
			return r, false
		}
	}
	if r[0] > r[2] {
		r[0], r[2] = r[2], r[0]
	}
	if r[1] > r[3] {
		r[1], r[3] = r[3], r[1]
	}
	if r[2]-r[0] < 1 || r[3]-r[1] < 1 {
		return r, false
	}
	return r, true
}

func pageBox(media, crop pdf.Value) [4]float64 {
	box, ok := rectOf(media)
	if !ok {
		box = [4]float64{0, 0, 612, 792} // US Letter, the usual default
	}
	if c, ok := rectOf(crop); ok {
		in := [4]float64{math.Max(box[0], c[0]), math.Max(box[1], c[1]), math.Min(box[2], c[2]), math.Min(box[3], c[3])}
		if in[2]-in[0] >= 1 && in[3]-in[1] >= 1 {
			box = in
		}
	}
	return box
}

func normRotate(r int64) int {
	r %= 360
	if r < 0 {
		r += 360
	}
	switch r {
	case 90, 180, 270:
		return int(r)
	}
	return 0
}

// Doc is an opened PDF and its pages.
type Doc struct {
	br    *budgetReader
	r     *pdf.Reader
	Pages []pdfPage
}

// Open parses the file's structure and page tree.
func Open(ctx context.Context, data []byte, maxPages int, deadline time.Time) (*Doc, error) {
	if err := checkXrefSections(data); err != nil {
		return nil, err
	}
	if err := checkStreamDicts(data); err != nil {
		return nil, err
	}
	br := &budgetReader{data: data, ctx: ctx, deadline: deadline, left: readBudget(len(data))}
	var r *pdf.Reader
	err := Guard("reading the PDF structure", func() error {
		var err error
		r, err = pdf.NewReader(br, int64(len(data)))
		return err
	})
	if err != nil {
		return nil, classifyOpenError(err)
	}
	if err := checkObjectStreams(r); err != nil {
		return nil, err
	}
	pd := &Doc{br: br, r: r}
	err = Guard("reading the page tree", func() error {
		var err error
		pd.Pages, err = walkPages(r.Trailer().Key("Root").Key("Pages"), maxPages)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(pd.Pages) == 0 {
		return nil, fmt.Errorf("the PDF has no pages: %w", doc.ErrEmpty)
	}
	return pd, nil
}

// readBudget is how many bytes the parser may read: the library re-reads objects on
// every lookup, so a legitimate file needs many times its size, but not unboundedly.
func readBudget(size int) int64 {
	b := int64(size) * 64
	if b < 1<<30 {
		b = 1 << 30
	}
	if b > 8<<30 {
		b = 8 << 30
	}
	return b
}

func classifyOpenError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, doc.ErrCorrupt) {
		return err
	}
	msg := libMessage(err.Error())
	low := strings.ToLower(msg)
	switch {
	case errors.Is(err, pdf.ErrInvalidPassword) || strings.Contains(low, "encrypt") || strings.Contains(low, "password"):
		return fmt.Errorf("%w (%s)", doc.ErrEncrypted, strings.TrimPrefix(msg, "reading the PDF structure: "))
	}
	return fmt.Errorf("%s: %w", strings.TrimPrefix(msg, "reading the PDF structure: "), doc.ErrCorrupt)
}

// PageWords reads page i (0-based) into a Page with Words. A page whose content cannot
// be read comes back with no words and an error saying why; the caller decides whether
// that page goes to OCR.
func (d *Doc) PageWords(i int) (doc.Page, error) {
	p := d.Pages[i]
	pt := newPageText(d.br, p)
	page := doc.Page{Number: i + 1, Width: pt.w, Height: pt.h, Source: doc.SourceText}
	err := Guard(fmt.Sprintf("reading page %d", i+1), func() error {
		content, err := contentBytes(p.v.Key("Contents"))
		if err != nil {
			return err
		}
		pt.run(content, p.res, "page", identityMatrix, 0)
		return nil
	})
	page.Words = glyphsToWords(pt.glyphs)
	page.Overprinted = overprints(pt.glyphs)
	return page, err
}
