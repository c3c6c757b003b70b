package doc

import "errors"

// Errors a caller can map to a status: bad input (400/415/422), busy (429), internal.
// Wrap them with fmt.Errorf("...: %w", ErrX) so the message says what failed.
var (
	ErrUnsupportedType = errors.New("unsupported file type")
	ErrEncrypted       = errors.New("PDF is password-protected")
	ErrCorrupt         = errors.New("file is damaged or unreadable")
	ErrEmpty           = errors.New("file is empty")
	ErrTooLarge        = errors.New("file is too large")
	ErrTooManyPages    = errors.New("too many pages")
	ErrOCRBusy         = errors.New("OCR queue is full")
	ErrOCRUnavailable  = errors.New("OCR is not available")
)
