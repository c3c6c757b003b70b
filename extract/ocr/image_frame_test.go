package ocr

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand"
	"os"
	"testing"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/fields"

	"github.com/jung-kurt/gofpdf"
)

// viewerShot draws a viewer window: a backdrop of gray level bg, a title bar, a light
// toolbar, a white page with dark "text" bars on it, and a rule across the page at
// ruleY (0: none).
func viewerShot(w, h int, page image.Rectangle, bg uint8, ruleY int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = bg
	}
	fill := func(r image.Rectangle, v uint8) {
		r = r.Intersect(g.Rect)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				g.Pix[y*g.Stride+x] = v
			}
		}
	}
	fill(image.Rect(0, 0, w, 50), 40)    // title bar
	fill(image.Rect(0, 50, w, 110), 243) // toolbar
	fill(page, 255)
	for y := page.Min.Y + 40; y < page.Max.Y-40; y += 14 {
		fill(image.Rect(page.Min.X+20, y, page.Min.X+30+(y*7)%max(1, page.Dx()-50), y+6), 20)
	}
	if ruleY > 0 {
		fill(image.Rect(page.Min.X, ruleY, page.Max.X, ruleY+1), 120)
	}
	return g
}

func TestFindPageFrame(t *testing.T) {
	page := image.Rect(400, 130, 400+527, 130+682) // a letter page at 62 px an inch
	noisy := viewerShot(1280, 900, page, 86, 0)
	r := rand.New(rand.NewSource(1))
	for i, v := range noisy.Pix {
		if v != 255 {
			noisy.Pix[i] = uint8(max(0, min(200, int(v)+r.Intn(60)-30)))
		}
	}
	for _, tc := range []struct {
		name string
		g    *image.Gray
		want image.Rectangle // empty: no frame
		dpi  float64
	}{
		{"viewer window", viewerShot(1280, 900, page, 86, 0), page, 62},
		{"a rule across the page cuts its white in two", viewerShot(1280, 900, page, 86, 600), page, 62},
		{"the page runs past the window's bottom", viewerShot(1280, 700, page, 86, 0), image.Rect(400, 130, 927, 700), 62},
		{"a light backdrop", viewerShot(1280, 900, page, 220, 0), page, 62},
		{"a scan fills the image: no frame", viewerShot(1000, 1300, image.Rect(0, 0, 1000, 1300), 255, 0), image.Rectangle{}, 0},
		{"a page too small to be the bill: no frame", viewerShot(1280, 900, image.Rect(600, 300, 700, 430), 86, 0), image.Rectangle{}, 0},
		{"a page on a textured surface (a photo): no frame", noisy, image.Rectangle{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fr, ok := findPageFrame(tc.g)
			if tc.want.Empty() {
				if ok {
					t.Errorf("frame %v found, want none", fr.rect)
				}
				return
			}
			if !ok || fr.rect != tc.want || int(fr.dpi+0.5) != int(tc.dpi) {
				t.Errorf("frame %v at %.1f dpi (found %v), want %v at %v", fr.rect, fr.dpi, ok, tc.want, tc.dpi)
			}
		})
	}
}

// TestOCRViewerScreenshot reads a screenshot of a viewer window: the sample page drawn
// at 70 pixels an inch under a white toolbar whose text names another account number.
// Only the page is read, enlarged enough to read its account number, and the boxes
// land on the page in the stored image.
func TestOCRViewerScreenshot(t *testing.T) {
	o := testOCR(t)
	page := samplePage(t, 70)
	toolbar := func() *image.Gray {
		pdf := gofpdf.New("P", "pt", "Letter", "")
		pdf.AddPage()
		pdf.SetFont("Helvetica", "", 14)
		pdf.Text(20, 20, "bill.pdf    Page 1 / 2    75%    Account Number: 4444 3333 2222")
		var b bytes.Buffer
		if err := pdf.Output(&b); err != nil {
			t.Fatal(err)
		}
		f, err := os.CreateTemp(t.TempDir(), "*.pdf")
		if err != nil {
			t.Fatal(err)
		}
		f.Write(b.Bytes())
		f.Close()
		g, err := rasterPage(context.Background(), f.Name(), 1, 144, 1e8, 0)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}()
	const W, H = 1400, 1000
	shot := image.NewGray(image.Rect(0, 0, W, H))
	for i := range shot.Pix {
		shot.Pix[i] = 86
	}
	draw.Draw(shot, image.Rect(0, 0, W, 50), image.NewUniform(color.Gray{40}), image.Point{}, draw.Src)
	draw.Draw(shot, image.Rect(0, 50, W, 110), toolbar, image.Point{0, 10}, draw.Src)
	at := image.Pt(400, 150)
	pageRect := page.Rect.Sub(page.Rect.Min).Add(at)
	draw.Draw(shot, pageRect, page, page.Rect.Min, draw.Src)

	pages, err := o.Image(context.Background(), encodePNG(t, shot))
	if err != nil {
		t.Fatal(err)
	}
	f, _, _, _ := fields.Find(pages)
	acct := f.AccountNumber
	if acct == nil || acct.Value != "8123 4567 0199" || len(acct.Warnings) > 0 {
		t.Fatalf("account number %+v, want 8123 4567 0199 with no warning", acct)
	}
	// No PNG density: the image is taken at estimateDPI; boxes are in its points.
	scale := 72 / estimateDPI(W, H)
	inPage := doc.BBox{float64(pageRect.Min.X) * scale, float64(pageRect.Min.Y) * scale, float64(pageRect.Max.X) * scale, float64(pageRect.Max.Y) * scale}
	if b := acct.BBox; b[0] < inPage[0] || b[1] < inPage[1] || b[2] > inPage[2] || b[3] > inPage[3] {
		t.Errorf("account number box %v is not on the page %v", b, inPage)
	}
	if v := pages[0]; math.Abs(v.Width-W*scale) > 1 || math.Abs(v.Height-H*scale) > 1 {
		t.Errorf("page view %+v, want the whole image (%.0f×%.0f pt)", v, W*scale, H*scale)
	}
	if f.BillingAddress == nil || f.BillingAddress.Value.ZIP != "62704-1234" {
		t.Errorf("billing address %+v, want the sample's", f.BillingAddress)
	}
}
