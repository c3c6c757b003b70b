package extract

// TextLayerUsable reports whether a page's text layer holds real text; false when it is
// empty or garbage (fonts without a Unicode map), and the page should be OCR'd instead.
// (The OCR work, issue 3, refines this.)
func TextLayerUsable(p Page) bool {
	n := 0
	for _, w := range p.Words {
		n += len(w.Text)
	}
	return n >= 20
}
