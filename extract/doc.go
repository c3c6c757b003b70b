// Package extract reads a phone bill (a PDF with a text layer, a scan, a fax or a
// photo) and finds the fields a port request needs, each with its evidence.
//
// One pipeline serves every source:
//
//	bytes ─ sniff ─┬─ PDF: text layer page by page (pdf*.go) ──┐
//	               │        pages without usable text ─ OCR ───┤
//	               └─ PNG/JPEG/TIFF ─ OCR (ocr*.go) ───────────┴─ []Page of Words
//	[]Page ─ lines and segments (lines.go) ─ field finders (find*.go) ─ Extraction
//
// The text layer comes from github.com/ledongthuc/pdf for the file structure only:
// content streams and ToUnicode maps are tokenized here (pdflex.go) and interpreted
// with glyph widths (pdfpage.go, pdffont.go), so words are rebuilt from geometry
// (words.go): kerning fragments join, word gaps and columns stay apart, /Rotate turns
// the page upright. Every call into the library runs under guard (guard.go): a panic
// becomes ErrCorrupt, and a deadline, a read budget and checks made before parsing
// bound what a hostile file can cost.
//
// The finders read document structure, never one layout's coordinates: a value after
// its label (same line, box to the right, line below), an address by US address
// grammar, a carrier name weighed by where it stands. Values are kept exactly as
// printed; confidence says how a value was found and how sure OCR was of its words.
package extract
