package loa

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
)

// Limits on a drawn signature. A signature pad produces a few kilobytes at a few
// hundred pixels; these caps leave room and stop decompression bombs.
const (
	MaxSignatureBytes  = 512 << 10
	MaxSignatureWidth  = 2000
	MaxSignatureHeight = 1000
)

const dataURLPrefix = "data:image/png;base64,"

// ParseSignatureDataURL decodes a signature pad's data URL. Only
// data:image/png;base64 is accepted, at most MaxSignatureBytes decoded and
// MaxSignatureWidth×MaxSignatureHeight pixels. The image is decoded fully and
// returned re-encoded as an opaque 8-bit RGB PNG (transparency flattened onto white)
// — the one PNG form every PDF reader and gofpdf handle. Errors wrap
// ErrBadSignatureImage.
func ParseSignatureDataURL(s string) ([]byte, error) {
	if len(s) < len(dataURLPrefix) || !strings.EqualFold(s[:len(dataURLPrefix)], dataURLPrefix) {
		return nil, fmt.Errorf("%w: expected a data:image/png;base64 URL", ErrBadSignatureImage)
	}
	body := s[len(dataURLPrefix):]
	if len(body) > base64.StdEncoding.EncodedLen(MaxSignatureBytes) {
		return nil, fmt.Errorf("%w: larger than %d KB", ErrBadSignatureImage, MaxSignatureBytes>>10)
	}
	raw, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		return nil, fmt.Errorf("%w: invalid base64", ErrBadSignatureImage)
	}
	return canonicalPNG(raw)
}

// canonicalPNG decodes a signature PNG within the limits and re-encodes it opaque.
func canonicalPNG(raw []byte) ([]byte, error) {
	img, err := decodeSignature(raw)
	if err != nil {
		return nil, err
	}
	flat := image.NewRGBA(img.Bounds())
	draw.Draw(flat, flat.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(flat, flat.Bounds(), img, img.Bounds().Min, draw.Over)
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, flat); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadSignatureImage, err)
	}
	// A pen stroke on white compresses to a few kilobytes; a re-encoding over the cap
	// is noise, not a signature, and would fail ValidateSignaturePNG later.
	if buf.Len() > MaxSignatureBytes {
		return nil, fmt.Errorf("%w: too detailed for a signature", ErrBadSignatureImage)
	}
	return buf.Bytes(), nil
}

// ValidateSignaturePNG checks a signature PNG against the same limits.
func ValidateSignaturePNG(b []byte) error {
	_, err := decodeSignature(b)
	return err
}

func decodeSignature(raw []byte) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("%w: undecodable PNG", ErrBadSignatureImage)
		}
	}()
	if len(raw) > MaxSignatureBytes {
		return nil, fmt.Errorf("%w: larger than %d KB", ErrBadSignatureImage, MaxSignatureBytes>>10)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: not a PNG", ErrBadSignatureImage)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxSignatureWidth || cfg.Height > MaxSignatureHeight {
		return nil, fmt.Errorf("%w: %d×%d pixels, at most %d×%d", ErrBadSignatureImage, cfg.Width, cfg.Height, MaxSignatureWidth, MaxSignatureHeight)
	}
	img, err = png.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: corrupt PNG", ErrBadSignatureImage)
	}
	return img, nil
}
