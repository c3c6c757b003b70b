package server

import (
	"bytes"
	"container/list"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/portdocs/portdocs/extract"
)

// The reviewer's page shows a stored bill as page images with the extracted fields
// boxed on top. Rendering a PDF page costs a poppler process, so pages are rendered
// once per (bill SHA-256, page, resolution) and cached: in memory up to a byte bound
// (least recently used goes first) and, when a directory is given, on disk, where the
// name is the content hash so a stale entry cannot exist.

// PageImageSide is the longer side, in pixels, of a rendered page: a letter page becomes
// about 1080×1400, enough to read an account number, small enough to send. Every page is
// scaled to it whatever its stated size, so a PDF with a 200-inch page cannot make
// poppler draw a billion pixels; the boxes do not care, they are drawn in points.
const PageImageSide = 1400

// pixelSize is a page's rendered size in pixels.
func (s pageSize) pixelSize() (w, h int) {
	k := PageImageSide / max(s.Width, s.Height, 1)
	return int(s.Width*k + 0.5), int(s.Height*k + 0.5)
}

// Bounds on the work one bill may cause.
const (
	maxRenderPages   = 40               // pages shown for one bill
	renderTimeout    = 30 * time.Second // one pdfinfo or pdftoppm run
	defaultCacheSize = 64 << 20         // bytes of PNG kept in memory
	maxSizeEntries   = 10000            // bills whose page sizes are remembered
)

// errNoPageImage is a page the bill does not have.
var errNoPageImage = notFound("page image")

// unrenderable is a bill poppler cannot draw (damaged, or not really a PDF): the
// reviewer is told to download it; the chain stays in the log.
func unrenderable(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err
	}
	return &Error{Status: http.StatusUnprocessableEntity, Code: "unrenderable",
		Message: "the bill's pages cannot be drawn; download the bill to read it", Err: err}
}

// pageSize is a page's size in PDF points as it was read (a PDF page as displayed, its
// rotation applied; an image upright), the coordinate space of the extraction's boxes,
// and the turns that take the stored page there (see extract.PageView).
type pageSize extract.PageView

// turned reports whether the stored page must be turned to be drawn as read.
func (s pageSize) turned() bool { return s.EXIF > 1 || s.Rotate != 0 || s.Skew != 0 }

// query is the page image URL's query for the turns ("" for none).
func (s pageSize) query() string {
	if !s.turned() {
		return ""
	}
	q := url.Values{}
	if s.EXIF > 1 {
		q.Set("exif", strconv.Itoa(s.EXIF))
	}
	if s.Rotate != 0 {
		q.Set("rotate", strconv.Itoa(s.Rotate))
	}
	if s.Skew != 0 {
		q.Set("skew", strconv.FormatFloat(s.Skew, 'f', -1, 64))
	}
	return "?" + q.Encode()
}

// maxSkew bounds a requested deskewing turn: OCR levels pages by a few degrees.
const maxSkew = 15

// turnFromQuery reads the turns a page image URL asks for.
func turnFromQuery(q url.Values) (pageSize, error) {
	var t pageSize
	var err error
	if v := q.Get("exif"); v != "" {
		if t.EXIF, err = strconv.Atoi(v); err != nil || t.EXIF < 1 || t.EXIF > 8 {
			return t, badRequest("exif", "exif is an EXIF orientation, 1 to 8")
		}
	}
	if v := q.Get("rotate"); v != "" {
		if t.Rotate, err = strconv.Atoi(v); err != nil || t.Rotate%90 != 0 || t.Rotate < 0 || t.Rotate > 270 {
			return t, badRequest("rotate", "rotate is 0, 90, 180 or 270")
		}
	}
	if v := q.Get("skew"); v != "" {
		if t.Skew, err = strconv.ParseFloat(v, 64); err != nil || math.IsNaN(t.Skew) || math.Abs(t.Skew) > maxSkew {
			return t, badRequest("skew", "skew is a number of degrees within ±%d", maxSkew)
		}
	}
	return t, nil
}

