package loa

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/portdocs/portdocs/port"
)

// certificateData is what the certificate page shows.
type certificateData struct {
	signing      Signing
	signatureSHA string
	loaPages     int
}

// SignedPDF makes the signed LOA: the LOA re-rendered with the signature blocks
// filled in (typed name, drawn image when given, date) and a certificate page with
// the audit trail and the hashes. It is not sealed yet: pass the result to
// (*Sealer).Seal.
//
// Why re-render rather than overlay: gofpdf cannot import a PDF, and rendering is
// deterministic. SignedPDF proves the signed pages are the pages the signer saw: it
// checks SHA-256(loaPDF) against s.LOASHA256 and re-renders the unsigned LOA from
// req with opts.Date = s.LOADate, requiring it to be byte-identical to loaPDF. The
// signed rendering then differs only inside the signature and date boxes; the
// certificate page states this with the hash. opts must be the Options the LOA was
// rendered with (company name, logo, text); ErrLOAMismatch otherwise.
func SignedPDF(req port.Request, loaPDF []byte, s Signing, signaturePNG []byte, opts Options) ([]byte, error) {
	if s.UsedAt == nil || s.Voided {
		return nil, ErrNotSigned
	}
	sum := sha256.Sum256(loaPDF)
	if hex.EncodeToString(sum[:]) != s.LOASHA256 {
		return nil, fmt.Errorf("%w: its SHA-256 is not the one recorded when it was sent", ErrLOAMismatch)
	}
	opts.Date = s.LOADate
	opts.signed, opts.certificate = nil, nil
	again, err := Render(req, opts)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(again, loaPDF) {
		return nil, fmt.Errorf("%w: re-rendering the request does not reproduce it; pass the request and Options it was rendered with", ErrLOAMismatch)
	}
	var sigSHA string
	if len(signaturePNG) > 0 {
		ss := sha256.Sum256(signaturePNG)
		sigSHA = hex.EncodeToString(ss[:])
		if sigSHA != s.SignatureSHA256 {
			return nil, fmt.Errorf("%w: the signature image is not the one recorded at signing", ErrBadSignatureImage)
		}
		if signaturePNG, err = canonicalPNG(signaturePNG); err != nil {
			return nil, err
		}
	} else if s.SignatureSHA256 != "" {
		return nil, fmt.Errorf("%w: the signer drew a signature; pass its PNG", ErrBadSignatureImage)
	}
	opts.signed = &signedBlock{typedName: s.SignedName, at: *s.UsedAt, imagePNG: signaturePNG}
	opts.certificate = &certificateData{signing: s, signatureSHA: sigSHA}
	return Render(req, opts)
}

// SealInfoFor describes a signed LOA's seal from its signing. The reason names the
// port, the signer and the LOA's hash (Verify reads the hash back from it).
func SealInfoFor(s Signing) SealInfo {
	info := SealInfo{Date: time.Now().UTC()}
	if s.UsedAt != nil {
		info.Date = s.UsedAt.UTC()
	}
	info.Reason = fmt.Sprintf("Letter of Authorization for port %s signed by %s on %s; audit certificate attached; LOA SHA-256 %s",
		s.PortID, s.SignedName, info.Date.Format(time.RFC3339), s.LOASHA256)
	return info
}

func (d *doc) certificatePage(c *certificateData) {
	f := d.f
	s := c.signing
	d.font("B", 16)
	f.CellFormat(contentW, 22, "Certificate of signing", "", 1, "L", false, 0, "")
	d.font("", 9)
	f.MultiCell(contentW, 12, "This page records how the Letter of Authorization on the preceding pages was signed. "+
		"The document is sealed with a digital signature: any change after sealing makes the seal invalid.", "", "L", false)
	d.section("Document")
	d.cfield("Document", "Letter of Authorization, pages 1–"+strconv.Itoa(c.loaPages)+" of this file")
	d.cfield("Port request", s.PortID)
	d.cfield("Authorization text", "version "+d.version)
	d.cfield("LOA as sent (SHA-256)", s.LOASHA256)
	d.cfield("Rendering", "The pages above were re-rendered from the same request; the unsigned re-rendering is "+
		"byte-identical to the LOA as sent (SHA-256 above). Only the signature and date boxes differ.")
	d.section("Signer")
	d.cfield("Name on the LOA", s.Signer.FullName)
	d.cfield("Email", s.Signer.Email)
	d.cfield("Name typed at signing", s.SignedName)
	sig := "none (typed name only)"
	if c.signatureSHA != "" {
		sig = "SHA-256 " + c.signatureSHA
	}
	d.cfield("Drawn signature", sig)
	d.cfield("Signed at", s.UsedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
	d.cfield("Link created", s.CreatedAt.UTC().Format("2006-01-02 15:04:05 UTC")+", expires "+s.ExpiresAt.UTC().Format("2006-01-02 15:04:05 UTC")+", single use")
	d.section("Audit trail")
	d.auditTable(s.Audit)
}

// cfield is a certificate line: a narrower label column so a SHA-256 fits one line.
func (d *doc) cfield(label, value string) { d.fieldSized(label, value, 128, 8.5) }

var auditCols = []float64{62, 118, 84, contentW - 62 - 118 - 84}

func (d *doc) auditTable(events []Event) {
	f := d.f
	header := func() {
		d.font("B", 8.5)
		f.SetFillColor(235, 235, 235)
		for i, t := range []string{"Event", "Time (UTC)", "IP address", "User agent / detail"} {
			f.CellFormat(auditCols[i], 13, t, "1", 0, "L", true, 0, "")
		}
		f.Ln(-1)
	}
	header()
	const lineH = 10.5
	for _, e := range events {
		d.font("", 8)
		last := e.UserAgent
		if e.Detail != "" {
			if last != "" {
				last += " — "
			}
			last += e.Detail
		}
		cells := []string{e.Type, e.At.UTC().Format("2006-01-02 15:04:05"), e.IP, last}
		lines := 1
		for i, c := range cells {
			cells[i] = clean(c)
			if n := len(f.SplitText(cells[i], auditCols[i])); n > lines {
				lines = n
			}
		}
		h := float64(lines)*lineH + 3
		if f.GetY()+h > pageH-marginBottom {
			f.AddPage()
			header()
			d.font("", 8)
		}
		x, y := f.GetXY()
		for i, c := range cells {
			f.Rect(x, y, auditCols[i], h, "D")
			f.SetXY(x, y+1.5)
			f.MultiCell(auditCols[i], lineH, c, "", "L", false)
			x += auditCols[i]
		}
		f.SetXY(marginX, y+h)
	}
}
