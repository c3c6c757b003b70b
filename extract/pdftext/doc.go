// Package pdftext reads a PDF's text layer into positioned words. The file structure
// comes from github.com/ledongthuc/pdf; content streams and ToUnicode maps are
// tokenized here (pdflex.go) and interpreted with glyph widths (pdfpage.go,
// pdffont.go), so words are rebuilt from geometry (words.go): kerning fragments join,
// word gaps and columns stay apart, /Rotate turns the page upright. Every call into
// the library runs under Guard: a panic becomes doc.ErrCorrupt, and a deadline, a read
// budget and checks made before parsing bound what a hostile file can cost.
package pdftext
