package extract

import (
	"context"
	"errors"
	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/pdftext"
	"time"
)

// TextLayer is a PDF's text layer, page by page, with what the file says about itself:
// what a look for alterations (package forensic) reads besides the fields.
type TextLayer struct {
	Pages []doc.Page // Source is SourceText; a page without text has no words
	Info  pdftext.Info
}

// TextLayer reads a PDF's text layer and metadata within the extractor's limits (pages,
// time, the hostile-file guards of Extract), without OCR. Pages whose content cannot be
// read come back without words.
func (e *Extractor) TextLayer(ctx context.Context, data []byte) (*TextLayer, error) {
	data = pdftext.Prepare(data)
	pd, err := pdftext.Open(ctx, data, e.opts.MaxPages, time.Now().Add(e.opts.Timeout))
	if err != nil {
		return nil, err
	}
	tl := &TextLayer{Pages: make([]doc.Page, len(pd.Pages))}
	for i := range pd.Pages {
		p, err := pd.PageWords(i)
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, pdftext.ErrBudget) {
			return nil, err
		}
		tl.Pages[i] = p
	}
	err = pdftext.Guard("reading the document information", func() error {
		tl.Info = pd.Info()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tl, nil
}
