package ocr

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/portdocs/portdocs/extract/doc"

	"golang.org/x/image/tiff"
)

var testLimits = ocrLimits{maxPages: 50, maxPagePixels: 40_000_000, maxTotalPixels: 250_000_000}

// markedImage is w×h gray with one black pixel at (0,0) and a gray one at (w-1,0), so
// any turn or mirror can be told apart.
func markedImage(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	g.SetGray(0, 0, color.Gray{0})
	g.SetGray(w-1, 0, color.Gray{128})
	return g
}

func TestOrientEXIF(t *testing.T) {
	const w, h = 4, 3
	src := markedImage(w, h)
	for _, tc := range []struct {
		o           int
		dw, dh      int
		black, grey image.Point // where (0,0) and (w-1,0) of the stored image end up
	}{
		{1, w, h, image.Pt(0, 0), image.Pt(w-1, 0)},
		{2, w, h, image.Pt(w-1, 0), image.Pt(0, 0)},     // mirrored
		{3, w, h, image.Pt(w-1, h-1), image.Pt(0, h-1)}, // upside down
		{4, w, h, image.Pt(0, h-1), image.Pt(w-1, h-1)}, // flipped
		{5, h, w, image.Pt(0, 0), image.Pt(0, w-1)},     // transposed
		{6, h, w, image.Pt(h-1, 0), image.Pt(h-1, w-1)}, // turn 90° clockwise
		{7, h, w, image.Pt(h-1, w-1), image.Pt(h-1, 0)}, // transverse
		{8, h, w, image.Pt(0, w-1), image.Pt(0, 0)},     // turn 90° anticlockwise
	} {
		got := orient(src, tc.o)
		if got.Rect.Dx() != tc.dw || got.Rect.Dy() != tc.dh {
			t.Errorf("orientation %d: size %v, want %dx%d", tc.o, got.Rect.Size(), tc.dw, tc.dh)
			continue
		}
		if v := got.GrayAt(tc.black.X, tc.black.Y).Y; v != 0 {
			t.Errorf("orientation %d: black pixel not at %v (got %d there)", tc.o, tc.black, v)
		}
		if v := got.GrayAt(tc.grey.X, tc.grey.Y).Y; v != 128 {
			t.Errorf("orientation %d: grey pixel not at %v (got %d there)", tc.o, tc.grey, v)
		}
	}
}

// withEXIF inserts an EXIF APP1 segment holding only an orientation tag.
func withEXIF(jpg []byte, orientation uint16, order binary.ByteOrder) []byte {
	var t bytes.Buffer
	if order == binary.BigEndian {
		t.WriteString("MM\x00\x2a")
	} else {
		t.WriteString("II\x2a\x00")
	}
	binary.Write(&t, order, uint32(8))
	binary.Write(&t, order, uint16(2))
	binary.Write(&t, order, []uint16{0x010F, 2}) // Make, ASCII: an entry to skip
	binary.Write(&t, order, []uint32{4, 0})
	binary.Write(&t, order, []uint16{0x0112, 3})
	binary.Write(&t, order, uint32(1))
	binary.Write(&t, order, []uint16{orientation, 0})
	binary.Write(&t, order, uint32(0))
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append(append([]byte{}, jpg[:2]...), append(seg, payload...)...)
	return append(out, jpg[2:]...)
}

func testJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, markedImage(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestJPEGMeta(t *testing.T) {
	plain := testJPEG(t, 40, 30)
	for _, tc := range []struct {
		name    string
		data    []byte
		orient  int
		swapped bool
	}{
		{"no EXIF", plain, 1, false},
		{"EXIF 6 big-endian", withEXIF(plain, 6, binary.BigEndian), 6, true},
		{"EXIF 8 little-endian", withEXIF(plain, 8, binary.LittleEndian), 8, true},
		{"EXIF 3", withEXIF(plain, 3, binary.BigEndian), 3, false},
		{"EXIF out of range", withEXIF(plain, 42, binary.BigEndian), 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pages, err := imagePages(tc.data, testLimits)
			if err != nil {
				t.Fatal(err)
			}
			if got := pages[0].orientation; got != tc.orient {
				t.Errorf("orientation = %d, want %d", got, tc.orient)
			}
			img, err := pages[0].decode()
			if err != nil {
				t.Fatal(err)
			}
			g := orient(toGray(img), pages[0].orientation)
			if swapped := g.Rect.Dx() == 30; swapped != tc.swapped {
				t.Errorf("upright size %v, swapped=%v want %v", g.Rect.Size(), swapped, tc.swapped)
			}
		})
	}
}

