package ocr

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/portdocs/portdocs/extract/doc"
)

func TestJPEGReduction(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		want int
	}{
		{8064, 6048, 2},   // 48 MP phone sensor: 12.2 MP at 1/2
		{9248, 6936, 2},   // 64 MP: 16.0 MP at 1/2, just under
		{12000, 9000, 4},  // 108 MP: 27 MP at 1/2, 6.8 at 1/4
		{16320, 12240, 4}, // 200 MP: 12.5 MP at 1/4
		{20000, 15000, 8}, // 300 MP: 18.75 MP at 1/4, 4.7 at 1/8
		{40000, 30000, 0}, // 1200 MP: 18.75 MP even at 1/8
		{4001, 4250, 2},   // 17.0 MP: rounding up at 1/2 still fits
		{100000, 100000, 0},
	} {
		if got := jpegReduction(tc.w, tc.h, readPixels); got != tc.want {
			t.Errorf("jpegReduction(%d, %d) = %d, want %d", tc.w, tc.h, got, tc.want)
		}
	}
}

// texturedGray is an image with structure at every scale (blocks of random gray levels
// and a fine checker), so a wrong scale, offset or byte order shows in the comparison.
func texturedGray(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	levels := make([]uint8, (w/32+1)*(h/32+1))
	for i := range levels {
		levels[i] = uint8(rng.IntN(256))
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := int(levels[(y/32)*(w/32+1)+x/32])
			if (x/4+y/4)%2 == 0 {
				v = v*3/4 + 32
			}
			g.Pix[y*g.Stride+x] = uint8(v)
		}
	}
	return g
}

func encodeJPEG(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestReducedJPEG: a JPEG over the page limit is read at a reduction, and what is read
// is the picture at that scale: each pixel the mean of its r×r block of the full
// decode, within JPEG's own error.
func TestReducedJPEG(t *testing.T) {
	const w, h = 1203, 901 // not multiples of 8 or of the reduction
	src := texturedGray(w, h)
	data := encodeJPEG(t, src, 95)
	full, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	fg := toGray(full)
	lim := ocrLimits{maxPages: 50, maxPagePixels: 200_000, maxTotalPixels: 250_000_000}
	pages, err := imagePages(data, lim)
	if err != nil {
		t.Fatal(err)
	}
	p := pages[0]
	r := p.reduction
	if r < 2 || p.width != (w+r-1)/r || p.height != (h+r-1)/r {
		t.Fatalf("page %d×%d at 1/%d; want a reduction of %d×%d", p.width, p.height, r, w, h)
	}
	img, err := p.decode()
	if err != nil {
		t.Fatal(err)
	}
	g, ok := img.(*image.Gray)
	if !ok || g.Rect.Dx() != p.width || g.Rect.Dy() != p.height {
		t.Fatalf("decoded %T %v, want a %d×%d gray image", img, img.Bounds(), p.width, p.height)
	}
	var sum, n float64
	for y := 0; y < h/r; y++ {
		for x := 0; x < w/r; x++ {
			var m int
			for dy := 0; dy < r; dy++ {
				for dx := 0; dx < r; dx++ {
					m += int(fg.Pix[(y*r+dy)*fg.Stride+x*r+dx])
				}
			}
			d := float64(m)/float64(r*r) - float64(g.Pix[y*g.Stride+x])
			sum += d * d
			n++
		}
	}
	if rms := math.Sqrt(sum / n); rms > 6 {
		t.Errorf("reduced decode differs from the block means of the full decode by %.1f gray levels RMS; want ≤ 6", rms)
	}
}

// TestReducedJPEGKeepsMeta: the EXIF orientation still applies, and a stated
// resolution is scaled with the pixels.
func TestReducedJPEGKeepsMeta(t *testing.T) {
	data := withEXIF(encodeJPEG(t, texturedGray(640, 480), 90), 6, binary.BigEndian)
	data = withJFIFDensity(t, data, 600)
	lim := ocrLimits{maxPages: 50, maxPagePixels: 100_000, maxTotalPixels: 250_000_000}
	pages, err := imagePages(data, lim)
	if err != nil {
		t.Fatal(err)
	}
	p := pages[0]
	if p.reduction != 2 || p.orientation != 6 || p.dpi != 300 {
		t.Fatalf("reduction %d, orientation %d, dpi %v; want 2, 6, 300", p.reduction, p.orientation, p.dpi)
	}
	img, err := p.decode()
	if err != nil {
		t.Fatal(err)
	}
	if g := orient(toGray(img), p.orientation); g.Rect.Dx() != 240 || g.Rect.Dy() != 320 {
		t.Errorf("upright size %v, want 240×320", g.Rect.Size())
	}
}

// withJFIFDensity replaces the JFIF APP0 density (Go's encoder writes none; it writes
// no APP0 at all, so one is inserted after SOI).
func withJFIFDensity(t *testing.T, jpg []byte, dpi uint16) []byte {
	t.Helper()
	app0 := []byte{0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 1, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(app0[12:], dpi)
	binary.BigEndian.PutUint16(app0[14:], dpi)
	return append(append(append([]byte{}, jpg[:2]...), app0...), jpg[2:]...)
}

// TestBigJPEGRefused: what the reduced decoder does not take keeps the page limit, and
// damage found while decoding is an error, never a half-read page.
func TestBigJPEGRefused(t *testing.T) {
	lim := ocrLimits{maxPages: 50, maxPagePixels: 100_000, maxTotalPixels: 250_000_000}
	base := encodeJPEG(t, texturedGray(640, 480), 90)
	progressive := bytes.Replace(base, []byte{0xFF, 0xC0}, []byte{0xFF, 0xC2}, 1)
	if bytes.Equal(progressive, base) {
		t.Fatal("no SOF0 marker in Go's JPEG")
	}
	if _, err := imagePages(progressive, lim); !errors.Is(err, doc.ErrTooLarge) {
		t.Errorf("progressive JPEG over the limit: err = %v, want ErrTooLarge", err)
	}

	truncated := base[:len(base)/2]
	pages, err := imagePages(truncated, lim)
	if err != nil {
		t.Fatal(err) // the header is intact
	}
	if pages[0].reduction == 0 {
		t.Fatal("truncated JPEG not taken by the reduced decoder")
	}
	if _, err := pages[0].decode(); !errors.Is(err, doc.ErrCorrupt) {
		t.Errorf("truncated JPEG at a reduction: err = %v, want ErrCorrupt", err)
	}

	// A sequential JPEG whose header claims more than a phone sensor: refused from the
	// header, nothing decoded.
	huge := append([]byte{}, base...)
	i := bytes.Index(huge, []byte{0xFF, 0xC0})
	binary.BigEndian.PutUint16(huge[i+5:], 30000) // height
	binary.BigEndian.PutUint16(huge[i+7:], 30000) // width
	if _, err := imagePages(huge, testLimits); !errors.Is(err, doc.ErrTooLarge) {
		t.Errorf("900-megapixel JPEG header: err = %v, want ErrTooLarge", err)
	}
}
