package extract

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"time"

	"github.com/ledongthuc/pdf"
)

// TextLayer is a PDF's text layer, page by page, with what the file says about itself:
// what a look for alterations (package forensic) reads besides the fields.
type TextLayer struct {
	Pages []Page // Source is SourceText; a page without text has no words
	Info  PDFInfo
}

// PDFInfo is the document information dictionary, the XMP packet and the file
// identifier, as written.
type PDFInfo struct {
	Producer, Creator     string
	CreationDate, ModDate string // PDF date strings ("D:20261101093000-05'00'")
	XMP                   []byte // the catalog's metadata stream, at most maxXMPBytes
	ID                    [2]string
}

const maxXMPBytes = 1 << 20

// TextLayer reads a PDF's text layer and metadata within the extractor's limits (pages,
// time, the hostile-file guards of Extract), without OCR. Pages whose content cannot be
// read come back without words.
func (e *Extractor) TextLayer(ctx context.Context, data []byte) (*TextLayer, error) {
	data = preparePDF(data)
	doc, err := openPDF(ctx, data, e.opts.MaxPages, time.Now().Add(e.opts.Timeout))
	if err != nil {
		return nil, err
	}
	tl := &TextLayer{Pages: make([]Page, len(doc.pages))}
	for i := range doc.pages {
		p, err := doc.pageWords(i)
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errBudget) {
			return nil, err
		}
		tl.Pages[i] = p
	}
	err = guard("reading the document information", func() error {
		tl.Info = doc.info()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tl, nil
}

func (d *pdfDoc) info() PDFInfo {
	t := d.r.Trailer()
	in := t.Key("Info")
	out := PDFInfo{
		Producer:     in.Key("Producer").Text(),
		Creator:      in.Key("Creator").Text(),
		CreationDate: in.Key("CreationDate").Text(),
		ModDate:      in.Key("ModDate").Text(),
	}
	if id := t.Key("ID"); id.Kind() == pdf.Array && id.Len() == 2 {
		out.ID = [2]string{hex.EncodeToString([]byte(id.Index(0).RawString())), hex.EncodeToString([]byte(id.Index(1).RawString()))}
	}
	if m := t.Key("Root").Key("Metadata"); m.Kind() == pdf.Stream {
		rc := m.Reader()
		b, err := io.ReadAll(io.LimitReader(rc, maxXMPBytes))
		rc.Close()
		if err == nil {
			out.XMP = b
		}
	}
	return out
}
