package forensic

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/portdocs/portdocs/extract"
)

// renderCompare renders the pages a signal points at (the field values' pages and
// pages with overprinted text, at most maxPages) and reads them by OCR: a value the
// text layer has but the page does not show was covered, or typed invisibly.
func renderCompare(ctx context.Context, data []byte, exr *extract.Extractor, pages []extract.Page, targets []target, maxPages int, r *Report) {
	if maxPages <= 0 {
		maxPages = 2
	}
	var want []int
	add := func(n int) {
		if n >= 1 && n <= len(pages) && !slices.Contains(want, n) && len(want) < maxPages {
			want = append(want, n)
		}
	}
	for _, t := range targets {
		add(t.page)
	}
	for _, p := range pages {
		if len(p.Overprinted) > 0 {
			add(p.Number)
		}
	}
	if len(want) == 0 {
		return
	}
	slices.Sort(want)
	ocr, err := exr.OCR()
	if err != nil {
		r.Notes = append(r.Notes, "the pages were not rendered to compare with the text layer: OCR is not available")
		return
	}
	read, err := ocr.PDFPages(ctx, data, want)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			r.Notes = append(r.Notes, "the render comparison was cut short: "+err.Error())
		} else {
			r.Notes = append(r.Notes, "the pages could not be rendered to compare with the text layer: "+err.Error())
		}
		return
	}
	r.Rendered = want
	for _, p := range read {
		shown := squeeze(wordsText(p.Words))
		for _, t := range targets {
			if t.page != p.Number {
				continue
			}
			v := squeeze(t.value)
			if len(v) >= 4 && !nearSubstring(shown, v, max(1, len(v)/8)) {
				r.Signals = append(r.Signals, Signal{Kind: KindRenderMismatch, Page: p.Number,
					Evidence: fmt.Sprintf("the %s in the text layer is not on the rendered page", fieldLabel(t.field))})
			}
		}
	}
}

func wordsText(ws []extract.Word) string {
	var b strings.Builder
	for _, w := range ws {
		b.WriteString(w.Text)
		b.WriteByte(' ')
	}
	return b.String()
}

// squeeze keeps letters and digits, upper-cased: OCR's spacing and punctuation vary.
func squeeze(s string) []rune {
	var out []rune
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			out = append(out, unicode.ToUpper(r))
		}
	}
	return out
}

// nearSubstring says whether needle occurs in hay with at most k edits (Sellers'
// approximate matching: edit distance where the match may start anywhere).
func nearSubstring(hay, needle []rune, k int) bool {
	prev := make([]int, len(needle)+1)
	cur := make([]int, len(needle)+1)
	for j := range prev {
		prev[j] = j
	}
	if prev[len(needle)] <= k {
		return true
	}
	for _, h := range hay {
		cur[0] = 0
		for j, n := range needle {
			cost := 1
			if h == n {
				cost = 0
			}
			cur[j+1] = min(prev[j]+cost, prev[j+1]+1, cur[j]+1)
		}
		if cur[len(needle)] <= k {
			return true
		}
		prev, cur = cur, prev
	}
	return false
}
