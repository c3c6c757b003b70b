package extract

import (
	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/fields"
	"github.com/portdocs/portdocs/extract/ocr"
	"github.com/portdocs/portdocs/extract/pdftext"
)

// The pipeline's types, under the names callers of this package know them by.
type (
	BBox   = doc.BBox
	Source = doc.Source
	Word   = doc.Word
	Page   = doc.Page

	Field[T any] = fields.Field[T]
	Fields       = fields.Fields
	PhoneNumber  = fields.PhoneNumber
	Account      = fields.Account

	PDFInfo = pdftext.Info

	OCR           = ocr.Engine
	OCROptions    = ocr.Options
	ImagePageInfo = ocr.ImagePageInfo
)

const (
	SourceText = doc.SourceText
	SourceOCR  = doc.SourceOCR
)

// Errors a caller can map to a status (package doc says which).
var (
	ErrUnsupportedType = doc.ErrUnsupportedType
	ErrEncrypted       = doc.ErrEncrypted
	ErrCorrupt         = doc.ErrCorrupt
	ErrEmpty           = doc.ErrEmpty
	ErrTooLarge        = doc.ErrTooLarge
	ErrTooManyPages    = doc.ErrTooManyPages
	ErrOCRBusy         = doc.ErrOCRBusy
	ErrOCRUnavailable  = doc.ErrOCRUnavailable
	ErrNoSuchPage      = ocr.ErrNoSuchPage
)

// The OCR engine and the image tools the server's viewer and the CLI use.
var (
	NewOCR              = ocr.New
	ExecWithThreadLimit = ocr.ExecWithThreadLimit
	BundledModel        = ocr.BundledModel
	RasterizerAvailable = ocr.RasterizerAvailable
	ImageInfo           = ocr.ImageInfo
	ImagePreview        = ocr.ImagePreview
	Turn                = ocr.Turn
	HEIFType            = ocr.HEIFType
	EXIFEntry           = ocr.EXIFEntry
)
