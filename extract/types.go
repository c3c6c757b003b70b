package extract

import "github.com/portdocs/portdocs/port"

// BBox is a box in PDF points from the top-left corner of the page: [x0, y0, x1, y1].
type BBox [4]float64

// Source says where a piece of text came from.
type Source string

const (
	SourceText Source = "text" // the PDF's text layer
	SourceOCR  Source = "ocr"  // Tesseract on a rendered or scanned page
)

// Method says how a document was read, decided page by page.
const (
	MethodText  = "text"
	MethodOCR   = "ocr"
	MethodMixed = "mixed"
)

// Field is one value read from a bill together with the evidence for it.
// Value is the text exactly as printed (bill_date is ISO 8601).
type Field[T any] struct {
	Value      T        `json:"value"`
	Confidence float64  `json:"confidence"`
	Page       int      `json:"page"`
	BBox       BBox     `json:"bbox"`
	Source     Source   `json:"source"`
	Warnings   []string `json:"warnings,omitempty"`
}

// Fields are the prefill fields of CONTRACT §2. A field the bill does not show is nil.
type Fields struct {
	CarrierName    *Field[string]       `json:"carrier_name,omitempty"`
	AccountNumber  *Field[string]       `json:"account_number,omitempty"`
	AccountPIN     *Field[string]       `json:"account_pin,omitempty"`
	BillingName    *Field[string]       `json:"billing_name,omitempty"`
	BusinessName   *Field[string]       `json:"business_name,omitempty"`
	BillingAddress *Field[port.Address] `json:"billing_address,omitempty"`
	ServiceAddress *Field[port.Address] `json:"service_address,omitempty"`
	BillDate       *Field[string]       `json:"bill_date,omitempty"`
}

// PhoneNumber is one of the customer's own lines found on the bill, in E.164.
type PhoneNumber struct {
	Number     string  `json:"number"`
	Page       int     `json:"page"`
	BBox       BBox    `json:"bbox"`
	Confidence float64 `json:"confidence,omitempty"`
	Source     Source  `json:"source,omitempty"`
}

// Extraction is what a bill says (CONTRACT §2).
type Extraction struct {
	Pages        int           `json:"pages"`
	Method       string        `json:"method"`
	Fields       Fields        `json:"fields"`
	PhoneNumbers []PhoneNumber `json:"phone_numbers"`
	// Accounts splits phone_numbers by the account they are listed under, when the
	// bill shows more than one (a summary bill, sub-accounts); absent for one account
	// (an extension of CONTRACT §2).
	Accounts []Account `json:"accounts,omitempty"`
	Warnings []string  `json:"warnings"`
	// PageViews says, page by page, how the bill was read: what a viewer needs to draw
	// the stored file so that the boxes above land on it (an extension of CONTRACT §2).
	PageViews []PageView `json:"page_views,omitempty"`
}

// PageView is how one page was read. Boxes are in points on the page as read: the
// stored page (a PDF page as displayed, its /Rotate applied; an image file's pixels as
// stored) first turned by the image's EXIF orientation, then rotated clockwise by
// Rotate degrees where OCR found it sideways or upside down, then levelled by Skew
// degrees (Turn draws a page this way).
type PageView struct {
	Width  float64 `json:"width"`  // points, as read
	Height float64 `json:"height"` // points, as read
	// EXIF is the image's EXIF orientation (2..8) that was applied; 0 or 1: none.
	EXIF int `json:"exif_orientation,omitempty"`
	// Rotate is 90, 180 or 270 (clockwise) when OCR turned the page; 0 otherwise.
	Rotate int `json:"rotate,omitempty"`
	// Skew is the small turn, in degrees, OCR levelled the text lines by (positive
	// undoes lines that fall to the right); the canvas grew to keep the corners.
	Skew float64 `json:"skew,omitempty"`
}

// Word is one run of text on a page with its box, as the text layer or OCR gives it.
// Both sources produce Words; one line builder and one set of field finders serve both.
type Word struct {
	Text       string
	BBox       BBox
	FontSize   float64 // points; 0 when unknown
	Confidence float64 // 0..1; 1 for the text layer
	// Font is the text layer's font (its BaseFont, subset tag included) of the word's
	// first glyph; "" from OCR.
	Font string
}

// Page is one page's words in reading coordinates (points, top-left origin, rotation applied).
type Page struct {
	Number        int // 1-based
	Width, Height float64
	Source        Source
	Words         []Word
	EXIF          int     // EXIF orientation applied before reading (images); 0 or 1: none
	Rotate        int     // clockwise degrees OCR turned the page to read it upright
	Skew          float64 // degrees OCR levelled it by, after Rotate
	// Overprinted are the places where the text layer draws different letters over
	// each other (text layer only): what a retyped value over a covered one leaves.
	Overprinted []BBox
}
