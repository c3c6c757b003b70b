package loa

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/portdocs/portdocs/port"
)

// MaxNumbers caps the numbers on one LOA (bulk port orders go up to 20,000).
const MaxNumbers = 20000

// ErrInvalidRequest means the request lacks what an LOA must show.
var ErrInvalidRequest = errors.New("loa: invalid request")

// Page geometry, in points (US Letter).
const (
	pageW        = 612.0
	pageH        = 792.0
	marginX      = 54.0
	marginTop    = 54.0
	marginBottom = 60.0
	contentW     = pageW - 2*marginX
	rowH         = 13.0
	loaPagesTag  = "{loapages}" // replaced by the LOA's page count (not the certificate's)
)

// Render draws the Letter of Authorization for req. The same req and opts (with a
// fixed opts.Date) give the same bytes.
func Render(req port.Request, opts Options) ([]byte, error) {
	return render(req, opts)
}

func checkRequest(req port.Request) error {
	var errs []string
	if len(req.Numbers) == 0 {
		errs = append(errs, "numbers: list at least one number to port")
	}
	if len(req.Numbers) > MaxNumbers {
		errs = append(errs, fmt.Sprintf("numbers: %d numbers, at most %d fit one LOA; split the request", len(req.Numbers), MaxNumbers))
	}
	for i, n := range req.Numbers {
		if strings.TrimSpace(n.Number) == "" {
			errs = append(errs, fmt.Sprintf("numbers[%d].number: empty", i))
			break
		}
	}
	if strings.TrimSpace(req.Signer.FullName) == "" {
		errs = append(errs, "signer.full_name: the LOA needs the authorized signer's name")
	}
	if strings.TrimSpace(req.CarrierName) == "" {
		errs = append(errs, "carrier_name: the LOA needs the current carrier")
	}
	if len(errs) == 0 {
		return nil
	}
	// One line: the CLI prints it as is.
	return fmt.Errorf("%w: %s", ErrInvalidRequest, strings.Join(errs, "; "))
}

// doc is one rendering in progress.
type doc struct {
	f             *gofpdf.Fpdf
	req           port.Request
	opts          Options
	version       string
	inCertificate bool
}

func render(req port.Request, opts Options) (out []byte, err error) {
	// gofpdf panics on some inputs it cannot handle (images mostly); an LOA must
	// never take the process down.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("loa: rendering failed: %v", r)
		}
	}()
	if err := checkRequest(req); err != nil {
		return nil, err
	}
	text, version, err := opts.text()
	if err != nil {
		return nil, err
	}
	if len(opts.LogoPNG) > MaxLogoBytes {
		return nil, fmt.Errorf("loa: logo is %d bytes, at most %d; use a smaller PNG", len(opts.LogoPNG), MaxLogoBytes)
	}
	date := opts.date()
	opts.Date = date

	f := gofpdf.NewCustom(&gofpdf.InitType{UnitStr: "pt", SizeStr: "Letter", OrientationStr: "P"})
	// Determinism: fixed dates and sorted resource catalogs give identical bytes.
	f.SetCatalogSort(true)
	f.SetCreationDate(date)
	f.SetModificationDate(date)
	f.SetCompression(true)
	f.SetProducer("portdocs", false)
	f.SetCreator("portdocs loa (text version "+version+")", true)
	f.SetTitle("Letter of Authorization", false)
	// gofpdf's subsetter appends to sub-slices of the font bytes it is given (a defect
	// in utf8fontfile.go generateChecksum), writing into their spare capacity: each
	// render gets its own copy so concurrent renders never share those bytes.
	f.AddUTF8FontFromBytes(fontFamily, "", bytes.Clone(regularTTF))
	f.AddUTF8FontFromBytes(fontFamily, "B", bytes.Clone(boldTTF))
	f.SetMargins(marginX, marginTop, marginX)
	f.SetAutoPageBreak(true, marginBottom)

	d := &doc{f: f, req: req, opts: opts, version: version}
	f.SetFooterFunc(d.footer)
	f.AddPage()
	d.header()
	d.account()
	d.numbers()
	d.authorization(text)
	d.signature()
	f.RegisterAlias(loaPagesTag, strconv.Itoa(f.PageNo()))
	if opts.certificate != nil {
		opts.certificate.loaPages = f.PageNo()
		f.AddPage() // closes the last LOA page, drawing its LOA footer
		d.inCertificate = true
		d.certificatePage(opts.certificate)
	}
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("loa: rendering failed: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("loa: writing PDF: %w", err)
	}
	return buf.Bytes(), nil
}

func (d *doc) font(style string, size float64) { d.f.SetFont(fontFamily, style, size) }

