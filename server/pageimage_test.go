package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"
	"testing"

	"github.com/portdocs/portdocs/internal/testenv"
)

func TestParsePDFInfo(t *testing.T) {
	for _, tc := range []struct {
		name    string
		out     string
		want    []pageSize
		wantErr bool
	}{
		{name: "letter, two pages", out: "Pages: 2\nPage    1 size: 612 x 792 pts (letter)\nPage    1 rot:  0\nPage    2 size: 612 x 792 pts (letter)\nPage    2 rot:  0\n",
			want: []pageSize{{612, 792}, {612, 792}}},
		{name: "rotated page is shown turned", out: "Page    1 size: 612 x 792 pts (letter)\nPage    1 rot:  90\nPage    2 size: 595.28 x 841.89 pts (A4)\nPage    2 rot:  180\n",
			want: []pageSize{{792, 612}, {595.28, 841.89}}},
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
	img, err := p.Page(ctx, sha, "application/pdf", 1, load)
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
	if _, err := p.Page(ctx, sha, "application/pdf", 1, load); err != nil || loads.Load() != before {
		t.Errorf("second request loaded the bill again (err %v)", err)
	}
	p2, _ := NewPageImages(dir, 0)
	if again, err := p2.Page(ctx, sha, "application/pdf", 1, load); err != nil || loads.Load() != before || !bytes.Equal(again.PNG, img.PNG) {
		t.Errorf("a new renderer did not reuse the disk cache (err %v)", err)
	}
	if _, err := p.Page(ctx, sha, "application/pdf", len(sizes)+1, load); !errors.Is(err, errNoPageImage) {
		t.Errorf("page past the end: %v, want errNoPageImage", err)
	}
}

func TestPageImagesImageBill(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 1650, 2200)) // 11 in at 200 dpi on the long side
	src.Set(10, 10, color.White)
	var buf bytes.Buffer
	if err := png.Encode(&buf, src); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	p, _ := NewPageImages("", 0)
	load := func() ([]byte, error) { return data, nil }
	sizes, err := p.Sizes(context.Background(), sha256Hex(data), "image/png", load)
	if err != nil || len(sizes) != 1 {
		t.Fatalf("sizes %v, %v", sizes, err)
	}
	if math.Abs(sizes[0].Width-594) > 1 || math.Abs(sizes[0].Height-792) > 1 {
		t.Errorf("image bill is %v pt, want 594 x 792 (the extractor's 11-inch rule)", sizes[0])
	}
	img, err := p.Page(context.Background(), sha256Hex(data), "image/png", 1, load)
	if err != nil || img.Width != 1650 || img.Height != 2200 {
		t.Errorf("page 1: %dx%d, %v", img.Width, img.Height, err)
	}
	if _, err := p.Page(context.Background(), sha256Hex(data), "image/png", 2, load); !errors.Is(err, errNoPageImage) {
		t.Errorf("page 2 of an image: %v, want errNoPageImage", err)
	}
	if _, err := p.Sizes(context.Background(), "other", "image/png", func() ([]byte, error) { return []byte("\x89PNG garbage"), nil }); err == nil {
		t.Error("a damaged image gave page sizes")
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

	r, _, err := e.srv.records.get(context.Background(), id)
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
	if err != nil || len(sizes) != 1 || sizes[0] != (pageSize{14400, 7200}) {
		t.Fatalf("sizes %v, %v", sizes, err)
	}
	img, err := p.Page(context.Background(), "huge", "application/pdf", 1, load)
	if err != nil || img.Width != PageImageSide || img.Height != PageImageSide/2 {
		t.Errorf("huge page drawn at %dx%d (%v), want %dx%d", img.Width, img.Height, err, PageImageSide, PageImageSide/2)
	}
}
