package ocr

// Rasterizing PDF pages for OCR.
//
// Why poppler's pdftoppm, and not the page's embedded image: a "scanned" PDF page is
// usually one image, but not always — scanners and fax gateways add a header line as
// vector text, crop or rotate the page (/Rotate, CropBox), split the scan into strips,
// or store it as JBIG2 or CCITT with a decode array or an image mask. Pulling out "the"
// image means re-implementing all of that (and its bugs) for a saving of about 0.1 s
// against about 1 s of OCR per page. pdftoppm draws exactly what a viewer shows, is
// packaged and security-maintained by every distribution, handles JBIG2/CCITT/JPX, and
// runs as a separate process that we can time out and kill, so a hostile PDF can hang
// or crash it without touching the server. We render in 8-bit gray (-gray) at 300 dpi,
// Tesseract's preferred resolution, as PGM on stdout: no PNG encode/decode round trip.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/portdocs/portdocs/extract/doc"
)

// pdfPageInfo is what pdfinfo says about one page.
type pdfPageInfo struct {
	widthPt, heightPt float64
}

// pdfInfo runs pdfinfo for the page count and the sizes of pages first..last.
func pdfInfo(ctx context.Context, path string, first, last int) (int, map[int]pdfPageInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	args := []string{"-f", strconv.Itoa(first), "-l", strconv.Itoa(last), path}
	out, err := runTool(ctx, "pdfinfo", args, 1<<20, 4096)
	if err != nil {
		return 0, nil, err
	}
	count := 0
	sizes := map[int]pdfPageInfo{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			count, _ = strconv.Atoi(strings.TrimSpace(v))
			continue
		}
		// "Page    1 size: 612 x 792 pts (letter)"
		f := strings.Fields(line)
		if len(f) >= 6 && f[0] == "Page" && f[2] == "size:" && f[4] == "x" {
			n, _ := strconv.Atoi(f[1])
			w, _ := strconv.ParseFloat(f[3], 64)
			h, _ := strconv.ParseFloat(f[5], 64)
			sizes[n] = pdfPageInfo{w, h}
		}
	}
	if count == 0 {
		return 0, nil, fmt.Errorf("pdfinfo found no pages: %w", doc.ErrCorrupt)
	}
	return count, sizes, nil
}

// maxRenderPixels caps a rendered PDF page below Options.MaxPagePixels (which also
// bounds uploaded photos): 11×17 in and A3 still render at 300 dpi, a bigger page at
// less. Recognition costs memory by the pixel, and a bill is not a poster.
const maxRenderPixels = 20_000_000

// rasterDPI is 300, lowered for pages so large that 300 dpi would exceed the pixel cap.
func rasterDPI(info pdfPageInfo, maxPixels int64) float64 {
	dpi := 300.0
	maxPixels = min(maxPixels, maxRenderPixels)
	area := info.widthPt * info.heightPt / (72 * 72) // square inches
	if area > 0 && area*dpi*dpi > float64(maxPixels) {
		dpi = math.Floor(math.Sqrt(float64(maxPixels) / area))
	}
	return dpi
}

// rasterPage renders one 1-based page to 8-bit gray at dpi. pixels is the expected size
// (from pdfinfo), to read the output into one buffer of the right size instead of one
// that doubles its way there (a 40-megapixel page would otherwise pass through buffers
// of 32 and 64 MB).
func rasterPage(ctx context.Context, path string, page int, dpi float64, maxPixels, pixels int64) (*image.Gray, error) {
	p := strconv.Itoa(page)
	args := []string{"-r", strconv.FormatFloat(dpi, 'f', 0, 64), "-gray", "-f", p, "-l", p, path}
	out, err := runTool(ctx, "pdftoppm", args, maxPixels+64, min(pixels, maxPixels)+64)
	if err != nil {
		return nil, fmt.Errorf("rendering page %d: %w", page, err)
	}
	img, err := parsePGM(out)
	if err != nil {
		return nil, fmt.Errorf("rendering page %d: %w", page, err)
	}
	return img, nil
}

// errOutputTooLarge stops a tool whose output passes its cap.
var errOutputTooLarge = errors.New("output too large")

// capWriter keeps up to max bytes; past that it fails (stdout: the image is too big)
// or, with discard, drops the rest (stderr: a damaged PDF can warn for megabytes).
type capWriter struct {
	buf     bytes.Buffer
	max     int64
	discard bool
}

