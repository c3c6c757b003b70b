package loa

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/sfnt"
)

// The LOA embeds its own fonts so it renders the same everywhere, with accents,
// apostrophes, Greek and Cyrillic, and needs no system font at run time.
// DejaVu's license is in fonts/LICENSE.
var (
	//go:embed fonts/DejaVuSans.ttf
	regularTTF []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	boldTTF []byte
)

const fontFamily = "DejaVu"

// glyphs is the set of runes the embedded regular font can draw. gofpdf indexes a
// 65,536-entry width table by rune, so a rune outside the BMP would panic it, and a
// rune without a glyph would print as an empty box; clean replaces both.
var glyphs = sync.OnceValue(func() map[rune]bool {
	set := make(map[rune]bool, 6000)
	f, err := sfnt.Parse(regularTTF)
	if err != nil {
		return set // clean then degrades to ASCII; a test guards the font parses
	}
	var buf sfnt.Buffer
	for r := rune(0x20); r < 0xFFFF; r++ {
		if gi, err := f.GlyphIndex(&buf, r); err == nil && gi != 0 {
			set[r] = true
		}
	}
	return set
})

// clean makes s safe to draw: control characters become spaces (so a typed newline
// cannot break a table row), runes the font lacks become '?'.
func clean(s string) string {
	g := glyphs()
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return -1
		case r < 0x80 && r >= 0x20:
			return r
		case g[r]:
			return r
		default:
			return '?'
		}
	}, s)
}
