package ocr

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/portdocs/portdocs/extract/doc"

	"golang.org/x/image/tiff"
)

// imgKind is an image container recognised by its magic bytes (never by file name).
type imgKind int

const (
	imgUnknown imgKind = iota
	imgPNG
	imgJPEG
	imgTIFF
)

// IsImage reports an image file OCR reads (PNG, JPEG, TIFF, or a HEIC or AVIF photo),
// by its magic bytes.
func IsImage(data []byte) bool { return sniffImage(data) != imgUnknown || IsHEIF(data) }

func sniffImage(data []byte) imgKind {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return imgPNG
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return imgJPEG
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return imgTIFF
	}
	return imgUnknown
}

// estimateDPI is the resolution assumed for an image that states none, or states less
// than 100 dpi (cameras write 72 whatever they saw): the page is taken to fill the
// image's longer side as the 11 inches of a US letter page, within 150..400 dpi. A phone
// photo of a page (about 3000 px) comes out near 270 dpi and its boxes near the page's
// real size in points; a small screenshot gets 150. Only the scale of the coordinates
// and Tesseract's size heuristics depend on it, not which words are read.
func estimateDPI(w, h int) float64 {
	return max(150, min(400, float64(max(w, h))/11))
}

// imagePage is one page of an image file, decoded only when a worker is ready for it,
// so a 50-page fax never sits in memory as 50 bitmaps at once.
type imagePage struct {
	width, height int
	dpi           float64
	orientation   int // EXIF orientation 1..8 (1 = as stored)
	reduction     int // a big photo is decoded at 1/reduction of its size (0: whole)
	decode        func() (image.Image, error)
}

// imagePages checks an image file's headers (dimensions, page count) against the limits
// before anything is decoded — the decompression-bomb guard — and returns its pages.
func imagePages(data []byte, lim ocrLimits) ([]imagePage, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("image: %w", doc.ErrEmpty)
	}
	var pages []imagePage
	switch sniffImage(data) {
	case imgPNG:
		p, err := singleImagePage(data, "PNG", png.DecodeConfig, png.Decode)
		if err != nil {
			return nil, err
		}
		p.dpi = pngDPI(data)
		pages = append(pages, p)
	case imgJPEG:
		p, err := singleImagePage(data, "JPEG", jpeg.DecodeConfig, jpeg.Decode)
		if err != nil {
			return nil, err
		}
		meta := jpegMeta(data)
		if px := int64(p.width) * int64(p.height); px > lim.maxPagePixels && px <= maxPhotoPixels && meta.sequential {
			if r := jpegReduction(p.width, p.height, min(readPixels, lim.maxPagePixels)); r > 0 {
				p = reducedJPEGPage(data, p.width, p.height, r)
			}
		}
		p.orientation = meta.orientation
		if meta.dpi > 0 {
			p.dpi = meta.dpi / float64(max(1, p.reduction))
		}
		pages = append(pages, p)
	case imgTIFF:
		var err error
		if pages, err = tiffPages(data, lim.maxPages); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("image: not a PNG, JPEG or TIFF: %w", doc.ErrUnsupportedType)
	}
	var total int64
	for i, p := range pages {
		px := int64(p.width) * int64(p.height)
		if p.width <= 0 || p.height <= 0 {
			return nil, fmt.Errorf("image page %d has no pixels: %w", i+1, doc.ErrCorrupt)
		}
		if px > lim.maxPagePixels {
			return nil, fmt.Errorf("image page %d is %d×%d pixels, over the %d-megapixel limit: %w",
				i+1, p.width, p.height, lim.maxPagePixels/1e6, doc.ErrTooLarge)
		}
		total += px
		if p.dpi < 100 {
			pages[i].dpi = estimateDPI(p.width, p.height)
		}
	}
	if total > lim.maxTotalPixels {
		return nil, fmt.Errorf("image has %d megapixels in all, over the %d-megapixel limit: %w",
			total/1e6, lim.maxTotalPixels/1e6, doc.ErrTooLarge)
	}
	return pages, nil
}

