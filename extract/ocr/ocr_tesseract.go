package ocr

import (
	"context"
	"fmt"
	"image"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/portdocs/portdocs/extract/doc"

	"github.com/otiai10/gosseract/v2"
)

// tessClient is one initialised Tesseract instance; used by one page at a time.
type tessClient struct {
	c *gosseract.Client
}

// blankPGM is the tiny image that forces Tesseract to initialise at start-up (gosseract
// initialises lazily, on the first recognition).
var blankPGM = encodePGM(func() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	return g
}())

func newTessClient(langs []string, prefix string, psm int) (*tessClient, error) {
	c := gosseract.NewClient()
	c.Trim = false
	if err := c.SetLanguage(langs...); err != nil {
		c.Close()
		return nil, fmt.Errorf("tesseract: %v: %w", err, doc.ErrOCRUnavailable)
	}
	if prefix != "" {
		_ = c.SetTessdataPrefix(prefix)
	}
	// Variables are re-applied after Init, so they survive it (SetPageSegMode before
	// Init would not). See Options.PageSegMode for the choice of mode.
	_ = c.SetVariable("tessedit_pageseg_mode", strconv.Itoa(psm))
	_ = c.SetVariable(gosseract.DEBUG_FILE, "/dev/null")
	if err := c.SetImageFromBytes(blankPGM); err != nil {
		c.Close()
		return nil, fmt.Errorf("tesseract: %v: %w", err, doc.ErrOCRUnavailable)
	}
	if _, err := c.Text(); err != nil {
		c.Close()
		return nil, fmt.Errorf("tesseract (languages %s): %v: %w", strings.Join(langs, "+"), err, doc.ErrOCRUnavailable)
	}
	return &tessClient{c: c}, nil
}

func (t *tessClient) close() error { return t.c.Close() }

// words runs recognition on g (at dpi) and returns word boxes in g's pixels.
func (t *tessClient) words(g *image.Gray, dpi float64) ([]gosseract.BoundingBox, error) {
	if err := t.c.SetImageFromBytes(encodePGM(g)); err != nil {
		return nil, err
	}
	// Tesseract scales its noise and size heuristics by the resolution; a PGM carries
	// none, and it would otherwise guess (and print "Estimating resolution").
	_ = t.c.SetVariable("user_defined_dpi", strconv.Itoa(int(dpi+0.5)))
	return t.c.GetBoundingBoxes(gosseract.RIL_WORD)
}

// maxUpscalePixels caps the enlargement of low-resolution pages: an 11×17 in page at
// 300 dpi. Without it a huge page rendered at a few dpi to stay under the pixel limit
// (a 200 in MediaBox comes out at 31 dpi) would be "enlarged to 300 dpi" into billions
// of pixels.
const maxUpscalePixels = 17_000_000

// upscaleFactor is how much a w×h page at dpi is enlarged before recognition: to 300
// dpi when it is under 250 (faxes), but never past maxUpscalePixels; 1 for none.
func upscaleFactor(w, h int, dpi float64) float64 {
	if dpi <= 0 || dpi >= 250 || w <= 0 || h <= 0 {
		return 1
	}
	f := 300 / dpi
	if px := float64(w) * float64(h); px*f*f > maxUpscalePixels {
		f = math.Sqrt(maxUpscalePixels / px)
	}
	if f < 1.05 {
		return 1 // not worth a copy
	}
	return f
}

// recognizePage reads a page image at dpi and returns its words in points. A
// screenshot of a viewer has only its page read (see image_frame.go).
func recognizePage(ctx context.Context, c *tessClient, g *image.Gray, dpi float64) (doc.Page, error) {
	if fr, ok := findPageFrame(g); ok {
		return recognizeFrame(ctx, c, g, dpi, fr)
	}
	return recognizeWhole(ctx, c, g, dpi)
}

