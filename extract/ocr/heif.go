package ocr

// HEIC and AVIF photos (HEIF containers).
//
// iPhones save photos as HEIC, and a photo sent from a phone to a computer, then
// uploaded, often arrives as one. Go has no HEVC or AV1 decoder, and the C ones
// (libde265, dav1d, through libheif) have a history of memory-safety bugs, so they do
// not run inside the service: heif-convert (Debian's libheif-examples) turns the
// primary image into a JPEG in a child process, with the file's rotation and mirroring
// applied, under heifTimeout and (through prlimit) a 3 GB address-space cap. The
// image's size is read from the container first and a photo over maxHEIFPixels is
// refused before anything is decoded.

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/portdocs/portdocs/extract/doc"
)

// maxHEIFPixels bounds a HEIF image: a 48-megapixel iPhone photo (HEIF Max) fits.
// heif-convert holds the whole image: a 52-megapixel one took 237 MB.
const maxHEIFPixels = 60_000_000

// heifTimeout bounds one conversion.
const heifTimeout = 60 * time.Second

var heifBrands = map[string]bool{
	"heic": true, "heix": true, "heim": true, "heis": true, "hevc": true, "hevx": true,
	"mif1": true, "msf1": true, "avif": true, "avis": true,
}

// IsHEIF reports an ISO base media file whose ftyp box names a HEIF brand.
func IsHEIF(data []byte) bool {
	if len(data) < 16 || string(data[4:8]) != "ftyp" {
		return false
	}
	n := int(binary.BigEndian.Uint32(data))
	if n < 16 || n > len(data) {
		return false
	}
	if heifBrands[string(data[8:12])] {
		return true
	}
	for p := 16; p+4 <= n; p += 4 { // compatible brands, after the minor version
		if heifBrands[string(data[p:p+4])] {
			return true
		}
	}
	return false
}

// HEIFType names a HEIF photo's type from its bytes: AVIF by its major brand, HEIC
// otherwise; ok is false for anything else.
func HEIFType(data []byte) (contentType, ext string, ok bool) {
	if !IsHEIF(data) {
		return "", "", false
	}
	if b := string(data[8:12]); b == "avif" || b == "avis" {
		return "image/avif", "avif", true
	}
	return "image/heic", "heic", true
}

// bmffBoxes calls fn for each box in data (type and body); it stops at the first
// malformed box and reports it.
func bmffBoxes(data []byte, fn func(typ string, body []byte)) error {
	for p := 0; p < len(data); {
		if p+8 > len(data) {
			return fmt.Errorf("HEIF box header cut short: %w", doc.ErrCorrupt)
		}
		size := uint64(binary.BigEndian.Uint32(data[p:]))
		typ := string(data[p+4 : p+8])
		hdr := uint64(8)
		switch size {
		case 0: // to the end of the enclosing data
			size = uint64(len(data) - p)
		case 1:
			if p+16 > len(data) {
				return fmt.Errorf("HEIF box header cut short: %w", doc.ErrCorrupt)
			}
			size, hdr = binary.BigEndian.Uint64(data[p+8:]), 16
		}
		if size < hdr || size > uint64(len(data)-p) {
			return fmt.Errorf("HEIF box %q runs past its container: %w", typ, doc.ErrCorrupt)
		}
		fn(typ, data[p+int(hdr):p+int(size)])
		p += int(size)
	}
	return nil
}

// heifSize is the largest image extent (ispe) a HEIF file declares: the primary
// image, or the whole of a tiled (grid) one.
func heifSize(data []byte) (w, h int, err error) {
	var meta, iprp, ipco []byte
	err = bmffBoxes(data, func(typ string, body []byte) {
		if typ == "meta" && meta == nil {
			meta = body
		}
	})
	if err != nil && meta == nil {
		return 0, 0, err
	}
	if len(meta) < 4 {
		return 0, 0, fmt.Errorf("HEIF file has no meta box: %w", doc.ErrCorrupt)
	}
	if err := bmffBoxes(meta[4:], func(typ string, body []byte) { // meta is a full box
		if typ == "iprp" {
			iprp = body
		}
	}); err != nil {
		return 0, 0, err
	}
	if err := bmffBoxes(iprp, func(typ string, body []byte) {
		if typ == "ipco" {
			ipco = body
		}
	}); err != nil {
		return 0, 0, err
	}
	var best int64
	if err := bmffBoxes(ipco, func(typ string, body []byte) {
		if typ != "ispe" || len(body) < 12 {
			return
		}
		bw, bh := binary.BigEndian.Uint32(body[4:]), binary.BigEndian.Uint32(body[8:])
		if px := int64(bw) * int64(bh); px > best {
			best, w, h = px, int(bw), int(bh)
		}
	}); err != nil {
		return 0, 0, err
	}
	if best == 0 {
		return 0, 0, fmt.Errorf("HEIF file states no image size: %w", doc.ErrCorrupt)
	}
	return w, h, nil
}

// heifToJPEG checks a HEIF file's declared size and has heif-convert turn its primary
// image into an upright JPEG.
func heifToJPEG(ctx context.Context, data []byte) ([]byte, error) {
	w, h, err := heifSize(data)
	if err != nil {
		return nil, err
	}
	if int64(w)*int64(h) > maxHEIFPixels {
		return nil, fmt.Errorf("HEIF image is %d×%d pixels, over the %d-megapixel limit: %w", w, h, maxHEIFPixels/1_000_000, doc.ErrTooLarge)
	}
	dir, err := os.MkdirTemp("", "portdocs-heif-")
	if err != nil {
		return nil, fmt.Errorf("HEIF temp folder: %w", err)
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "in.heic"), filepath.Join(dir, "out.jpg")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, fmt.Errorf("HEIF temp file: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, heifTimeout)
	defer cancel()
	if _, err := exec.LookPath("heif-convert"); err != nil {
		return nil, fmt.Errorf("a HEIC or AVIF photo needs heif-convert (libheif-examples), which is not installed: %w", doc.ErrOCRUnavailable)
	}
	name, args := "heif-convert", []string{"--quiet", "-q", "92", in, out}
	if _, err := exec.LookPath("prlimit"); err == nil {
		// A container that lies about its size must not take the machine's memory:
		// the converter gets 3 GB of address space (a 48 MP photo needs well under 1).
		name, args = "prlimit", append([]string{"--as=3221225472", "--", "heif-convert"}, args...)
	}
	if _, err := runTool(ctx, name, args, 64<<10, 0); err != nil {
		return nil, err
	}
	jpg, err := os.ReadFile(out)
	if errors.Is(err, os.ErrNotExist) {
		// More than one top-level image: heif-convert numbers them; the first is the
		// primary one.
		jpg, err = os.ReadFile(filepath.Join(dir, "out-1.jpg"))
	}
	if err != nil || !bytes.HasPrefix(jpg, []byte{0xFF, 0xD8, 0xFF}) {
		return nil, fmt.Errorf("heif-convert wrote no image: %w", doc.ErrCorrupt)
	}
	return jpg, nil
}

// decodablePages is imagePages for any image bill, HEIF included: a HEIF file is first
// converted to an upright JPEG (its rotation applied by libheif, so no EXIF turn is
// left to apply).
func decodablePages(ctx context.Context, data []byte, lim ocrLimits) ([]imagePage, error) {
	if !IsHEIF(data) {
		return imagePages(data, lim)
	}
	jpg, err := heifToJPEG(ctx, data)
	if err != nil {
		return nil, err
	}
	pages, err := imagePages(jpg, lim)
	for i := range pages {
		pages[i].orientation = 1
	}
	return pages, err
}