func singleImagePage(data []byte, name string,
	config func(io.Reader) (image.Config, error), decode func(io.Reader) (image.Image, error)) (imagePage, error) {
	cfg, err := safeConfig(func() (image.Config, error) { return config(bytes.NewReader(data)) })
	if err != nil {
		return imagePage{}, fmt.Errorf("%s header: %v: %w", name, err, doc.ErrCorrupt)
	}
	return imagePage{
		width: cfg.Width, height: cfg.Height, orientation: 1,
		decode: func() (image.Image, error) {
			img, err := safeDecode(func() (image.Image, error) { return decode(bytes.NewReader(data)) })
			if err != nil {
				return nil, fmt.Errorf("%s: %v: %w", name, err, doc.ErrCorrupt)
			}
			return img, nil
		},
	}, nil
}

// safeConfig and safeDecode turn a decoder panic on hostile bytes into an error.
func safeConfig(f func() (image.Config, error)) (cfg image.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decoder panicked: %v", r)
		}
	}()
	return f()
}

func safeDecode(f func() (image.Image, error)) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("decoder panicked: %v", r)
		}
	}()
	return f()
}

// tiffPages walks the IFD chain of a (multi-page) TIFF. golang.org/x/image/tiff decodes
// CCITT G3/G4, LZW, Deflate and PackBits but only the first IFD, so each page is handed
// to it through a reader that presents that page's IFD as the first one (TIFF offsets
// are absolute, so nothing else has to move).
func tiffPages(data []byte, maxPages int) ([]imagePage, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("TIFF header is truncated: %w", doc.ErrCorrupt)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if data[0] == 'M' {
		bo = binary.BigEndian
	}
	var pages []imagePage
	seen := map[uint32]bool{}
	for off := bo.Uint32(data[4:8]); off != 0; {
		if seen[off] {
			return nil, fmt.Errorf("TIFF page chain loops: %w", doc.ErrCorrupt)
		}
		seen[off] = true
		if len(pages) >= maxPages {
			return nil, fmt.Errorf("TIFF has more than %d pages: %w", maxPages, doc.ErrTooManyPages)
		}
		if int64(off)+2 > int64(len(data)) {
			return nil, fmt.Errorf("TIFF page %d is outside the file: %w", len(pages)+1, doc.ErrCorrupt)
		}
		n := int64(bo.Uint16(data[off:]))
		end := int64(off) + 2 + 12*n
		if end+4 > int64(len(data)) {
			return nil, fmt.Errorf("TIFF page %d directory is truncated: %w", len(pages)+1, doc.ErrCorrupt)
		}
		r := &tiffPageReader{data: data}
		bo.PutUint32(r.ifd[:], off)
		cfg, err := safeConfig(func() (image.Config, error) { return tiff.DecodeConfig(r.fresh()) })
		if err != nil {
			return nil, fmt.Errorf("TIFF page %d: %v: %w", len(pages)+1, err, doc.ErrCorrupt)
		}
		pages = append(pages, imagePage{
			width: cfg.Width, height: cfg.Height, orientation: 1,
			dpi: tiffDPI(data, bo, int64(off), n),
			decode: func() (image.Image, error) {
				img, err := safeDecode(func() (image.Image, error) { return tiff.Decode(r.fresh()) })
				if err != nil {
					return nil, fmt.Errorf("TIFF: %v: %w", err, doc.ErrCorrupt)
				}
				return img, nil
			},
		})
		off = bo.Uint32(data[end:])
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("TIFF has no pages: %w", doc.ErrCorrupt)
	}
	return pages, nil
}

// tiffPageReader is the file with bytes 4..8 (the first-IFD offset) replaced.
type tiffPageReader struct {
	data []byte
	ifd  [4]byte
	pos  int64
}

func (r *tiffPageReader) fresh() *tiffPageReader {
	c := *r
	c.pos = 0
	return &c
}