// frameDPI is the resolution a viewer's page is enlarged to before recognition. A page
// drawn at 60 to 110 pixels an inch has no detail a 300-dpi enlargement would bring
// out, and bilinear blow-ups of four and five times blur its glyphs together: on the
// viewer fixtures 200 reads more fields right than 300 (64 of 70 against 61 of 71).
const frameDPI = 200

// recognizeFrame reads the page inside a viewer screenshot: the rectangle alone,
// enlarged from the resolution it is drawn at, upright as screens show pages. The
// words come back where they stand in the whole image, at its dpi, so their boxes land
// on the stored file; the chrome around the page is not read.
func recognizeFrame(ctx context.Context, c *tessClient, g *image.Gray, dpi float64, fr pageFrame) (doc.Page, error) {
	sub := cropGray(g, fr.rect)
	pdpi := fr.dpi
	// Enlarge to frameDPI, but to no more pixels than the whole image was charged for
	// (ocrPixels): the memory budget was taken before the frame was known.
	f := frameDPI / pdpi
	if budget, px := float64(ocrPixels(g.Rect.Dx(), g.Rect.Dy(), dpi)), float64(sub.Rect.Dx()*sub.Rect.Dy()); px*f*f > budget {
		f = math.Max(1, math.Sqrt(budget/px))
	}
	if f > 1.05 {
		sub = upscale(sub, f)
	} else {
		f = 1
	}
	if err := ctx.Err(); err != nil {
		return doc.Page{}, err
	}
	boxes, err := c.words(sub, pdpi*f)
	if err != nil {
		return doc.Page{}, err
	}
	scale := 72 / dpi
	p := doc.Page{Width: float64(g.Rect.Dx()) * scale, Height: float64(g.Rect.Dy()) * scale, Source: doc.SourceOCR}
	x0, y0 := float64(fr.rect.Min.X-g.Rect.Min.X), float64(fr.rect.Min.Y-g.Rect.Min.Y)
	for _, b := range boxes {
		box := doc.BBox{
			(x0 + float64(b.Box.Min.X)/f) * scale, (y0 + float64(b.Box.Min.Y)/f) * scale,
			(x0 + float64(b.Box.Max.X)/f) * scale, (y0 + float64(b.Box.Max.Y)/f) * scale,
		}
		p.Words = appendOCRWord(p.Words, b, box)
	}
	return p, nil
}

// recognizeWhole turns the page upright and level, recognises it, and converts the
// boxes to points. If the orientation analysis was unsure and the text came out as
// garbage, it tries the page the other way up and keeps the better reading.
func recognizeWhole(ctx context.Context, c *tessClient, g *image.Gray, dpi float64) (doc.Page, error) {
	if k := int(dpi / 300); k >= 2 {
		// 600-dpi scans and large photos: Tesseract reads best near 300 dpi, and
		// recognition costs time and memory by the pixel.
		g, dpi = downscale(g, k), dpi/float64(k)
	}
	despeckle(g, dpi)
	if f := upscaleFactor(g.Rect.Dx(), g.Rect.Dy(), dpi); f > 1 {
		g = upscale(g, f)
		dpi *= f
	}
	turn := analyzeLayout(g, dpi)
	img := Turn(g, 0, turn.rotate, turn.skew)
	applied := turn
	boxes, err := c.words(img, dpi)
	if err != nil {
		return doc.Page{}, err
	}
	// An unsure orientation that reads poorly, or any that reads as garbage: try the
	// other three turns, keep the best, stop at the first good one. Costs a recognition
	// each, on such pages only (a clean upright page reads at 0.85-0.95).
	// A page with no word at all (blank, or all ink) has nothing to read either way up.
	if q := readingQuality(boxes); ((!turn.certain && q < 0.6) || q < 0.4) && anyAlnum(boxes) {
		for _, r := range []int{180, 90, 270} {
			if ctx.Err() != nil {
				break
			}
			alt, altTurn := levelAt(g, dpi, (turn.rotate+r)%360)
			altBoxes, err := c.words(alt, dpi)
			if err != nil {
				return doc.Page{}, err
			}
			if aq := readingQuality(altBoxes); aq > q+0.1 {
				img, boxes, q, applied = alt, altBoxes, aq, altTurn
			}
			if q >= 0.7 {
				break
			}
		}
	}
	scale := 72 / dpi
	p := doc.Page{
		Width:  float64(img.Rect.Dx()) * scale,
		Height: float64(img.Rect.Dy()) * scale,
		Source: doc.SourceOCR,
		Rotate: applied.rotate,
		Skew:   applied.skew,
	}
	for _, b := range boxes {
		box := doc.BBox{
			float64(b.Box.Min.X) * scale, float64(b.Box.Min.Y) * scale,
			float64(b.Box.Max.X) * scale, float64(b.Box.Max.Y) * scale,
		}
		p.Words = appendOCRWord(p.Words, b, box)
	}
	return p, nil
}

