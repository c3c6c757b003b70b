package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/image/tiff"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/internal/hostile"
	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/port"
)

func TestParsePDFInfo(t *testing.T) {
	for _, tc := range []struct {
		name    string
		out     string
		want    []pageSize
		wantErr bool
	}{
		{name: "letter, two pages", out: "Pages: 2\nPage    1 size: 612 x 792 pts (letter)\nPage    1 rot:  0\nPage    2 size: 612 x 792 pts (letter)\nPage    2 rot:  0\n",
			want: []pageSize{{Width: 612, Height: 792}, {Width: 612, Height: 792}}},
		{name: "rotated page is shown turned", out: "Page    1 size: 612 x 792 pts (letter)\nPage    1 rot:  90\nPage    2 size: 595.28 x 841.89 pts (A4)\nPage    2 rot:  180\n",
			want: []pageSize{{Width: 792, Height: 612}, {Width: 595.28, Height: 841.89}}},
		{name: "no pages", out: "Pages: 0\n", wantErr: true},
		{name: "pages out of order", out: "Page    2 size: 612 x 792 pts\n", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parsePDFInfo(tc.out)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("page %d: %v, want %v", i+1, got[i], tc.want[i])
				}
			}
		})
	}
}

// TestPageImagesRenderPDF renders a real fixture bill with poppler and checks the size,
// the cache (memory, then disk for a new renderer) and a page past the end.
func TestPageImagesRenderPDF(t *testing.T) {
	testenv.LookTool(t, "pdftoppm")
	testenv.LookTool(t, "pdfinfo")
	paths, _ := filepath.Glob(filepath.Join("..", "fixtures", "bills", "*", "bill.pdf"))
	if len(paths) == 0 {
		t.Fatal("no fixture bill")
	}
	sort.Strings(paths)
	data, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	sha := sha256Hex(data)
	var loads atomic.Int32
	load := func() ([]byte, error) { loads.Add(1); return data, nil }
	dir := t.TempDir()
	p, err := NewPageImages(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sizes, err := p.Sizes(ctx, sha, "application/pdf", load)
	if err != nil || len(sizes) == 0 {
		t.Fatalf("sizes: %v %v", sizes, err)
	}
	img, err := p.Page(ctx, sha, "application/pdf", 1, pageSize{}, load)
	if err != nil {
		t.Fatal(err)
	}
	wantW, wantH := sizes[0].pixelSize()
	if max(img.Width, img.Height) != PageImageSide || math.Abs(float64(img.Width-wantW)) > 2 || math.Abs(float64(img.Height-wantH)) > 2 {
		t.Errorf("page 1 is %dx%d px, want about %dx%d (%v pt scaled to %d px)", img.Width, img.Height, wantW, wantH, sizes[0], PageImageSide)
	}
	if _, err := png.DecodeConfig(bytes.NewReader(img.PNG)); err != nil {
		t.Errorf("page 1 is not a PNG: %v", err)
	}
	before := loads.Load()
	if _, err := p.Page(ctx, sha, "application/pdf", 1, pageSize{}, load); err != nil || loads.Load() != before {
		t.Errorf("second request loaded the bill again (err %v)", err)
	}
	p2, _ := NewPageImages(dir, 0)
	if again, err := p2.Page(ctx, sha, "application/pdf", 1, pageSize{}, load); err != nil || loads.Load() != before || !bytes.Equal(again.PNG, img.PNG) {
		t.Errorf("a new renderer did not reuse the disk cache (err %v)", err)
	}
	if _, err := p.Page(ctx, sha, "application/pdf", len(sizes)+1, pageSize{}, load); !errors.Is(err, errNoPageImage) {
		t.Errorf("page past the end: %v, want errNoPageImage", err)
	}
}

func TestPageImagesImageBill(t *testing.T) {
	// A page image with a mark near its top-left corner, to see which way it was turned.
	page := func(w, h int) *image.Gray {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for i := range g.Pix {
			g.Pix[i] = 255
		}
		for y := 0; y < h/10; y++ {
			for x := 0; x < w/10; x++ {
				g.Pix[y*g.Stride+x] = 0
			}
		}
		return g
	}
	var pngBuf, jpgBuf, tifBuf bytes.Buffer
	if err := png.Encode(&pngBuf, page(1650, 2200)); err != nil { // 11 in at 200 dpi on the long side
		t.Fatal(err)
	}
	// A phone photo stored turned left, with EXIF 6 ("turn 90° clockwise to view").
	if err := jpeg.Encode(&jpgBuf, page(2200, 1650), nil); err != nil {
		t.Fatal(err)
	}
	photo := withEXIF6(t, jpgBuf.Bytes())
	if err := tiff.Encode(&tifBuf, page(1700, 2200), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, ctype string
		data        []byte
		size        pageSize    // as the extractor reads it
		px          image.Point // halved: the whole factor that brings 2200 px within PageImageSide
		darkCorner  image.Point // where the mark lands once drawn as read
	}{
		{"PNG", "image/png", pngBuf.Bytes(), pageSize{Width: 594, Height: 792}, image.Pt(825, 1100), image.Pt(0, 0)},
		// Turned clockwise, the stored top-left corner goes to the top right.
		{"JPEG with EXIF 6", "image/jpeg", photo, pageSize{Width: 594, Height: 792, EXIF: 6}, image.Pt(825, 1100), image.Pt(1, 0)},
		{"TIFF", "image/tiff", tifBuf.Bytes(), pageSize{Width: 612, Height: 792}, image.Pt(850, 1100), image.Pt(0, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := NewPageImages("", 0)
			sha := sha256Hex(tc.data)
			load := func() ([]byte, error) { return tc.data, nil }
			sizes, err := p.Sizes(context.Background(), sha, tc.ctype, load)
			if err != nil || len(sizes) != 1 {
				t.Fatalf("sizes %v, %v", sizes, err)
			}
			got := sizes[0]
			if math.Abs(got.Width-tc.size.Width) > 1 || math.Abs(got.Height-tc.size.Height) > 1 || got.EXIF != max(1, tc.size.EXIF) {
				t.Errorf("sizes %+v, want %+v (the extractor's reading)", got, tc.size)
			}
			img, err := p.Page(context.Background(), sha, tc.ctype, 1, got, load)
			if err != nil {
				t.Fatal(err)
			}
			if img.Width != tc.px.X || img.Height != tc.px.Y || max(img.Width, img.Height) > PageImageSide {
				t.Errorf("page 1 drawn at %d×%d, want %v within %d px", img.Width, img.Height, tc.px, PageImageSide)
			}
			g, err := png.Decode(bytes.NewReader(img.PNG))
			if err != nil {
				t.Fatal(err)
			}
			x := 5 + tc.darkCorner.X*(img.Width-10)
			y := 5 + tc.darkCorner.Y*(img.Height-10)
			if r, _, _, _ := g.At(x, y).RGBA(); r > 0x4000 {
				t.Errorf("the mark is not at (%d, %d): the page is not turned as it was read", x, y)
			}
			if _, err := p.Page(context.Background(), sha, tc.ctype, 2, got, load); !errors.Is(err, errNoPageImage) {
				t.Errorf("page 2 of a one-page image: %v, want errNoPageImage", err)
			}
		})
	}
	p, _ := NewPageImages("", 0)
	if _, err := p.Sizes(context.Background(), "other", "image/png", func() ([]byte, error) { return []byte("\x89PNG garbage"), nil }); err == nil {
		t.Error("a damaged image gave page sizes")
	}
}

// withEXIF6 puts an EXIF APP1 segment with orientation 6 after the JPEG's SOI.
func withEXIF6(t *testing.T, jpg []byte) []byte {
	t.Helper()
	tiffHdr := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0}
	seg := append([]byte("Exif\x00\x00"), tiffHdr...)
	app1 := append([]byte{0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}, seg...)
	return append(append(append([]byte{}, jpg[:2]...), app1...), jpg[2:]...)
}

