package doc

// BBox is a box in PDF points from the top-left corner of the page: [x0, y0, x1, y1].
type BBox [4]float64

// Source says where a piece of text came from.
type Source string

const (
	SourceText Source = "text" // the PDF's text layer
	SourceOCR  Source = "ocr"  // Tesseract on a rendered or scanned page
)

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