// turnKey names the turns in a cache key.
func (s pageSize) turnKey() string {
	if !s.turned() {
		return ""
	}
	return fmt.Sprintf("-e%d-r%d-s%s", s.EXIF, s.Rotate, strconv.FormatFloat(s.Skew, 'f', -1, 64))
}

// pageImage is one rendered page.
type pageImage struct {
	PNG    []byte
	Width  int // pixels
	Height int
}

// PageImages renders and caches bill pages. Safe for concurrent use.
type PageImages struct {
	dir      string // disk cache; "" = memory only
	maxBytes int64
	side     int // PageImageSide

	mu    sync.Mutex
	used  int64
	lru   *list.List // of *cacheEntry, front = most recent
	items map[string]*list.Element
	sizes map[string][]pageSize // bill SHA-256 → page sizes (small, kept while the process lives)

	flight singleflight.Group
	sem    chan struct{} // one poppler process at a time: the machine is shared with OCR
}

type cacheEntry struct {
	key string
	img pageImage
}

// NewPageImages makes a renderer. dir, when not empty, keeps rendered pages on disk
// across restarts; maxBytes bounds the memory cache (0: 64 MB).
func NewPageImages(dir string, maxBytes int64) (*PageImages, error) {
	if maxBytes <= 0 {
		maxBytes = defaultCacheSize
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("page image cache %s: %w", dir, err)
		}
	}
	return &PageImages{dir: dir, maxBytes: maxBytes, side: PageImageSide, lru: list.New(),
		items: map[string]*list.Element{}, sizes: map[string][]pageSize{}, sem: make(chan struct{}, 1)}, nil
}

// billKind tells how a bill's pages are drawn.
func billKind(contentType string) string {
	switch {
	case strings.Contains(contentType, "pdf"):
		return "pdf"
	case strings.HasPrefix(contentType, "image/"):
		return "image"
	}
	return ""
}

// Sizes returns the size in points of every page of the bill (at most maxRenderPages).
// load reads the bill; it is called only when the answer is not cached.
func (p *PageImages) Sizes(ctx context.Context, sha, contentType string, load func() ([]byte, error)) ([]pageSize, error) {
	p.mu.Lock()
	s, ok := p.sizes[sha]
	p.mu.Unlock()
	if ok {
		return s, nil
	}
	v, err, _ := p.flight.Do("sizes/"+sha, func() (any, error) {
		data, err := load()
		if err != nil {
			return nil, err
		}
		var sizes []pageSize
		switch billKind(contentType) {
		case "pdf":
			sizes, err = p.pdfSizes(ctx, data)
		case "image":
			var info []extract.ImagePageInfo
			err = p.inSlot(ctx, func() (err error) {
				info, err = extract.ImageInfo(ctx, data)
				return err
			})
			if err == nil {
				for _, p := range info[:min(len(info), maxRenderPages)] {
					sizes = append(sizes, pageSize{Width: p.Width, Height: p.Height, EXIF: p.EXIF})
				}
			}
		default:
			err = fmt.Errorf("bill of type %q: %w", contentType, errNoPageImage)
		}
		if err != nil {
			return nil, err
		}
		p.mu.Lock()
		if len(p.sizes) >= maxSizeEntries {
			clear(p.sizes) // a few floats per bill; starting over is cheaper than an LRU
		}
		p.sizes[sha] = sizes
		p.mu.Unlock()
		return sizes, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]pageSize), nil
}