func TestTurnFromQuery(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  pageSize
		bad   string // the field a bad query is refused for
	}{
		{"", pageSize{}, ""},
		{"exif=6", pageSize{EXIF: 6}, ""},
		{"exif=8&rotate=270&skew=-1.25", pageSize{EXIF: 8, Rotate: 270, Skew: -1.25}, ""},
		{"exif=9", pageSize{}, "exif"},
		{"exif=x", pageSize{}, "exif"},
		{"rotate=45", pageSize{}, "rotate"},
		{"rotate=360", pageSize{}, "rotate"},
		{"skew=NaN", pageSize{}, "skew"},
		{"skew=90", pageSize{}, "skew"},
	} {
		q, _ := url.ParseQuery(tc.query)
		got, err := turnFromQuery(q)
		if tc.bad != "" {
			var e *Error
			if !errors.As(err, &e) || e.Status != http.StatusBadRequest || !strings.Contains(e.Message, tc.bad) {
				t.Errorf("%q: %v, want a 400 about %s", tc.query, err, tc.bad)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %+v, %v; want %+v", tc.query, got, err, tc.want)
		}
		// The page URL's query reads back as the same turns.
		if back, _ := url.ParseQuery(strings.TrimPrefix(got.query(), "?")); back.Encode() != q.Encode() && tc.query != "" {
			t.Errorf("%q: query() = %q", tc.query, got.query())
		}
	}
}

