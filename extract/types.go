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
	Warnings     []string      `json:"warnings"`
}

// Word is one run of text on a page with its box, as the text layer or OCR gives it.
// Both sources produce Words; one line builder and one set of field finders serve both.
type Word struct {
	Text       string
	BBox       BBox
	FontSize   float64 // points; 0 when unknown
	Confidence float64 // 0..1; 1 for the text layer
}

// Page is one page's words in reading coordinates (points, top-left origin, rotation applied).
type Page struct {
	Number        int // 1-based
	Width, Height float64
	Source        Source
	Words         []Word
}
