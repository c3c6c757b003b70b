package extract

import (
	"context"
	"errors"
	"time"
)

// TextLayer is a PDF's text layer, page by page, with what the file says about itself:
// what a look for alterations (package forensic) reads besides the fields.
type TextLayer struct {
	Pages []Page // Source is SourceText; a page without text has no words
	Info  PDFInfo
}

// TextLayer reads a PDF's text layer and metadata within the extractor's limits (pages,
// time, the hostile-file guards of Extract), without OCR. Pages whose content cannot be
// read come back without words.
func (e *Extractor) TextLayer(ctx context.Context, data []byte) (*TextLayer, error) {
	data = preparePDF(data)
	pd, err := openPDF(ctx, data, e.opts.MaxPages, time.Now().Add(e.opts.Timeout))
	if err != nil {
		return nil, err
	}
	tl := &TextLayer{Pages: make([]Page, len(pd.pages))}
	for i := range pd.pages {
		p, err := pd.pageWords(i)
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errBudget) {
			return nil, err
		}
		tl.Pages[i] = p
	}
	err = guard("reading the document information", func() error {
		tl.Info = pd.info()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tl, nil
}