func TestPageImagesMemoryBound(t *testing.T) {
	p, _ := NewPageImages("", 1000)
	for i, key := range []string{"a", "b", "c", "d"} {
		p.remember(key, pageImage{PNG: make([]byte, 300+i)})
	}
	p.cached("b") // b is now the most recently used
	p.remember("e", pageImage{PNG: make([]byte, 300)})
	if p.used > 1000 {
		t.Errorf("cache holds %d bytes, bound 1000", p.used)
	}
	for key, want := range map[string]bool{"a": false, "b": true, "e": true} {
		if _, ok := p.cached(key); ok != want {
			t.Errorf("cached(%q) = %v, want %v", key, ok, want)
		}
	}
	p.remember("huge", pageImage{PNG: make([]byte, 5000)})
	if _, ok := p.cached("huge"); ok {
		t.Error("an image larger than the whole cache was kept")
	}
}

// TestSignLOAPages draws the LOA a signing link shows as page images (the proposed
// phone-friendly replacement of the signer page's PDF iframe).
func TestSignLOAPages(t *testing.T) {
	testenv.LookTool(t, "pdftoppm")
	testenv.LookTool(t, "pdfinfo")
	e := newTestEnv(t, nil)
	id := e.createPort(validRequest)
	token := e.sendLOA(id)
	images, _ := NewPageImages("", 0)
	e.srv.Echo().GET("/sign/:token/loa/pages/:page", e.srv.handleSignLOAPage(images))

	r, err := e.srv.records.get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/sign/"+token, nil)
	c := e.srv.Echo().NewContext(req, httptest.NewRecorder())
	c.SetParamNames("token")
	c.SetParamValues(token)
	pages := e.srv.signLOAPages(c, images, r)
	if len(pages) == 0 || pages[0].URL != "/sign/"+token+"/loa/pages/1" {
		t.Fatalf("LOA pages: %+v", pages)
	}
	for _, tc := range []struct {
		target     string
		wantStatus int
	}{
		{"/sign/" + token + "/loa/pages/1", http.StatusOK},
		{fmt.Sprintf("/sign/%s/loa/pages/%d", token, len(pages)+1), http.StatusNotFound},
		{"/sign/" + token + "/loa/pages/x", http.StatusNotFound},
		{"/sign/AAAAAAAAAAAAAAAAAAAAAAAA/loa/pages/1", http.StatusNotFound},
	} {
		rec := e.do(http.MethodGet, tc.target, "", "", nil)
		if rec.Code != tc.wantStatus {
			t.Errorf("%s: %d, want %d", tc.target, rec.Code, tc.wantStatus)
		}
		if tc.wantStatus == http.StatusOK {
			if _, err := png.DecodeConfig(rec.Body); err != nil || rec.Header().Get("Content-Type") != "image/png" {
				t.Errorf("%s: not a PNG (%v, %q)", tc.target, err, rec.Header().Get("Content-Type"))
			}
		}
	}
}

// TestPageImagesHugePage: a page that claims to be 200 × 100 inches is drawn at the
// fixed size, not at its stated size (no pixel bomb).
func TestPageImagesHugePage(t *testing.T) {
	testenv.LookTool(t, "pdftoppm")
	testenv.LookTool(t, "pdfinfo")
	data := []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 14400 7200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	p, _ := NewPageImages("", 0)
	load := func() ([]byte, error) { return data, nil }
	sizes, err := p.Sizes(context.Background(), "huge", "application/pdf", load)
	if err != nil || len(sizes) != 1 || sizes[0] != (pageSize{Width: 14400, Height: 7200}) {
		t.Fatalf("sizes %v, %v", sizes, err)
	}
	img, err := p.Page(context.Background(), "huge", "application/pdf", 1, pageSize{}, load)
	if err != nil || img.Width != PageImageSide || img.Height != PageImageSide/2 {
		t.Errorf("huge page drawn at %dx%d (%v), want %dx%d", img.Width, img.Height, err, PageImageSide, PageImageSide/2)
	}
}

