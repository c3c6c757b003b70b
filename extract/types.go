package extract

import (
	"github.com/portdocs/portdocs/extract/fields"
)

// Method says how a document was read, decided page by page.
const (
	MethodText  = "text"
	MethodOCR   = "ocr"
	MethodMixed = "mixed"
)

// Extraction is what a bill says (CONTRACT §2).
type Extraction struct {
	Pages        int                  `json:"pages"`
	Method       string               `json:"method"`
	Fields       fields.Fields        `json:"fields"`
	PhoneNumbers []fields.PhoneNumber `json:"phone_numbers"`
	// Accounts splits phone_numbers by the account they are listed under, when the
	// bill shows more than one (a summary bill, sub-accounts); absent for one account
	// (an extension of CONTRACT §2).
	Accounts []fields.Account `json:"accounts,omitempty"`
	Warnings []string         `json:"warnings"`
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
