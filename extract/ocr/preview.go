package ocr

import (
	"context"
	"errors"
	"fmt"
	"image"
)

// Drawing an image bill the way it was read, for the reviewer's page.

// ImagePageInfo is one page of an image bill (PNG, JPEG, TIFF, HEIC, AVIF).
type ImagePageInfo struct {
	EXIF int // the file's EXIF orientation, 1..8 (1: as stored)
	// Width and Height are the page's size in points as the extractor reads it: upright
	// (EXIF applied) at the resolution it assumes, before any turn OCR adds.
	Width, Height float64
}

// ImageInfo describes the pages of an image bill from its headers, under the same
// limits the extractor applies; nothing is decoded, but a HEIF photo is converted.
func ImageInfo(ctx context.Context, data []byte) ([]ImagePageInfo, error) {
	pages, err := decodablePages(ctx, data, Options{}.withDefaults().limits())
	if err != nil {
		return nil, err
	}
	out := make([]ImagePageInfo, len(pages))
	for i, p := range pages {
		w, h := float64(p.width)*72/p.dpi, float64(p.height)*72/p.dpi
		if p.orientation >= 5 { // the EXIF turns by a quarter: width and height swap
			w, h = h, w
		}
		out[i] = ImagePageInfo{EXIF: max(1, p.orientation), Width: w, Height: h}
	}
	return out, nil
}

// ErrNoSuchPage: ImagePreview was asked for a page the image does not have.
var ErrNoSuchPage = errors.New("no such page")

// ImagePreview decodes page n (1-based) of an image bill as stored (no orientation
// applied), in gray, reduced by whole factors until its longer side is at most maxSide
// pixels.
func ImagePreview(ctx context.Context, data []byte, n, maxSide int) (*image.Gray, error) {
	pages, err := decodablePages(ctx, data, Options{}.withDefaults().limits())
	if err != nil {
		return nil, err
	}
	if n < 1 || n > len(pages) {
		return nil, fmt.Errorf("page %d of %d: %w", n, len(pages), ErrNoSuchPage)
	}
	img, err := pages[n-1].decode()
	if err != nil {
		return nil, err
	}
	g := toGray(img)
	if longer := max(g.Rect.Dx(), g.Rect.Dy()); maxSide > 0 && longer > maxSide {
		g = downscale(g, (longer+maxSide-1)/maxSide)
	}
	return g, nil
}

// Turn draws a page the way a PageView says it was read: the EXIF orientation first
// (0 or 1: none), then rotate degrees clockwise (0, 90, 180 or 270), then the small
// deskewing turn of skew degrees (the canvas grows to keep the corners, as it did
// for the reading).
func Turn(g *image.Gray, exif, rotate int, skew float64) *image.Gray {
	g = orient(g, exif)
	switch rotate {
	case 90:
		g = orient(g, 6)
	case 180:
		g = orient(g, 3)
	case 270:
		g = orient(g, 8)
	}
	if skew != 0 {
		g = rotateSmall(g, skew)
	}
	return g
}