// Page returns page n (1-based) of the bill as PNG, turned as turn says (its size is
// not used).
func (p *PageImages) Page(ctx context.Context, sha, contentType string, n int, turn pageSize, load func() ([]byte, error)) (pageImage, error) {
	if n < 1 || n > maxRenderPages {
		return pageImage{}, errNoPageImage
	}
	key := fmt.Sprintf("%s-p%d-%d%s", sha, n, p.side, turn.turnKey())
	if img, ok := p.cached(key); ok {
		return img, nil
	}
	v, err, _ := p.flight.Do(key, func() (any, error) {
		if img, ok := p.fromDisk(key); ok {
			p.remember(key, img)
			return img, nil
		}
		data, err := load()
		if err != nil {
			return nil, err
		}
		var img pageImage
		switch billKind(contentType) {
		case "pdf":
			if img, err = p.renderPDF(ctx, data, n); err == nil && turn.turned() {
				img, err = turnPNG(img.PNG, turn)
			}
		case "image":
			img, err = p.imagePage(ctx, data, n, turn)
		default:
			err = errNoPageImage
		}
		if err != nil {
			return nil, err
		}
		p.remember(key, img)
		p.toDisk(key, img)
		return img, nil
	})
	if err != nil {
		return pageImage{}, err
	}
	return v.(pageImage), nil
}

func (p *PageImages) cached(key string) (pageImage, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	el, ok := p.items[key]
	if !ok {
		return pageImage{}, false
	}
	p.lru.MoveToFront(el)
	return el.Value.(*cacheEntry).img, true
}

// remember adds to the memory cache and evicts the least recently used beyond the bound.
func (p *PageImages) remember(key string, img pageImage) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.items[key]; ok || int64(len(img.PNG)) > p.maxBytes {
		return
	}
	p.items[key] = p.lru.PushFront(&cacheEntry{key: key, img: img})
	p.used += int64(len(img.PNG))
	for p.used > p.maxBytes {
		el := p.lru.Back()
		e := el.Value.(*cacheEntry)
		p.lru.Remove(el)
		delete(p.items, e.key)
		p.used -= int64(len(e.img.PNG))
	}
}

func (p *PageImages) fromDisk(key string) (pageImage, bool) {
	if p.dir == "" {
		return pageImage{}, false
	}
	data, err := os.ReadFile(filepath.Join(p.dir, key+".png"))
	if err != nil {
		return pageImage{}, false
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return pageImage{}, false
	}
	return pageImage{PNG: data, Width: cfg.Width, Height: cfg.Height}, true
}

// toDisk writes through a temporary name so a crash never leaves half a PNG under the
// final one. A failure only costs a re-render later.
func (p *PageImages) toDisk(key string, img pageImage) {
	if p.dir == "" {
		return
	}
	f, err := os.CreateTemp(p.dir, ".tmp-*")
	if err != nil {
		return
	}
	_, werr := f.Write(img.PNG)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(f.Name())
		return
	}
	if os.Rename(f.Name(), filepath.Join(p.dir, key+".png")) != nil {
		os.Remove(f.Name())
	}
}

// withFile runs fn on the bill written to a temporary file (poppler reads files) while
// holding the render slot.
func (p *PageImages) withFile(ctx context.Context, data []byte, fn func(ctx context.Context, path string) error) error {
	return p.inSlot(ctx, func() error {
		dir, err := os.MkdirTemp("", "portdocs-page-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "bill.pdf")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(ctx, renderTimeout)
		defer cancel()
		return fn(ctx, path)
	})
}

// inSlot runs fn holding the render slot: poppler processes, image decoding and HEIC
// converters, one at a time (the machine is shared with OCR).
func (p *PageImages) inSlot(ctx context.Context, fn func() error) error {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-p.sem }()
	return fn()
}

var (
	pdfinfoSize = regexp.MustCompile(`(?m)^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts`)
	pdfinfoRot  = regexp.MustCompile(`(?m)^Page\s+(\d+)\s+rot:\s+(\d+)`)
)

// pdfSizes asks pdfinfo for each page's size and rotation.
func (p *PageImages) pdfSizes(ctx context.Context, data []byte) ([]pageSize, error) {
	var out []byte
	err := p.withFile(ctx, data, func(ctx context.Context, path string) error {
		var err error
		out, err = exec.CommandContext(ctx, "pdfinfo", "-f", "1", "-l", strconv.Itoa(maxRenderPages), path).Output()
		return err
	})
	if err != nil {
		return nil, unrenderable(fmt.Errorf("pdfinfo: %w", err))
	}
	sizes, err := parsePDFInfo(string(out))
	if err != nil {
		return nil, unrenderable(err)
	}
	return sizes, nil
}

