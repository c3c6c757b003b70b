package loa

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"
)

// signatureDataURL draws a w×h transparent PNG with a dark stroke, as a signature pad would.
func signatureDataURL(t testing.TB, w, h int) string {
	t.Helper()
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(pngBytes(t, w, h))
}

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		y := h/2 + (x%20 - 10)
		if y >= 0 && y < h {
			img.Set(x, y, color.NRGBA{10, 10, 60, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// noisePNG is random gray pixels: small as a gray PNG, too big re-encoded as RGB.
func noisePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix[:min(len(img.Pix), 300000)] {
		img.Pix[i] = uint8(r.Uint32())
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > MaxSignatureBytes {
		t.Fatalf("noise PNG is %d bytes; the case needs one under the input cap", buf.Len())
	}
	return buf.Bytes()
}

func TestParseSignatureDataURL(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		valid bool
	}{
		{"pad signature", signatureDataURL(t, 400, 150), true},
		{"upper-case media type", "DATA:IMAGE/PNG;BASE64," + strings.TrimPrefix(signatureDataURL(t, 40, 20), "data:image/png;base64,"), true},
		{"jpeg media type", "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(pngBytes(t, 10, 10)), false},
		{"svg", "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", false},
		{"not base64", "data:image/png;base64,@@@", false},
		{"base64 of text", "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte("hello")), false},
		{"empty", "", false},
		{"too wide", signatureDataURL(t, MaxSignatureWidth+1, 10), false},
		{"too tall", signatureDataURL(t, 10, MaxSignatureHeight+1), false},
		{"too many bytes", "data:image/png;base64," + strings.Repeat("A", base64.StdEncoding.EncodedLen(MaxSignatureBytes)+4), false},
		{"noise, not a signature", "data:image/png;base64," + base64.StdEncoding.EncodeToString(noisePNG(t, 1400, 900)), false},
		{"truncated PNG", "data:image/png;base64," + base64.StdEncoding.EncodeToString(pngBytes(t, 50, 50)[:60]), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSignatureDataURL(tc.in)
			if !tc.valid {
				if !errors.Is(err, ErrBadSignatureImage) {
					t.Fatalf("err = %v; want ErrBadSignatureImage", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			img, err := png.Decode(bytes.NewReader(got))
			if err != nil {
				t.Fatalf("result is not a PNG: %v", err)
			}
			if _, _, _, a := img.At(0, 0).RGBA(); a != 0xffff {
				t.Errorf("result is not opaque: alpha %d at (0,0)", a)
			}
			if err := ValidateSignaturePNG(got); err != nil {
				t.Errorf("ValidateSignaturePNG(result) = %v", err)
			}
		})
	}
}

// FuzzParseSignatureDataURL: whatever the bytes, no panic, and success yields a PNG
// within the limits.
func FuzzParseSignatureDataURL(f *testing.F) {
	f.Add(signatureDataURL(f, 40, 20))
	f.Add("data:image/png;base64,")
	f.Add("data:image/png;base64,iVBORw0KGgo=")
	f.Add("data:image/png;base64," + base64.StdEncoding.EncodeToString(pngBytes(f, 3, 3)[:40]))
	f.Add("data:text/plain,hello")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseSignatureDataURL(s)
		if err != nil {
			if !errors.Is(err, ErrBadSignatureImage) {
				t.Fatalf("error does not wrap ErrBadSignatureImage: %v", err)
			}
			return
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width > MaxSignatureWidth || cfg.Height > MaxSignatureHeight {
			t.Fatalf("accepted image is out of bounds: %+v, %v", cfg, err)
		}
		// What Parse accepts, Sign must accept.
		if err := ValidateSignaturePNG(b); err != nil {
			t.Fatalf("ValidateSignaturePNG rejects Parse's output: %v", err)
		}
	})
}
