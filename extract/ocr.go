package extract

import (
	"context"
	"fmt"
)

// OCROptions configure the OCR engine. (Filled in by the OCR work, issue 3.)
type OCROptions struct {
	Workers  int // pages OCR'd at once; 0 = number of CPUs
	QueueLen int // pages waiting beyond the workers before ErrOCRBusy; 0 = a default
}

// OCR turns scanned pages and images into Words. Safe for concurrent use.
type OCR struct{}

// NewOCR starts the OCR engine.
func NewOCR(opts OCROptions) (*OCR, error) {
	return nil, fmt.Errorf("tesseract: %w", ErrOCRUnavailable)
}

// Close releases the engine's clients.
func (o *OCR) Close() error { return nil }

// PDFPages rasterizes the given 1-based pages of a PDF and OCRs them.
func (o *OCR) PDFPages(ctx context.Context, pdf []byte, pages []int) ([]Page, error) {
	return nil, ErrOCRUnavailable
}

// Image OCRs a PNG, JPEG or TIFF (every page of a multi-page TIFF).
func (o *OCR) Image(ctx context.Context, data []byte) ([]Page, error) {
	return nil, ErrOCRUnavailable
}