func (w *capWriter) Write(p []byte) (int, error) {
	if room := w.max - int64(w.buf.Len()); int64(len(p)) > room {
		if !w.discard {
			return 0, errOutputTooLarge
		}
		w.buf.Write(p[:max(0, room)])
		return len(p), nil
	}
	return w.buf.Write(p)
}

// toolPackage names the Debian package that installs a tool runTool runs.
func toolPackage(name string) string {
	if name == "heif-convert" {
		return "libheif-examples"
	}
	return "poppler-utils"
}

// runTool runs a poppler tool (or heif-convert) under ctx with capped output (expect: its likely size);
// the process is killed when ctx ends. Its stderr is kept for the error message but never
// logged with content.
func runTool(ctx context.Context, name string, args []string, maxOut, expect int64) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	stdout := &capWriter{max: maxOut}
	stdout.buf.Grow(int(min(max(expect, 0), maxOut)))
	stderr := &capWriter{max: 4096, discard: true}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// After the process ends (or is killed), its output must be drained; a loaded
	// machine can take seconds to copy a 9 MB page, so be generous: this bounds only
	// a pipe held open by something else.
	cmd.WaitDelay = 30 * time.Second
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	err := cmd.Run()
	if err == nil {
		return stdout.buf.Bytes(), nil
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%s: %w", name, ctx.Err())
	}
	if errors.Is(err, exec.ErrNotFound) {
		return nil, fmt.Errorf("%s is not installed (%s): %w", name, toolPackage(name), doc.ErrOCRUnavailable)
	}
	if errors.Is(err, errOutputTooLarge) {
		return nil, fmt.Errorf("%s: %w", name, doc.ErrTooLarge)
	}
	msg := strings.ToLower(stderr.buf.String())
	if strings.Contains(msg, "password") || strings.Contains(msg, "encrypt") {
		return nil, fmt.Errorf("%s: %w", name, doc.ErrEncrypted)
	}
	first, _, _ := strings.Cut(strings.TrimSpace(stderr.buf.String()), "\n")
	if len(first) > 120 {
		first = first[:120]
	}
	return nil, fmt.Errorf("%s failed (%v: %s): %w", name, err, first, doc.ErrCorrupt)
}

// parsePGM reads a binary 8-bit PGM (P5), as pdftoppm -gray writes it.
func parsePGM(b []byte) (*image.Gray, error) {
	var vals [3]int
	p := 2
	if len(b) < 2 || string(b[:2]) != "P5" {
		return nil, fmt.Errorf("not a PGM image: %w", doc.ErrCorrupt)
	}
	for i := 0; i < 3; i++ {
		for p < len(b) && (b[p] == ' ' || b[p] == '\n' || b[p] == '\r' || b[p] == '\t') {
			p++
		}
		s := p
		for p < len(b) && b[p] >= '0' && b[p] <= '9' {
			p++
		}
		v, err := strconv.Atoi(string(b[s:p]))
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("bad PGM header: %w", doc.ErrCorrupt)
		}
		vals[i] = v
	}
	p++ // the single white-space byte before the data
	w, h := vals[0], vals[1]
	if vals[2] != 255 || int64(w)*int64(h) != int64(len(b)-p) {
		return nil, fmt.Errorf("bad PGM size: %w", doc.ErrCorrupt)
	}
	return &image.Gray{Pix: b[p:], Stride: w, Rect: image.Rect(0, 0, w, h)}, nil
}

// encodePGM writes img as a binary PGM, the cheapest format Leptonica reads from memory.
func encodePGM(img *image.Gray) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	hdr := fmt.Sprintf("P5\n%d %d\n255\n", w, h)
	out := make([]byte, len(hdr)+w*h)
	copy(out, hdr)
	for y := 0; y < h; y++ {
		copy(out[len(hdr)+y*w:], img.Pix[y*img.Stride:y*img.Stride+w])
	}
	return out
}

// RasterizerAvailable reports whether poppler's pdfinfo and pdftoppm, which OCR of
// scanned PDF pages needs, are installed. Images are read without them; a service
// missing them would read a scanned PDF as an empty text layer, with only a warning.
func RasterizerAvailable() error {
	for _, tool := range []string{"pdfinfo", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is not installed (%s); scanned PDFs cannot be read: %w", tool, toolPackage(tool), doc.ErrOCRUnavailable)
		}
	}
	return nil
}