func (r *tiffPageReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= int64(len(r.data)) {
		return 0, io.EOF
	}
	n := copy(p, r.data[off:])
	for i := 4; i < 8; i++ {
		if j := int64(i) - off; j >= 0 && j < int64(n) {
			p[j] = r.ifd[i-4]
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (r *tiffPageReader) Read(p []byte) (int, error) {
	n, err := r.ReadAt(p, r.pos)
	r.pos += int64(n)
	return n, err
}

// tiffDPI reads XResolution (282) and ResolutionUnit (296) from one IFD; 0 when absent.
func tiffDPI(data []byte, bo binary.ByteOrder, off, n int64) float64 {
	var res float64
	unit := uint16(2) // inch is the TIFF default
	for i := int64(0); i < n; i++ {
		e := data[off+2+12*i : off+14+12*i]
		tag, typ := bo.Uint16(e[0:]), bo.Uint16(e[2:])
		switch {
		case tag == 282 && typ == 5: // RATIONAL, stored at an offset
			p := int64(bo.Uint32(e[8:]))
			if p+8 <= int64(len(data)) {
				if den := bo.Uint32(data[p+4:]); den != 0 {
					res = float64(bo.Uint32(data[p:])) / float64(den)
				}
			}
		case tag == 296 && typ == 3:
			unit = bo.Uint16(e[8:])
		}
	}
	if unit == 3 { // centimetre
		res *= 2.54
	}
	if unit == 1 || res < 50 || res > 2400 {
		return 0
	}
	return res
}

// pngDPI reads the pHYs chunk; 0 when absent or not in metres.
func pngDPI(data []byte) float64 {
	for p := 8; p+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[p:]))
		typ := string(data[p+4 : p+8])
		if n < 0 || p+12+n > len(data) || typ == "IDAT" {
			return 0
		}
		if typ == "pHYs" && n == 9 && data[p+16] == 1 {
			d := float64(binary.BigEndian.Uint32(data[p+8:])) * 0.0254
			if d >= 50 && d <= 2400 {
				return d
			}
			return 0
		}
		p += 12 + n
	}
	return 0
}

// jpegInfo is what the markers before a JPEG's image data say.
type jpegInfo struct {
	dpi         float64 // JFIF density; 0 when absent or implausible
	orientation int     // EXIF orientation 1..8
	sequential  bool    // a baseline or extended sequential Huffman frame (SOF0, SOF1)
}

// jpegMeta reads the JFIF density, the EXIF orientation tag (0x0112) and the frame type
// from the markers before the image data. Phones store the sensor's pixels as shot and
// put the rotation in EXIF; ignoring it would feed Tesseract a sideways page.
func jpegMeta(data []byte) (info jpegInfo) {
	info.orientation = 1
	for p := 2; p+4 <= len(data); {
		if data[p] != 0xFF {
			return
		}
		marker := data[p+1]
		if marker == 0xDA || marker == 0xD9 { // start of scan: no more metadata
			return
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return
		}
		seg := data[p+4 : p+2+n]
		switch {
		case marker == 0xC0 || marker == 0xC1:
			info.sequential = true
		case marker >= 0xC2 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
			info.sequential = false // progressive, lossless or arithmetic-coded
		case marker == 0xE0 && len(seg) >= 12 && string(seg[:5]) == "JFIF\x00":
			d := float64(binary.BigEndian.Uint16(seg[8:]))
			switch seg[7] {
			case 1:
				info.dpi = d
			case 2:
				info.dpi = d * 2.54
			}
			if info.dpi < 50 || info.dpi > 2400 {
				info.dpi = 0
			}
		case marker == 0xE1 && len(seg) >= 14 && string(seg[:6]) == "Exif\x00\x00":
			if o := exifOrientation(seg[6:]); o >= 1 && o <= 8 {
				info.orientation = o
			}
		}
		p += 2 + n
	}
	return
}

func exifOrientation(t []byte) int {
	if bo, typ, v, ok := EXIFEntry(t, 0x0112); ok && typ == 3 && len(v) >= 2 {
		return int(bo.Uint16(v))
	}
	return 0
}