// appendOCRWord adds a recognised word with its box in points, unless it is a speck.
func appendOCRWord(words []doc.Word, b gosseract.BoundingBox, box doc.BBox) []doc.Word {
	text := strings.TrimSpace(b.Word)
	if text == "" || (b.Confidence < 30 && !doc.HasAlnum(text)) {
		return words // speckles read as "|", "—" and the like
	}
	return append(words, doc.Word{
		Text:       languageLetters(text),
		BBox:       box,
		FontSize:   ocrFontSize(text, box[3]-box[1]),
		Confidence: max(0, min(1, b.Confidence/100)),
	})
}

// readingQuality is the mean word confidence (0..1) weighted by word length, over words
// with at least one letter or digit; 0 for no words.
func readingQuality(boxes []gosseract.BoundingBox) float64 {
	var sum, n float64
	for _, b := range boxes {
		w := strings.TrimSpace(b.Word)
		if !doc.HasAlnum(w) {
			continue
		}
		l := float64(len([]rune(w)))
		sum += b.Confidence / 100 * l
		n += l
	}
	if n == 0 {
		return 0
	}
	return sum / n
}

func anyAlnum(boxes []gosseract.BoundingBox) bool {
	for _, b := range boxes {
		if doc.HasAlnum(b.Word) {
			return true
		}
	}
	return false
}

// ocrFontSize estimates the font size from a word box's height: a box spans the cap
// height (about 0.7 em) plus descenders (about 0.2 em) when the word has any. It is an
// estimate for ranking (bigger header text), not a typographic measurement.
func ocrFontSize(text string, h float64) float64 {
	frac := 0.72
	if strings.ContainsAny(text, "gjpqyQ(),;[]{}|") {
		frac = 0.93
	} else if strings.IndexFunc(text, func(r rune) bool {
		return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("bdfhklt", r)
	}) < 0 {
		frac = 0.52 // x-height only: "reason", "s"
	}
	return h / frac
}

// languageLetters puts an OCR word's look-alike letters back into the bills' languages.
func languageLetters(word string) string { return lookalikes.Replace(word) }

// lookalikes maps letters of other Latin alphabets that OCR picks for a look-alike of
// a letter of the bills' languages (English, Spanish, French): "NÚŇEZ" is "NÚÑEZ".
// Letters with no look-alike in those languages (Ř, Ł, Ő) stay as read.
var lookalikes = strings.NewReplacer(
	"Ň", "Ñ", "ň", "ñ", "Ń", "Ñ", "ń", "ñ", "Ǹ", "Ñ", "ǹ", "ñ",
	"Ǎ", "Á", "ǎ", "á", "Ě", "É", "ě", "é", "Ǐ", "Í", "ǐ", "í", "Ǒ", "Ó", "ǒ", "ó", "Ǔ", "Ú", "ǔ", "ú",
	"Ă", "Á", "ă", "á", "Ĕ", "É", "ĕ", "é", "Ĭ", "Í", "ĭ", "í", "Ŏ", "Ó", "ŏ", "ó", "Ŭ", "Ú", "ŭ", "ú",
	"Ů", "Ú", "ů", "ú",
)
