// Package extract reads a phone bill (a PDF with a text layer, a scan, a fax or a
// photo) and finds the fields a port request needs, each with its evidence. It wires
// the pipeline's stages, one package each, imports running one way (down):
//
//	bytes ─ sniff ─┬─ PDF: pdftext (text layer page by page) ──┐
//	               │        pages without usable text ─ ocr ───┤
//	               └─ PNG/JPEG/TIFF/HEIC ─ ocr ────────────────┴─ []doc.Page of Words
//	[]doc.Page ─ layout (lines, segments, running headers) ─ fields (finders) ─ Extraction
//
//	doc      the words every stage passes on: Word, Page, BBox, Source; the errors
//	pdftext  content-stream lexer, fonts and ToUnicode maps, glyphs → words, the
//	         hostile-file guards around github.com/ledongthuc/pdf
//	ocr      image decoding (PNG, JPEG, TIFF, HEIF), orientation, skew, clean-up,
//	         viewer-window frames, PDF rasterizing, the Tesseract pool → words
//	layout   words → lines → segments, column gaps, running headers and footers
//	fields   the finders: carrier, account, PIN, names, addresses, numbers, accounts
//
// The finders read document structure, never one layout's coordinates: a value after
// its label (same line, box to the right, line below), an address by US address
// grammar, a carrier name weighed by where it stands. Values are kept exactly as
// printed; confidence says how a value was found and how sure OCR was of its words.
// This package keeps the public API (Extractor, Extraction and the stage types under
// their old names, api.go).
package extract
