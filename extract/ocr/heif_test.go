package ocr

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/portdocs/portdocs/extract/doc"

	"github.com/portdocs/portdocs/internal/hostile"
	"github.com/portdocs/portdocs/internal/testenv"
)

var (
	box      = hostile.BMFFBox
	heifWith = hostile.HEIFFile
)

func TestHEIFSniffAndSize(t *testing.T) {
	mp4 := box("ftyp", []byte("isom"), []byte{0, 0, 2, 0}, []byte("isomavc1"))
	for _, tc := range []struct {
		name     string
		data     []byte
		heif     bool
		ctype    string
		w, h     int
		sizeErr  error
		fromFile string
	}{
		{name: "HEIC", data: heifWith("heic", 4032, 3024, nil), heif: true, ctype: "image/heic", w: 4032, h: 3024},
		{name: "AVIF", data: heifWith("avif", 640, 480, nil), heif: true, ctype: "image/avif", w: 640, h: 480},
		{name: "mif1 with an unknown major brand", data: heifWith("abcd", 10, 10, nil), heif: true, ctype: "image/heic", w: 10, h: 10},
		{name: "MP4 video", data: mp4},
		{name: "short", data: []byte("\x00\x00\x00\x18ftyphe")},
		{name: "no meta", data: box("ftyp", []byte("heic"), []byte{0, 0, 0, 0}), heif: true, ctype: "image/heic", sizeErr: doc.ErrCorrupt},
		{name: "box past the end", data: append(heifWith("heic", 10, 10, nil)[:40], 0xFF, 0xFF), heif: true, ctype: "image/heic", sizeErr: doc.ErrCorrupt},
		{name: "the HEIC fixture", fromFile: "../../fixtures/ocr/photo-05-tmobile-heic/bill.heic", heif: true, ctype: "image/heic", w: 2102, h: 2640}, // sizes as heif-info reports them
		{name: "the AVIF fixture", fromFile: "../../fixtures/ocr/photo-04-frontier-avif/bill.avif", heif: true, ctype: "image/avif", w: 2086, h: 2628},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data
			if tc.fromFile != "" {
				var err error
				if data, err = os.ReadFile(tc.fromFile); err != nil {
					t.Fatal(err)
				}
			}
			ct, ext, ok := HEIFType(data)
			if ok != tc.heif || ct != tc.ctype || (ok && ext == "") {
				t.Fatalf("HEIFType = %q, %q, %v; want %q, %v", ct, ext, ok, tc.ctype, tc.heif)
			}
			if IsHEIF(data) != tc.heif {
				t.Errorf("isHEIF = %v", !tc.heif)
			}
			if !tc.heif {
				return
			}
			w, h, err := heifSize(data)
			if tc.sizeErr != nil {
				if !errors.Is(err, tc.sizeErr) {
					t.Errorf("heifSize: %v, want %v", err, tc.sizeErr)
				}
				return
			}
			if err != nil || w != tc.w || h != tc.h {
				t.Errorf("heifSize = %d×%d, %v; want %d×%d", w, h, err, tc.w, tc.h)
			}
		})
	}
}

// TestHEIFConversion: a real HEIC becomes an upright JPEG; a size bomb is refused from
// its header without running the converter; damaged data is a clear error.
func TestHEIFConversion(t *testing.T) {
	bomb := heifWith("heic", 65535, 65535, make([]byte, 64))
	if _, err := heifToJPEG(context.Background(), bomb); !errors.Is(err, doc.ErrTooLarge) {
		t.Errorf("a 4-gigapixel HEIC: %v, want ErrTooLarge", err)
	}
	testenv.LookTool(t, "heif-convert")
	if _, err := heifToJPEG(context.Background(), heifWith("heic", 64, 64, []byte("not HEVC at all"))); !errors.Is(err, doc.ErrCorrupt) {
		t.Errorf("a HEIC without a coded image: %v, want ErrCorrupt", err)
	}
	data, err := os.ReadFile("../../fixtures/ocr/photo-05-tmobile-heic/bill.heic")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := decodablePages(context.Background(), data, Options{}.withDefaults().limits())
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || pages[0].width != 2102 || pages[0].height != 2640 || pages[0].orientation != 1 {
		t.Fatalf("pages %+v; want one upright 2102×2640 page (heif-info)", pages)
	}
	if _, err := pages[0].decode(); err != nil {
		t.Error(err)
	}
	info, err := ImageInfo(context.Background(), data)
	if err != nil || len(info) != 1 || info[0].EXIF != 1 {
		t.Errorf("ImageInfo: %+v, %v", info, err)
	}
}