// pngHeader is a PNG signature and IHDR claiming w×h, with no image data: enough for
// DecodeConfig, which is all a bomb should ever reach.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit gray
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// manyPageTIFF is a valid 1-page TIFF whose directory is repeated n times in a chain
// (cyclic: the last points back to the first).
func manyPageTIFF(t *testing.T, n int, cyclic bool) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := tiff.Encode(&b, markedImage(8, 8), nil); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	bo := binary.LittleEndian
	if data[0] == 'M' {
		t.Fatal("expected little-endian from x/image/tiff")
	}
	off := bo.Uint32(data[4:])
	cnt := int(bo.Uint16(data[off:]))
	ifd := append([]byte{}, data[off:int(off)+2+12*cnt]...)
	first := uint32(len(data))
	for i := 0; i < n; i++ {
		pos := uint32(len(data))
		next := pos + uint32(len(ifd)) + 4
		if i == n-1 {
			next = 0
			if cyclic {
				next = first
			}
		}
		data = append(data, ifd...)
		data = bo.AppendUint32(data, next)
	}
	bo.PutUint32(data[4:], first)
	return data
}

func TestImageHostile(t *testing.T) {
	validJPEG := testJPEG(t, 64, 64)
	corruptJPEG := append([]byte{}, validJPEG...)
	for i := len(corruptJPEG) / 2; i < len(corruptJPEG)-2; i++ {
		corruptJPEG[i] = 0xFF // markers everywhere in the entropy-coded data
	}
	for _, tc := range []struct {
		name   string
		data   []byte
		want   error // from the header check, or from decoding when decode is true
		decode bool
	}{
		{"zero bytes", nil, doc.ErrEmpty, false},
		{"not an image", []byte("GIF89a\x01\x00\x01\x00"), doc.ErrUnsupportedType, false},
		{"30000x30000 PNG bomb", pngHeader(30000, 30000), doc.ErrTooLarge, false},
		{"PNG 1x2000000000", pngHeader(1, 2_000_000_000), doc.ErrTooLarge, false},
		{"PNG header only", pngHeader(100, 100), doc.ErrCorrupt, true},
		{"truncated PNG signature", []byte("\x89PNG\r\n\x1a\n\x00\x00"), doc.ErrCorrupt, false},
		{"corrupt JPEG", corruptJPEG, doc.ErrCorrupt, true},
		{"truncated JPEG", validJPEG[:len(validJPEG)/3], doc.ErrCorrupt, true},
		{"500-page TIFF", manyPageTIFF(t, 500, false), doc.ErrTooManyPages, false},
		{"cyclic TIFF", manyPageTIFF(t, 3, true), doc.ErrCorrupt, false},
		{"truncated TIFF", []byte("II*\x00\x08\x00\x00\x00\x05"), doc.ErrCorrupt, false},
		{"TIFF IFD past the end", []byte("II*\x00\xff\xff\x00\x00"), doc.ErrCorrupt, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			pages, err := imagePages(tc.data, testLimits)
			if err == nil && tc.decode {
				for _, p := range pages {
					if _, err = p.decode(); err != nil {
						break
					}
				}
			}
			runtime.ReadMemStats(&after)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
				t.Errorf("allocated %d MB rejecting it; want bounded (< 16 MB)", grew>>20)
			}
		})
	}
}

func TestTIFFPagesAndDPI(t *testing.T) {
	// A 3-page chain of the same 8x8 page; every page decodes.
	pages, err := imagePages(manyPageTIFF(t, 3, false), testLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3", len(pages))
	}
	for i, p := range pages {
		img, err := p.decode()
		if err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
		if g := toGray(img); g.GrayAt(0, 0).Y != 0 || g.GrayAt(7, 0).Y != 128 {
			t.Errorf("page %d pixels wrong", i+1)
		}
	}
	// The committed faxes are CCITT G4, 200 dpi, several pages.
	faxes, _ := filepath.Glob("../../fixtures/ocr/fax-*/bill.tif")
	if len(faxes) == 0 {
		t.Fatal("no fax fixtures under fixtures/ocr (run go run ./fixtures/ocrgen)")
	}
	multi := false
	for _, f := range faxes {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pages, err := imagePages(data, testLimits)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var exp struct{ Pages int }
		if b, err := os.ReadFile(filepath.Join(filepath.Dir(f), "expected.json")); err != nil || json.Unmarshal(b, &exp) != nil {
			t.Fatalf("%s: no readable expected.json", f)
		}
		if len(pages) != exp.Pages {
			t.Errorf("%s: %d pages, expected.json says %d", f, len(pages), exp.Pages)
		}
		multi = multi || len(pages) > 1
		for i, p := range pages {
			if p.dpi != 200 {
				t.Errorf("%s page %d: %v dpi, want 200", f, i+1, p.dpi)
			}
			img, err := p.decode()
			if err != nil {
				t.Fatalf("%s page %d: %v", f, i+1, err)
			}
			// A letter page at 200 dpi, upright or landscape (a landscape
			// statement is faxed as it prints).
			b := img.Bounds()
			if short, long := min(b.Dx(), b.Dy()), max(b.Dx(), b.Dy()); short < 1600 || long < 2100 {
				t.Errorf("%s page %d: %v, want a letter page at 200 dpi", f, i+1, b)
			}
		}
	}
	if !multi {
		t.Error("no multi-page fax among the fixtures")
	}
}