// TestReviewPhotoDrawnAsRead: the reviewer's page draws a phone photo stored sideways
// upright, as the extractor read it, in the page size its boxes are measured in.
func TestReviewPhotoDrawnAsRead(t *testing.T) {
	var jpgBuf bytes.Buffer
	stored := image.NewGray(image.Rect(0, 0, 2200, 1650)) // landscape as stored
	if err := jpeg.Encode(&jpgBuf, stored, nil); err != nil {
		t.Fatal(err)
	}
	photo := withEXIF6(t, jpgBuf.Bytes())
	view := extract.PageView{Width: 594, Height: 792, EXIF: 6, Skew: 0.5}
	e := newTestEnv(t, func(c *Config) {
		c.Extractor = fakeExtractor{fn: func(ctx context.Context, data []byte) (*extract.Extraction, error) {
			x, err := billExtraction(ctx, data)
			if err == nil {
				x.PageViews = []extract.PageView{view}
			}
			return x, err
		}}
		c.Check = func(ctx context.Context, req port.Request, ex *extract.Extraction, bill []byte, others []extract.BillSummary, now time.Time) (json.RawMessage, error) {
			raw, err := fakeCheck(ctx, req, ex, bill, nil, now)
			if err != nil {
				return nil, err
			}
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, err
			}
			m["page_views"] = ex.PageViews // as check.Run does
			return json.Marshal(m)
		}
	})
	id := e.signedPort()
	if rec := e.uploadBill(id, photo); rec.Code != http.StatusCreated {
		t.Fatalf("bill: %d %s", rec.Code, rec.Body)
	}
	rc := newReviewClient(e)
	rc.signIn(reviewerKey, nil)
	body := rc.do(http.MethodGet, "/review/ports/"+id, nil, nil).Body.String()
	if !strings.Contains(body, `viewBox="0 0 594.0 792.0"`) {
		t.Errorf("the page is not drawn in the size it was read in (594 × 792 pt)")
	}
	src := regexp.MustCompile(`src="(/review/ports/` + id + `/bill/[0-9a-f]+/pages/1[^"]*)"`).FindStringSubmatch(body)
	if src == nil {
		t.Fatal("no page image on the port page")
	}
	target := html.UnescapeString(src[1])
	if !strings.Contains(target, "exif=6") || !strings.Contains(target, "skew=0.5") {
		t.Errorf("page image %s does not carry the turns it was read with", target)
	}
	rec := rc.do(http.MethodGet, target, nil, nil)
	cfg, err := png.DecodeConfig(rec.Body)
	if rec.Code != http.StatusOK || err != nil {
		t.Fatalf("page image: %d %v", rec.Code, err)
	}
	if cfg.Width >= cfg.Height {
		t.Errorf("page image %d×%d: the photo is still sideways", cfg.Width, cfg.Height)
	}
	if bad := rc.do(http.MethodGet, strings.Replace(target, "exif=6", "exif=12", 1), nil, nil); bad.Code != http.StatusBadRequest {
		t.Errorf("exif=12: %d, want 400", bad.Code)
	}
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name      string
		data      []byte
		ctype     string
		ext       string
		supported bool
	}{
		{"PDF", []byte("%PDF-1.7\n"), "application/pdf", "pdf", true},
		{"PDF after a mail header", []byte("Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"), "application/pdf", "pdf", true},
		{"PNG", []byte("\x89PNG\r\n\x1a\n...."), "image/png", "png", true},
		{"JPEG", []byte{0xFF, 0xD8, 0xFF, 0xE0}, "image/jpeg", "jpg", true},
		{"TIFF II", []byte("II*\x00...."), "image/tiff", "tiff", true},
		{"TIFF MM", []byte("MM\x00*...."), "image/tiff", "tiff", true},
		{"HEIC", hostile.HEIFFile("heic", 4032, 3024, nil), "image/heic", "heic", true},
		{"AVIF", hostile.HEIFFile("avif", 4032, 3024, nil), "image/avif", "avif", true},
		{"MP4 video", hostile.BMFFBox("ftyp", []byte("isom"), []byte{0, 0, 2, 0}, []byte("isomavc1")), "", "", false},
		{"GIF", []byte("GIF89a"), "", "", false},
	} {
		ct, ext, ok := sniff(tc.data)
		if ct != tc.ctype || ext != tc.ext || ok != tc.supported {
			t.Errorf("%s: sniff = %q, %q, %v; want %q, %q, %v", tc.name, ct, ext, ok, tc.ctype, tc.ext, tc.supported)
		}
	}
}

// TestPageImagesHEIC: an iPhone photo is drawn like any image bill.
func TestPageImagesHEIC(t *testing.T) {
	testenv.LookTool(t, "heif-convert")
	data, err := os.ReadFile("../fixtures/ocr/photo-05-tmobile-heic/bill.heic")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := NewPageImages("", 0)
	load := func() ([]byte, error) { return data, nil }
	sizes, err := p.Sizes(context.Background(), sha256Hex(data), "image/heic", load)
	if err != nil || len(sizes) != 1 || sizes[0].Height <= sizes[0].Width {
		t.Fatalf("sizes %+v, %v; want one portrait page", sizes, err)
	}
	img, err := p.Page(context.Background(), sha256Hex(data), "image/heic", 1, sizes[0], load)
	if err != nil || img.Height <= img.Width || img.Height > PageImageSide {
		t.Fatalf("page 1: %d×%d, %v", img.Width, img.Height, err)
	}
	if _, err := png.DecodeConfig(bytes.NewReader(img.PNG)); err != nil {
		t.Error(err)
	}
}