// parsePDFInfo reads "Page N size: W x H pts" and "Page N rot: R" lines; a page turned
// by 90 or 270 degrees is shown (and was read) with width and height swapped.
func parsePDFInfo(out string) ([]pageSize, error) {
	rot := map[int]int{}
	for _, m := range pdfinfoRot.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		r, _ := strconv.Atoi(m[2])
		rot[n] = r
	}
	var sizes []pageSize
	for _, m := range pdfinfoSize.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		w, _ := strconv.ParseFloat(m[2], 64)
		h, _ := strconv.ParseFloat(m[3], 64)
		if n != len(sizes)+1 || w <= 0 || h <= 0 {
			return nil, errors.New("pdfinfo: unexpected page list")
		}
		if rot[n]%180 == 90 {
			w, h = h, w
		}
		sizes = append(sizes, pageSize{Width: w, Height: h})
	}
	if len(sizes) == 0 {
		return nil, errors.New("pdfinfo: no pages")
	}
	return sizes, nil
}

// renderPDF draws page n with pdftoppm.
func (p *PageImages) renderPDF(ctx context.Context, data []byte, n int) (pageImage, error) {
	var img pageImage
	err := p.withFile(ctx, data, func(ctx context.Context, path string) error {
		outBase := filepath.Join(filepath.Dir(path), "page")
		cmd := exec.CommandContext(ctx, "pdftoppm", "-png", "-singlefile", "-scale-to", strconv.Itoa(p.side),
			"-f", strconv.Itoa(n), "-l", strconv.Itoa(n), path, outBase)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			if strings.Contains(stderr.String(), "Wrong page range") {
				return errNoPageImage
			}
			return unrenderable(fmt.Errorf("pdftoppm page %d: %w", n, err))
		}
		b, err := os.ReadFile(outBase + ".png")
		if err != nil {
			return fmt.Errorf("pdftoppm page %d: %w", n, err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("pdftoppm page %d: %w", n, err)
		}
		img = pageImage{PNG: b, Width: cfg.Width, Height: cfg.Height}
		return nil
	})
	return img, err
}

// imagePage draws page n of an image bill (a multi-page TIFF fax has several) the way
// it was read, as PNG at most p.side pixels on its longer side, so the browser gets
// one format and never a TIFF it cannot show. It is gray, as the extractor read it.
func (p *PageImages) imagePage(ctx context.Context, data []byte, n int, turn pageSize) (pageImage, error) {
	var g *image.Gray
	err := p.inSlot(ctx, func() (err error) {
		g, err = extract.ImagePreview(ctx, data, n, p.side)
		return err
	})
	if errors.Is(err, extract.ErrNoSuchPage) {
		return pageImage{}, errNoPageImage
	}
	if err != nil {
		if errors.Is(err, extract.ErrCorrupt) || errors.Is(err, extract.ErrTooLarge) || errors.Is(err, extract.ErrUnsupportedType) {
			return pageImage{}, unrenderable(err)
		}
		return pageImage{}, err
	}
	return encodeGray(extract.Turn(g, turn.EXIF, turn.Rotate, turn.Skew))
}

// turnPNG turns a rendered PDF page the way OCR read it (scans only: a text page is
// never turned), in gray.
func turnPNG(b []byte, turn pageSize) (pageImage, error) {
	src, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return pageImage{}, fmt.Errorf("turning a page: %w", err)
	}
	bounds := src.Bounds()
	g := image.NewGray(image.Rect(0, 0, bounds.Dx(), bounds.Dy()))
	draw.Draw(g, g.Rect, src, bounds.Min, draw.Src)
	return encodeGray(extract.Turn(g, turn.EXIF, turn.Rotate, turn.Skew))
}

func encodeGray(g *image.Gray) (pageImage, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, g); err != nil {
		return pageImage{}, err
	}
	return pageImage{PNG: buf.Bytes(), Width: g.Rect.Dx(), Height: g.Rect.Dy()}, nil
}
