// Package doc is what every stage of reading a bill passes on: a page's positioned
// words (from the text layer or OCR) and the errors a caller maps to a status.
package doc
