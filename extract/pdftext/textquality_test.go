package pdftext

import (
	"github.com/portdocs/portdocs/extract/doc"
	"strings"
	"testing"
)

// pageOf makes a text-layer page from text, one Word per token.
func pageOf(text string) doc.Page {
	p := doc.Page{Number: 1, Width: 612, Height: 792, Source: doc.SourceText}
	for i, tok := range strings.Fields(text) {
		x := float64(i%10) * 55
		y := float64(i/10) * 14
		p.Words = append(p.Words, doc.Word{Text: tok, BBox: doc.BBox{x, y, x + 50, y + 10}, Confidence: 1})
	}
	return p
}

// shift turns text into the kind of garbage a font without a Unicode map yields:
// every letter moved along the alphabet, as glyph ids read as character codes are.
func shift(s string, by rune) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return 'a' + (r-'a'+by)%26
		case r >= 'A' && r <= 'Z':
			return 'A' + (r-'A'+by)%26
		}
		return r
	}, s)
}

func TestUsable(t *testing.T) {
	const bill = `Northwind Wireless Account Number 8123 4567 0199 Statement Date October 3, 2026
		HARBOR LIGHT BAKERY LLC ATTN MARGARET O'NEIL 742 EVERGREEN TER STE 12 SPRINGFIELD IL 62704-1234
		Summary for 217-555-0142 and 217-555-0199 Previous balance 123.45 Payments received -123.45
		Monthly service charges 88.10 Taxes and fees 12.31 Total amount due by October 28, 2026 $100.41`
	const calls = `10/01 08:14 217-555-0142 312-555-0188 CHICAGO IL 3 0.00 10/01 09:02 217-555-0142
		773-555-0101 CHICAGO IL 12 0.00 10/02 11:45 217-555-0199 217-555-0150 SPRINGFIELD IL 1 0.00
		10/03 16:20 217-555-0199 618-555-0177 CARBONDALE IL 7 0.00 10/04 10:10 217-555-0142 312-555-0123`
	pua := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\t' {
			return r
		}
		return 0xE000 + r
	}, bill)
	controls := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 1 // glyph ids 1..26 as control characters
		}
		return r
	}, bill)
	replaced := strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return '\uFFFD'
		}
		return r
	}, bill)
	for _, tc := range []struct {
		name string
		text string
		want bool
	}{
		{"a bill page", bill, true},
		{"a call-detail page of numbers", calls, true},
		{"a bill in Spanish with accents", `Número de cuenta 8123 4567 0199 Fecha de factura 3 de octubre de 2026
			Señora María Núñez Calle Mayor 12 Total a pagar antes del 28 de octubre de 2026 $100.41
			Resumen de cargos mensuales del servicio móvil y de internet para su cuenta`, true},
		{"empty", "", false},
		{"a scanner's stamp over an image", "Scanned 2026-10-04 page 1", false},
		{"private-use code points", pua, false},
		{"control characters", controls, false},
		{"replacement characters", replaced, false},
		{"letters shifted (no ToUnicode)", shift(bill, 3), false},
		{"letters shifted differently", shift(bill, 17), false},
		{"symbol soup", strings.Repeat("!#$%&()*+ /<=>?@[]^ {|}~ ", 20), false},
		{"glyph-id digits", strings.Repeat("3 4 5 6 7 1 9 11 12 ", 10), true}, // shaped like numbers: cannot tell, keep
		{"mixed-case noise", strings.Repeat("xQzPt rTkWm aBcDeF gHiJkL qRsTuV ", 8), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := pageOf(tc.text)
			if got := Usable(p); got != tc.want {
				t.Errorf("Usable = %v, want %v (score %+v)", got, tc.want, textLayerScore(p))
			}
		})
	}
}