// EXIFEntry finds tag in the first IFD of a TIFF structure t (an EXIF APP1 payload
// after "Exif\0\0", or a TIFF file) and returns the byte order, the field type and the
// value's bytes: the entry's own 4 bytes when the value fits, else the bytes it points
// at (at most 64 KB). ok is false when t is not TIFF or has no such entry in bounds.
func EXIFEntry(t []byte, tag uint16) (bo binary.ByteOrder, typ uint16, value []byte, ok bool) {
	if len(t) < 8 {
		return nil, 0, nil, false
	}
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return nil, 0, nil, false
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return nil, 0, nil, false
	}
	n := int(bo.Uint16(t[off:]))
	for i := 0; i < n; i++ {
		e := off + 2 + 12*i
		if e+12 > len(t) {
			return nil, 0, nil, false
		}
		if bo.Uint16(t[e:]) != tag {
			continue
		}
		typ = bo.Uint16(t[e+2:])
		size := int(bo.Uint32(t[e+4:])) * map[uint16]int{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8}[typ]
		if size <= 4 {
			return bo, typ, t[e+8 : e+12], true
		}
		p := int(bo.Uint32(t[e+8:]))
		if size > 64<<10 || p < 0 || p+size > len(t) {
			return nil, 0, nil, false
		}
		return bo, typ, t[p : p+size], true
	}
	return nil, 0, nil, false
}

// toGray converts any decoded image to 8-bit gray, compositing transparency on white
// (screenshots often have transparent margins). The common types take fast paths.
func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	if g, ok := img.(*image.Gray); ok && b.Min == (image.Point{}) {
		return g
	}
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	switch src := img.(type) {
	case *image.YCbCr:
		for y := 0; y < b.Dy(); y++ {
			copy(out.Pix[y*out.Stride:y*out.Stride+b.Dx()], src.Y[src.YOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.NRGBA:
		for y := 0; y < b.Dy(); y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < b.Dx(); x++ {
				p := row[4*x : 4*x+4]
				lum := (19595*uint32(p[0]) + 38470*uint32(p[1]) + 7471*uint32(p[2]) + 1<<15) >> 16
				a := uint32(p[3])
				out.Pix[y*out.Stride+x] = uint8((lum*a + 255*(255-a)) / 255)
			}
		}
	case *image.RGBA:
		for y := 0; y < b.Dy(); y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < b.Dx(); x++ {
				p := row[4*x : 4*x+4] // premultiplied: add the white that shows through
				lum := (19595*uint32(p[0]) + 38470*uint32(p[1]) + 7471*uint32(p[2]) + 1<<15) >> 16
				out.Pix[y*out.Stride+x] = uint8(min(255, lum+255-uint32(p[3])))
			}
		}
	default:
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA() // premultiplied 16-bit
				lum := (19595*r + 38470*g + 7471*bl + 1<<15) >> 16
				out.Pix[y*out.Stride+x] = uint8(min(0xffff, lum+0xffff-a) >> 8)
			}
		}
	}
	return out
}

// orient applies an EXIF orientation (1..8) so the result is the image as it is meant
// to be seen. 6 and 8 are the phone-held-sideways cases; 3 is upside down.
func orient(src *image.Gray, o int) *image.Gray {
	if o <= 1 || o > 8 {
		return src
	}
	W, H := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := W, H
	if o >= 5 {
		dw, dh = H, W
	}
	dst := image.NewGray(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		row := dst.Pix[y*dst.Stride : y*dst.Stride+dw]
		for x := range row {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = W-1-x, y
			case 3:
				sx, sy = W-1-x, H-1-y
			case 4:
				sx, sy = x, H-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, H-1-x
			case 7:
				sx, sy = W-1-y, H-1-x
			case 8:
				sx, sy = W-1-y, x
			}
			row[x] = src.Pix[sy*src.Stride+sx]
		}
	}
	return dst
}
