package forensic

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/portdocs/portdocs/extract"
)

var (
	xmpProducer = regexp.MustCompile(`pdf:Producer(?:>|\s*=\s*")([^<"]{1,200})`)
	xmpCreator  = regexp.MustCompile(`xmp:CreatorTool(?:>|\s*=\s*")([^<"]{1,200})`)
	// A rewriting library named in a way only that tool's own build writes: pdftk's
	// bundled iText, Python merge tools. Billing systems built on a library (iText,
	// PDFBox, PDFsharp) name it as the Producer too, so the rest are weak.
	rewriterSignatures = []string{"pdftk", "itext-paulo", "pypdf"}
)

// metadataSignals compares what the file says produced it.
func metadataSignals(info extract.PDFInfo) []Signal {
	var out []Signal
	xProducer, xCreator := firstGroup(xmpProducer, info.XMP), firstGroup(xmpCreator, info.XMP)
	for _, f := range []struct{ name, value string }{
		{"Producer", info.Producer}, {"Creator", info.Creator},
		{"XMP producer", xProducer}, {"XMP creator tool", xCreator},
	} {
		if t := matchTool(f.value, pdfEditors); t != "" {
			out = append(out, Signal{Kind: KindEditorProducer,
				Evidence: fmt.Sprintf("the %s names a PDF editor: %q", f.name, clip(f.value))})
			return out
		}
	}
	creator := info.Creator
	if creator == "" {
		creator = xCreator
	}
	if t := matchTool(info.Producer, pdfRewriters); t != "" && creator != "" && matchTool(creator, pdfRewriters) == "" {
		out = append(out, Signal{Kind: KindEditorProducer, Weak: matchTool(info.Producer, rewriterSignatures) == "",
			Evidence: fmt.Sprintf("the Producer %q is a library that rewrites PDFs, while the Creator names %q", clip(info.Producer), clip(creator))})
	}
	if xProducer != "" && info.Producer != "" && !sameTool(xProducer, info.Producer) {
		out = append(out, Signal{Kind: KindMetadataMismatch,
			Evidence: fmt.Sprintf("the Producer %q differs from the XMP producer %q", clip(info.Producer), clip(xProducer))})
	}
	created, cok := pdfDate(info.CreationDate)
	modified, mok := pdfDate(info.ModDate)
	switch {
	case cok && mok && modified.Sub(created) > time.Hour:
		out = append(out, Signal{Kind: KindModifiedAfter,
			Evidence: fmt.Sprintf("modified %s after it was created", roundDuration(modified.Sub(created)))})
	case info.ID[0] != "" && info.ID[1] != "" && info.ID[0] != info.ID[1]:
		out = append(out, Signal{Kind: KindModifiedAfter,
			Evidence: "the file identifier's second half differs from its first (it was saved again)"})
	}
	return out
}

// sameTool compares two producer strings loosely: one often adds a version or a
// library name to the other.
func sameTool(a, b string) bool {
	a, b = strings.ToLower(strings.TrimSpace(a)), strings.ToLower(strings.TrimSpace(b))
	return strings.Contains(a, b) || strings.Contains(b, a)
}

func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}

var pdfDateRe = regexp.MustCompile(`^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(\d{2})?'?(\d{2})?'?)?`)

// pdfDate parses a PDF date string ("D:20261101093000-05'00'").
func pdfDate(s string) (time.Time, bool) {
	m := pdfDateRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return time.Time{}, false
	}
	n := func(i, def int) int {
		if m[i] == "" {
			return def
		}
		v := 0
		fmt.Sscanf(m[i], "%d", &v)
		return v
	}
	offset := (n(8, 0)*60 + n(9, 0)) * 60
	if m[7] == "-" {
		offset = -offset
	}
	t := time.Date(n(1, 0), time.Month(n(2, 1)), n(3, 1), n(4, 0), n(5, 0), n(6, 0), 0, time.FixedZone("", offset))
	return t, true
}

func roundDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return "over an hour"
}

// family is a font's name without its subset tag ("ABCDEF+Arial-Bold" → "Arial-Bold").
func family(font string) (name, tag string) {
	if i := strings.IndexByte(font, '+'); i == 6 {
		return font[i+1:], font[:i]
	}
	return font, ""
}

// fontSignals reads each page's fonts and overprinted places.
func fontSignals(pages []extract.Page, targets []target) []Signal {
	var out []Signal
	for _, p := range pages {
		tags := map[string]map[string]bool{}
		for _, w := range p.Words {
			if name, tag := family(w.Font); tag != "" {
				if tags[name] == nil {
					tags[name] = map[string]bool{}
				}
				tags[name][tag] = true
			}
		}
		for _, name := range slices.Sorted(maps.Keys(tags)) {
			if set := tags[name]; len(set) > 1 {
				out = append(out, Signal{Kind: KindMixedSubsets, Page: p.Number,
					Evidence: fmt.Sprintf("the font %s is embedded as %d different subsets", name, len(set))})
			}
		}
		if n := len(p.Overprinted); n > 0 {
			b := p.Overprinted[0]
			what := ""
			for _, t := range targets {
				if t.page == p.Number && boxesMeet(t.bbox, b) {
					what = " over the " + fieldLabel(t.field)
					break
				}
			}
			out = append(out, Signal{Kind: KindOverlappingText, Page: p.Number,
				Evidence: fmt.Sprintf("different letters are drawn over each other%s at %.0f,%.0f pt from the top left%s", what, b[0], b[1], places(n))})
		}
		for _, t := range targets {
			if t.page != p.Number {
				continue
			}
			if font, ok := loneFont(p.Words, t.value); ok {
				out = append(out, Signal{Kind: KindFieldFont, Page: p.Number,
					Evidence: fmt.Sprintf("the %s is set in %s, which nothing else on the page uses", fieldLabel(t.field), font)})
			}
		}
	}
	return out
}

func places(n int) string {
	if n == 1 {
		return ""
	}
	return fmt.Sprintf(" (%d places)", n)
}

func fieldLabel(field string) string { return strings.ReplaceAll(field, "_", " ") }

func boxesMeet(a, b extract.BBox) bool {
	return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

// loneFont finds value as a run of consecutive words on the page and says whether the
// run's font family is one no other word on the page is set in.
func loneFont(words []extract.Word, value string) (string, bool) {
	tokens := strings.Fields(value)
	if len(tokens) == 0 {
		return "", false
	}
	for i := 0; i+len(tokens) <= len(words); i++ {
		if !runMatches(words[i:i+len(tokens)], tokens) {
			continue
		}
		fam, _ := family(words[i].Font)
		if fam == "" {
			return "", false
		}
		for j, w := range words {
			if j >= i && j < i+len(tokens) {
				continue
			}
			if f, _ := family(w.Font); f == fam {
				return "", false
			}
		}
		return fam, true
	}
	return "", false
}

// runMatches compares words with the value's tokens; a value's last token may carry
// punctuation the word lacks and the reverse ("SAMPLE," on the bill).
func runMatches(words []extract.Word, tokens []string) bool {
	for k, tok := range tokens {
		if strings.TrimRight(words[k].Text, ",.;:") != strings.TrimRight(tok, ",.;:") {
			return false
		}
	}
	return true
}
