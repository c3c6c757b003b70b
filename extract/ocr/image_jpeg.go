package ocr

// Photos larger than the page limit.
//
// Phones shoot 48 and 50 megapixels (some 200), more than a page needs and more than
// the 40-megapixel page limit lets through: decoding such a photo whole costs 1.5 bytes
// a pixel before it is even gray, and Tesseract 15 bytes a pixel after. libjpeg can
// decode at 1/2, 1/4 or 1/8 of the size straight from the compressed coefficients,
// without ever holding the full image, so a big sequential (baseline) JPEG is read,
// luminance only, at the smallest such reduction that brings it under readPixels. A
// progressive JPEG keeps every coefficient of the whole image in memory whatever the
// output size, so it gets no such treatment and stays under the page limit.
//
// libjpeg is called directly rather than through Leptonica's reader, which lets
// libjpeg print its warnings on stderr (the service's JSON log) and has no memory cap.

/*
#cgo LDFLAGS: -ljpeg
#include <stdio.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>

struct pd_jpeg_err {
	struct jpeg_error_mgr pub;
	jmp_buf jump;
	int warnings;
};

static void pd_jpeg_error_exit(j_common_ptr c) { longjmp(((struct pd_jpeg_err *)c->err)->jump, 1); }

// Warnings (level -1: damaged data) are counted, trace messages dropped, nothing printed.
static void pd_jpeg_emit(j_common_ptr c, int level) {
	if (level < 0) ((struct pd_jpeg_err *)c->err)->warnings++;
}

static void pd_jpeg_output(j_common_ptr c) {}

// pd_jpeg_gray decodes a JPEG at 1/reduction of its size into 8-bit luminance in out
// (w*h bytes), with libjpeg's working memory capped at maxmem bytes. It returns 0 when
// done, 1 when the JPEG could not be decoded, 2 when the output is not w×h gray, 3 when
// the data was damaged (libjpeg warned and filled in), 4 for an unsupported colour
// space (CMYK).
static int pd_jpeg_gray(const unsigned char *data, size_t n, int reduction,
		unsigned char *out, int w, int h, long maxmem) {
	struct jpeg_decompress_struct cinfo;
	struct pd_jpeg_err jerr;
	cinfo.err = jpeg_std_error(&jerr.pub);
	jerr.pub.error_exit = pd_jpeg_error_exit;
	jerr.pub.emit_message = pd_jpeg_emit;
	jerr.pub.output_message = pd_jpeg_output;
	jerr.warnings = 0;
	if (setjmp(jerr.jump)) {
		int unsupported = jerr.pub.msg_code == JERR_CONVERSION_NOTIMPL;
		jpeg_destroy_decompress(&cinfo);
		return unsupported ? 4 : 1;
	}
	jpeg_create_decompress(&cinfo);
	cinfo.mem->max_memory_to_use = maxmem;
	jpeg_mem_src(&cinfo, data, (unsigned long)n);
	jpeg_read_header(&cinfo, TRUE);
	cinfo.scale_num = 1;
	cinfo.scale_denom = reduction;
	cinfo.out_color_space = JCS_GRAYSCALE;
	cinfo.dct_method = JDCT_ISLOW;
	jpeg_start_decompress(&cinfo);
	if ((int)cinfo.output_width != w || (int)cinfo.output_height != h || cinfo.output_components != 1) {
		jpeg_destroy_decompress(&cinfo);
		return 2;
	}
	while (cinfo.output_scanline < cinfo.output_height) {
		JSAMPROW row = out + (size_t)cinfo.output_scanline * w;
		jpeg_read_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_decompress(&cinfo);
	jpeg_destroy_decompress(&cinfo);
	return jerr.warnings ? 3 : 0;
}
*/
import "C"

import (
	"fmt"
	"image"
	"unsafe"

	"github.com/portdocs/portdocs/extract/doc"
)

const (
	// readPixels is the size a reduced photo is brought under: the pixels Tesseract is
	// given at most anyway (see upscaleFactor), about 280 dpi over a letter page.
	readPixels = 17_000_000
	// maxPhotoPixels is the largest photo read at a reduction: a 200-megapixel phone
	// sensor, with room. Beyond it even the compressed data takes too long to decode.
	maxPhotoPixels = 300_000_000
	// jpegWorkMemory caps libjpeg's own buffers. A sequential decode needs a few rows
	// of blocks (about 1 MB at 16000 px wide); the cap stops anything else.
	jpegWorkMemory = 32 << 20
)

// jpegReduction is the factor (2, 4 or 8) a w×h JPEG is decoded at so it fits in
// target pixels, or 0 when it can't be reduced enough.
func jpegReduction(w, h int, target int64) int {
	for _, r := range []int{2, 4, 8} {
		rw, rh := (w+r-1)/r, (h+r-1)/r
		if int64(rw)*int64(rh) <= target {
			return r
		}
	}
	return 0
}

// reducedJPEGPage makes a w×h sequential JPEG a page decoded at 1/r of its size
// (libjpeg rounds the output up).
func reducedJPEGPage(data []byte, w, h, r int) imagePage {
	rw, rh := (w+r-1)/r, (h+r-1)/r
	return imagePage{
		width: rw, height: rh, orientation: 1, reduction: r,
		decode: func() (image.Image, error) {
			g := image.NewGray(image.Rect(0, 0, rw, rh))
			rc := C.pd_jpeg_gray((*C.uchar)(unsafe.Pointer(&data[0])), C.size_t(len(data)), C.int(r),
				(*C.uchar)(unsafe.Pointer(&g.Pix[0])), C.int(rw), C.int(rh), C.long(jpegWorkMemory))
			switch rc {
			case 0:
				return g, nil
			case 3:
				return nil, fmt.Errorf("JPEG: the image data is damaged or cut short: %w", doc.ErrCorrupt)
			case 4:
				return nil, fmt.Errorf("JPEG: a colour space other than gray or YCbCr (CMYK?): %w", doc.ErrUnsupportedType)
			case 2:
				return nil, fmt.Errorf("JPEG at 1/%d: not the %d×%d image its header states: %w", r, rw, rh, doc.ErrCorrupt)
			default:
				return nil, fmt.Errorf("JPEG at 1/%d: the data could not be decoded: %w", r, doc.ErrCorrupt)
			}
		},
	}
}