func TestImageDPI(t *testing.T) {
	// pHYs 11811 px/m = 300 dpi
	withPHYs := func(ppm uint32) []byte {
		h := pngHeader(10, 10)
		data := binary.BigEndian.AppendUint32(nil, ppm)
		data = append(data, data...)
		data = append(data, 1)
		chunk := append([]byte("pHYs"), data...)
		var b bytes.Buffer
		b.Write(h)
		binary.Write(&b, binary.BigEndian, uint32(9))
		b.Write(chunk)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
		return b.Bytes()
	}
	for _, tc := range []struct {
		name string
		data []byte
		want float64
	}{
		{"PNG 300 dpi", withPHYs(11811), 299.9994},
		{"PNG no pHYs", pngHeader(10, 10), 0},
	} {
		if got := pngDPI(tc.data); got < tc.want-0.01 || got > tc.want+0.01 {
			t.Errorf("%s: pngDPI = %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct {
		w, h int
		want float64
	}{{3024, 4032, 366.5454}, {800, 600, 150}, {20000, 100, 400}} {
		if got := estimateDPI(tc.w, tc.h); got < tc.want-0.01 || got > tc.want+0.01 {
			t.Errorf("estimateDPI(%d,%d) = %v, want %v", tc.w, tc.h, got, tc.want)
		}
	}
}

func TestClearEdgeInk(t *testing.T) {
	// Reference: a plain 4-connected breadth-first fill from every edge pixel.
	reference := func(m *image.Gray) int {
		W, H := m.Rect.Dx(), m.Rect.Dy()
		var queue [][2]int
		visit := func(x, y int) {
			if x >= 0 && y >= 0 && x < W && y < H && m.Pix[y*m.Stride+x] == 0 {
				m.Pix[y*m.Stride+x] = 255
				queue = append(queue, [2]int{x, y})
			}
		}
		for x := 0; x < W; x++ {
			visit(x, 0)
			visit(x, H-1)
		}
		for y := 0; y < H; y++ {
			visit(0, y)
			visit(W-1, y)
		}
		for i := 0; i < len(queue); i++ {
			x, y := queue[i][0], queue[i][1]
			visit(x+1, y)
			visit(x-1, y)
			visit(x, y+1)
			visit(x, y-1)
		}
		return len(queue)
	}
	fromRows := func(rows ...string) *image.Gray {
		g := image.NewGray(image.Rect(0, 0, len(rows[0]), len(rows)))
		for y, r := range rows {
			for x, c := range r {
				if c != '#' {
					g.Pix[y*g.Stride+x] = 255
				}
			}
		}
		return g
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(w, h int, ink float64) *image.Gray {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for i := range g.Pix {
			if rng.Float64() >= ink {
				g.Pix[i] = 255
			}
		}
		return g
	}
	cases := []struct {
		name string
		img  *image.Gray
		want int // -1: whatever the reference says
	}{
		{"all ink", random(300, 200, 1), 300 * 200},
		{"all paper", random(300, 200, 0), 0},
		{"frame and a letter inside", fromRows(
			"#######",
			"#.....#",
			"#..#..#",
			"#.....#",
			"#######"), 20},
		// A path from the edge that turns back up and left: the fill must go both ways.
		{"spiral", fromRows(
			"#........",
			"#.######.",
			"#.#....#.",
			"#.#.##.#.",
			"#.#..#.#.",
			"#.####.#.",
			"#......#.",
			"########."), -1},
		{"one pixel", fromRows("#"), 1},
	}
	for i := 0; i < 20; i++ {
		cases = append(cases, struct {
			name string
			img  *image.Gray
			want int
		}{fmt.Sprintf("random %d", i), random(40+i, 30+2*i, 0.3+0.02*float64(i)), -1})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ref := image.NewGray(tc.img.Rect)
			copy(ref.Pix, tc.img.Pix)
			want := reference(ref)
			if tc.want >= 0 && want != tc.want {
				t.Fatalf("the reference cleared %d, the case says %d", want, tc.want)
			}
			got := clearEdgeInk(tc.img)
			if got != want {
				t.Errorf("cleared %d pixels, want %d", got, want)
			}
			if !bytes.Equal(tc.img.Pix, ref.Pix) {
				t.Error("the image after the fill differs from the reference's")
			}
		})
	}
}