func (d *doc) footer() {
	f := d.f
	f.SetY(pageH - marginBottom + 18)
	d.font("", 8)
	f.SetTextColor(90, 90, 90)
	if d.inCertificate {
		f.CellFormat(contentW, 10, "Certificate of signing — appended to the Letter of Authorization", "", 0, "L", false, 0, "")
	} else {
		f.CellFormat(contentW-90, 10, clean("Letter of Authorization · authorization text version "+d.version), "", 0, "L", false, 0, "")
		// Left-aligned at a fixed x: the page-count alias is replaced after layout, so
		// right alignment would be computed on the placeholder's width.
		f.CellFormat(90, 10, fmt.Sprintf("Page %d of %s", f.PageNo(), loaPagesTag), "", 0, "L", false, 0, "")
	}
	f.SetTextColor(0, 0, 0)
}

func (d *doc) header() {
	f := d.f
	y := f.GetY()
	if len(d.opts.LogoPNG) > 0 {
		info := f.RegisterImageOptionsReader("logo", gofpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(d.opts.LogoPNG))
		if f.Err() {
			return
		}
		w, h := fit(info.Width(), info.Height(), 160, 40)
		f.ImageOptions("logo", marginX, y, w, h, false, gofpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
	if d.opts.CompanyName != "" {
		d.font("B", 11)
		f.SetXY(marginX+contentW-260, y)
		f.CellFormat(260, 14, clean(d.opts.CompanyName), "", 0, "R", false, 0, "")
	}
	if len(d.opts.LogoPNG) > 0 || d.opts.CompanyName != "" {
		f.SetXY(marginX, y+48)
	}
	d.font("B", 18)
	f.CellFormat(contentW, 24, "Letter of Authorization", "", 1, "L", false, 0, "")
	d.font("", 10)
	f.CellFormat(contentW, 14, "Date: "+d.opts.Date.Format("January 2, 2006"), "", 1, "L", false, 0, "")
	f.CellFormat(contentW, 14, "Authorization to port telephone numbers (number portability)", "", 1, "L", false, 0, "")
	f.Ln(8)
}

func (d *doc) section(title string) {
	f := d.f
	f.Ln(6)
	d.font("B", 11)
	f.CellFormat(contentW, 16, clean(title), "B", 1, "L", false, 0, "")
	f.Ln(4)
}

// field prints one "label: value" line; the value wraps when long.
func (d *doc) field(label, value string) { d.fieldSized(label, value, 150, 9.5) }

func (d *doc) fieldSized(label, value string, labelW, size float64) {
	f := d.f
	d.font("B", 9.5)
	y := f.GetY()
	f.CellFormat(labelW, 13, clean(label), "", 0, "L", false, 0, "")
	d.font("", size)
	f.SetXY(marginX+labelW, y)
	if strings.TrimSpace(value) == "" {
		value = "—"
	}
	f.MultiCell(contentW-labelW, 13, clean(value), "", "L", false)
}

func (d *doc) account() {
	r := d.req
	d.section("Account with the current carrier")
	d.field("Current carrier", r.CarrierName)
	d.field("Customer name", strings.TrimSpace(r.Customer.FirstName+" "+r.Customer.LastName))
	d.field("Business name", r.Customer.BusinessName)
	d.field("Account number", r.Customer.AccountNumber)
	if d.opts.ShowPIN {
		pin := "not provided"
		if r.Customer.AccountPIN != "" {
			pin = MaskPIN(r.Customer.AccountPIN) + " (on file)"
		}
		d.field("Account PIN", pin)
	}
	a := r.BillingAddress
	d.field("Billing address", joinNonEmpty(", ", a.Street, a.Street2))
	if cityLine := strings.TrimSpace(joinNonEmpty(", ", a.City, a.State) + " " + a.ZIP); cityLine != "" {
		d.field("", cityLine)
	}
}

// MaskPIN hides a PIN for printing: every character becomes '•' except the last two
// of a PIN of six or more characters. A four-digit PIN is fully hidden, since two of
// four digits would leave only 100 guesses.
func MaskPIN(pin string) string {
	r := []rune(pin)
	keep := 0
	if len(r) >= 6 {
		keep = 2
	}
	return strings.Repeat("•", len(r)-keep) + string(r[len(r)-keep:])
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

var numberCols = []float64{50, 190, 190}

func (d *doc) numbersHeader(cont bool) {
	f := d.f
	d.font("B", 9)
	f.SetFillColor(235, 235, 235)
	title := []string{"#", "Number to port", "Receiving number"}
	for i, t := range title {
		f.CellFormat(numberCols[i], rowH+2, t, "1", 0, "L", true, 0, "")
	}
	if cont {
		d.font("", 8)
		f.CellFormat(contentW-sum(numberCols), rowH+2, "(continued)", "", 0, "L", false, 0, "")
	}
	f.Ln(-1)
	d.font("", 9)
}

func (d *doc) numbers() {
	f := d.f
	d.section(fmt.Sprintf("Numbers to port (%d)", len(d.req.Numbers)))
	d.font("", 9)
	f.MultiCell(contentW, 12, "Each number below moves from the current carrier; the receiving number is where its calls go while the port completes.", "", "L", false)
	f.Ln(4)
	d.numbersHeader(false)
	limit := pageH - marginBottom
	for i, n := range d.req.Numbers {
		if f.GetY()+rowH > limit {
			f.AddPage()
			d.numbersHeader(true)
		}
		f.CellFormat(numberCols[0], rowH, strconv.Itoa(i+1), "1", 0, "R", false, 0, "")
		f.CellFormat(numberCols[1], rowH, clean(n.Number), "1", 0, "L", false, 0, "")
		f.CellFormat(numberCols[2], rowH, clean(n.ReceivingNumber), "1", 1, "L", false, 0, "")
	}
}

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}

func (d *doc) authorization(text string) {
	f := d.f
	r := d.req.Customer
	customer := joinNonEmpty(" / ", strings.TrimSpace(r.FirstName+" "+r.LastName), r.BusinessName)
	text = strings.NewReplacer(
		"{signer}", d.req.Signer.FullName,
		"{customer}", customer,
		"{carrier}", d.req.CarrierName,
		"{company}", d.opts.company(),
	).Replace(text)
	d.section("Authorization (text version " + d.version + ")")
	d.font("", 9.5)
	f.MultiCell(contentW, 13, clean(text), "", "J", false)
	f.Ln(4)
	d.font("B", 9.5)
	f.CellFormat(contentW, 14, "The customer accepted:", "", 1, "L", false, 0, "")
	d.font("", 9.5)
	agree := []struct {
		ok   bool
		text string
	}{
		{d.req.Agreements.AuthorizePort, "authorization to port the numbers listed above"},
		{d.req.Agreements.Terms, "the terms of service of " + d.opts.company()},
	}
	for _, a := range agree {
		mark, suffix := "☑", ""
		if !a.ok {
			mark, suffix = "☐", " — NOT accepted"
		}
		f.CellFormat(contentW, 14, clean(mark+" "+a.text+suffix), "", 1, "L", false, 0, "")
	}
}

// signedBlock is what fills the signature blocks of a signed LOA.
type signedBlock struct {
	typedName string
	at        time.Time
	imagePNG  []byte
}

// signature draws the signer and the signature and date blocks. The layout is the
// same signed or not; only the inside of the boxes differs.
func (d *doc) signature() {
	f := d.f
	const blockH = 170.0
	if f.GetY()+blockH > pageH-marginBottom {
		f.AddPage()
	}
	d.section("Authorized signer")
	d.field("Name", d.req.Signer.FullName)
	d.field("Email", d.req.Signer.Email)
	f.Ln(10)
	y := f.GetY()
	const sigW, sigH, dateW = 300.0, 64.0, 150.0
	dateX := marginX + sigW + 30
	f.SetDrawColor(0, 0, 0)
	f.Rect(marginX, y, sigW, sigH, "D")
	f.Rect(dateX, y, dateW, sigH, "D")
	if s := d.opts.signed; s != nil {
		if len(s.imagePNG) > 0 {
			info := f.RegisterImageOptionsReader("signature", gofpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(s.imagePNG))
			if !f.Err() {
				w, h := fit(info.Width(), info.Height(), sigW-8, sigH-20)
				f.ImageOptions("signature", marginX+4, y+2, w, h, false, gofpdf.ImageOptions{ImageType: "PNG"}, 0, "")
			}
		}
		d.font("", 9)
		f.SetXY(marginX+4, y+sigH-16)
		f.CellFormat(sigW-8, 12, clean("/s/ "+s.typedName+" — signed electronically"), "", 0, "L", false, 0, "")
		d.font("", 10)
		f.SetXY(dateX+4, y+sigH/2-7)
		f.CellFormat(dateW-8, 14, s.at.UTC().Format("2006-01-02 15:04 UTC"), "", 0, "L", false, 0, "")
	}
	f.SetXY(marginX, y+sigH+2)
	d.font("", 8)
	f.CellFormat(sigW, 10, "Signature of the authorized signer", "", 0, "L", false, 0, "")
	f.SetX(dateX)
	f.CellFormat(dateW, 10, "Date", "", 1, "L", false, 0, "")
}

// fit scales w×h into maxW×maxH keeping the aspect ratio.
func fit(w, h, maxW, maxH float64) (float64, float64) {
	if w <= 0 || h <= 0 {
		return maxW, maxH
	}
	s := maxW / w
	if h*s > maxH {
		s = maxH / h
	}
	return w * s, h * s
}
