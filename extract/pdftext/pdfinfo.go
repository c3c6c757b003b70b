package pdftext

import (
	"encoding/hex"
	"io"

	"github.com/ledongthuc/pdf"
)

// PDFInfo is the document information dictionary, the XMP packet and the file
// identifier, as written.
type Info struct {
	Producer, Creator     string
	CreationDate, ModDate string // PDF date strings ("D:20261101093000-05'00'")
	XMP                   []byte // the catalog's metadata stream, at most maxXMPBytes
	ID                    [2]string
}

const maxXMPBytes = 1 << 20

// Info reads the document information dictionary, the XMP packet and the file ID.
func (d *Doc) Info() Info {
	t := d.r.Trailer()
	in := t.Key("Info")
	out := Info{
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
