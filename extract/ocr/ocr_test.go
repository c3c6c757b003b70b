package ocr

import (
	"context"
	"errors"
	"image"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portdocs/portdocs/extract/doc"

	"github.com/portdocs/portdocs/internal/hostile"
	"github.com/portdocs/portdocs/internal/testenv"
)

// fakeOCR is an engine whose "recognition" blocks until the test lets it go, so the
// pool's admission, queueing and cancellation can be tested without timing guesses.
type fakeOCR struct {
	*Engine
	started chan struct{} // one value per page that reached a worker
	release chan struct{} // one value lets one page finish
	active  atomic.Int32
	peak    atomic.Int32
}

func newFakeOCR(workers, queue int) *fakeOCR {
	return newFakeOCRWith(Options{Workers: workers, QueueLen: queue})
}

func newFakeOCRWith(opts Options) *fakeOCR {
	f := &fakeOCR{
		Engine:  newOCR(opts),
		started: make(chan struct{}, 64),
		release: make(chan struct{}, 64),
	}
	f.fake = func(ctx context.Context, g *image.Gray, dpi float64) (doc.Page, error) {
		n := f.active.Add(1)
		defer f.active.Add(-1)
		for {
			p := f.peak.Load()
			if n <= p || f.peak.CompareAndSwap(p, n) {
				break
			}
		}
		f.started <- struct{}{}
		select {
		case <-f.release:
		case <-ctx.Done():
			return doc.Page{}, ctx.Err()
		}
		return doc.Page{Width: float64(g.Rect.Dx()) * 72 / dpi, Source: doc.SourceOCR}, nil
	}
	return f
}

func (f *fakeOCR) admittedNow() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.admitted
}

var waitFor = testenv.WaitFor

type result struct {
	pages []doc.Page
	err   error
}

func (f *fakeOCR) start(ctx context.Context, data []byte) chan result {
	ch := make(chan result, 1)
	go func() {
		p, err := f.Image(ctx, data)
		ch <- result{p, err}
	}()
	return ch
}

func TestOCRQueueFullIsBusy(t *testing.T) {
	f := newFakeOCR(1, 1)
	img := encodePNG(t, markedImage(30, 20))
	a := f.start(context.Background(), img)
	<-f.started // A holds the only worker
	b := f.start(context.Background(), img)
	waitFor(t, "B to be queued", func() bool { return f.admittedNow() == 2 })

	// Worker busy and queue full: refused at once, whatever the context allows. A HEIC
	// photo is refused before it is converted (this one would be ErrTooLarge).
	for name, file := range map[string][]byte{"PNG": img, "HEIC": hostile.HEIFFile("heic", 60000, 60000, nil)} {
		t0 := time.Now()
		_, err := f.Image(context.Background(), file)
		if !errors.Is(err, doc.ErrOCRBusy) {
			t.Fatalf("third request (%s): err = %v, want ErrOCRBusy", name, err)
		}
		if d := time.Since(t0); d > time.Second {
			t.Errorf("busy answer (%s) took %v; it must not wait", name, d)
		}
	}

	f.release <- struct{}{}
	f.release <- struct{}{}
	for name, ch := range map[string]chan result{"A": a, "B": b} {
		if r := <-ch; r.err != nil || len(r.pages) != 1 || r.pages[0].Number != 1 {
			t.Errorf("%s: %v pages, err %v", name, len(r.pages), r.err)
		}
	}
	if n := f.admittedNow(); n != 0 {
		t.Errorf("admitted = %d after all finished, want 0", n)
	}
	// Capacity is back.
	c := f.start(context.Background(), img)
	<-f.started
	f.release <- struct{}{}
	if r := <-c; r.err != nil {
		t.Errorf("after the queue drained: %v", r.err)
	}
}

func TestOCRBigDocumentWhenIdle(t *testing.T) {
	// A document with more pages than workers+queue is slow, not impossible: it is
	// admitted when nothing else runs.
	f := newFakeOCR(1, 1)
	file := manyPageTIFF(t, 4, false)
	ch := f.start(context.Background(), file)
	for i := 0; i < 4; i++ {
		<-f.started
		f.release <- struct{}{}
	}
	if r := <-ch; r.err != nil || len(r.pages) != 4 {
		t.Fatalf("4-page document: %d pages, err %v", len(r.pages), r.err)
	}
}

func TestOCRParallelUpToWorkers(t *testing.T) {
	f := newFakeOCR(2, 10)
	file := manyPageTIFF(t, 3, false)
	a := f.start(context.Background(), file)
	b := f.start(context.Background(), file)
	<-f.started
	<-f.started
	// Two pages run; the other four wait for a worker.
	time.Sleep(50 * time.Millisecond)
	if n := f.active.Load(); n != 2 {
		t.Errorf("%d pages running, want 2 (the worker count)", n)
	}
	for i := 0; i < 6; i++ {
		f.release <- struct{}{}
		if i < 4 {
			<-f.started
		}
	}
	for _, ch := range []chan result{a, b} {
		r := <-ch
		if r.err != nil {
			t.Fatal(r.err)
		}
		for i, p := range r.pages {
			if p.Number != i+1 {
				t.Errorf("page %d numbered %d; pages must keep their order", i+1, p.Number)
			}
		}
	}
	if p := f.peak.Load(); p != 2 {
		t.Errorf("peak concurrency %d, want 2", p)
	}
}

func TestOCRContextCancel(t *testing.T) {
	f := newFakeOCR(1, 4)
	img := encodePNG(t, markedImage(30, 20))
	a := f.start(context.Background(), img)
	<-f.started

	// B waits for the worker; cancelling it returns promptly and frees its slot.
	ctx, cancel := context.WithCancel(context.Background())
	b := f.start(ctx, img)
	waitFor(t, "B to be queued", func() bool { return f.admittedNow() == 2 })
	cancel()
	select {
	case r := <-b:
		if !errors.Is(r.err, context.Canceled) {
			t.Errorf("cancelled request: err = %v, want context.Canceled", r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancelled request did not return")
	}
	waitFor(t, "B's slot to be released", func() bool { return f.admittedNow() == 1 })

	// A page being recognised sees its context too.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	f.release <- struct{}{}
	<-a
	c := f.start(ctx2, img)
	<-f.started
	if r := <-c; !errors.Is(r.err, context.DeadlineExceeded) {
		t.Errorf("deadline during recognition: err = %v, want DeadlineExceeded", r.err)
	}
}

func TestOCRCloseWaitsAndRefuses(t *testing.T) {
	f := newFakeOCR(1, 1)
	img := encodePNG(t, markedImage(30, 20))
	a := f.start(context.Background(), img)
	<-f.started
	closed := make(chan error, 1)
	go func() { closed <- f.Close() }()
	select {
	case <-closed:
		t.Fatal("Close returned while a request was running")
	case <-time.After(50 * time.Millisecond):
	}
	f.release <- struct{}{}
	if r := <-a; r.err != nil {
		t.Errorf("request running at Close: %v", r.err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := f.Image(context.Background(), img); !errors.Is(err, doc.ErrOCRUnavailable) {
		t.Errorf("after Close: err = %v, want ErrOCRUnavailable", err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestOCRClientsReused runs real Tesseract: many concurrent requests share at most
// Workers clients, each initialised once, and every result is right.
func TestOCRClientsReused(t *testing.T) {
	testOCR(t) // tesseract present (or CI fails)
	var inits atomic.Int32
	o, err := New(Options{Workers: 2, QueueLen: 8})
	if err != nil {
		t.Fatal(err)
	}
	o.stats = func(string) { inits.Add(1) }
	defer o.Close()
	// A strip of the sample page: two lines, quick to read.
	page := samplePage(t, 300)
	strip := image.NewGray(image.Rect(0, 0, 2550, 250))
	copy(strip.Pix, page.Pix[380*page.Stride:]) // from 91 pt: the lines at 100, 122 and 144 pt
	png := encodePNG(t, strip)
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pages, err := o.Image(context.Background(), png)
			if err == nil && !strings.Contains(pageText(pages[0]), "8123 4567 0199") {
				err = errors.New("account line not read: " + pageText(pages[0]))
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs { // 6 one-page requests fit in 2 workers + 8 queued
		if err != nil {
			t.Error(err)
		}
	}
	if n := inits.Load(); n > 1 { // New made the first before the hook was set
		t.Errorf("%d more clients started for 6 requests; want at most 1 more (2 workers)", n)
	}
	if got := len(o.all); got > 2 {
		t.Errorf("%d clients exist, want at most Workers=2", got)
	}
}

func TestOCRPDFPageWords(t *testing.T) {
	o := testOCR(t)
	pages, err := o.PDFPages(context.Background(), samplePDF(t, 2), []int{2})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1", len(pages))
	}
	p := pages[0]
	if p.Number != 2 || p.Source != doc.SourceOCR {
		t.Errorf("page %d source %q, want 2 and ocr", p.Number, p.Source)
	}
	if math.Abs(p.Width-612) > 2 || math.Abs(p.Height-792) > 2 {
		t.Errorf("page size %.1f×%.1f pt, want 612×792", p.Width, p.Height)
	}
	text := pageText(p)
	for _, want := range sampleLines {
		if !strings.Contains(text, want) {
			t.Errorf("line %q not read; got:\n%s", want, text)
		}
	}
	// Boxes are in points from the top-left: "Northwind" starts at x=72 on the baseline
	// y=100 (12-pt Helvetica: cap height ~8.6 pt above it).
	found := false
	for _, w := range p.Words {
		if w.Text == "Northwind" {
			found = true
			if math.Abs(w.BBox[0]-72) > 3 || math.Abs(w.BBox[3]-100) > 3 || math.Abs(w.BBox[1]-91.4) > 3 {
				t.Errorf("Northwind box %v, want about [72 91.4 … 100]", w.BBox)
			}
			if w.Confidence < 0.8 || w.Confidence > 1 {
				t.Errorf("Northwind confidence %v, want 0.8..1 on a clean render", w.Confidence)
			}
			if w.FontSize < 9 || w.FontSize > 15 {
				t.Errorf("Northwind font size estimate %.1f, want near 12", w.FontSize)
			}
		}
	}
	if !found {
		t.Error("no word Northwind")
	}
}

func TestOCRPDFPagesErrors(t *testing.T) {
	o := testOCR(t)
	testenvLookPoppler(t)
	for _, tc := range []struct {
		name  string
		pdf   []byte
		pages []int
		want  error
	}{
		{"empty", nil, []int{1}, doc.ErrEmpty},
		{"not a PDF", []byte("%PDF-1.4\nnonsense"), []int{1}, doc.ErrCorrupt},
		{"page past the end", samplePDF(t, 1), []int{3}, doc.ErrCorrupt},
		{"page zero", samplePDF(t, 1), []int{0}, doc.ErrCorrupt},
		{"too many pages", samplePDF(t, 1), make([]int, 51), doc.ErrTooManyPages},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := o.PDFPages(context.Background(), tc.pdf, tc.pages)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestOCROrientationAndSkew feeds the sample page turned and tilted; every line must
// come back whole and in order, which the line builder needs.
func TestOCROrientationAndSkew(t *testing.T) {
	o := testOCR(t)
	page := samplePage(t, 300)
	for _, tc := range []struct {
		name string
		exif int // orientation applied to the stored pixels (6 = turned right)
		skew float64
	}{
		{"upright", 1, 0},
		{"turned right", 6, 0},
		{"upside down", 3, 0},
		{"turned left", 8, 0},
		{"skewed 1.5°", 1, 1.5},
		{"skewed -0.7°", 1, -0.7},
		{"upside down and skewed 2°", 3, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			img := orient(page, tc.exif)
			if tc.skew != 0 {
				img = rotateSmall(img, tc.skew)
			}
			pages, err := o.Image(context.Background(), encodePNG(t, img))
			if err != nil {
				t.Fatal(err)
			}
			text := pageText(pages[0])
			lines := strings.Split(text, "\n")
			at := 0
			for _, want := range sampleLines[:7] {
				for at < len(lines) && !strings.Contains(lines[at], want) {
					at++
				}
				if at == len(lines) {
					t.Errorf("line %q missing or out of order; got:\n%s", want, text)
					return
				}
			}
		})
	}
}

func TestAnalyzeLayout(t *testing.T) {
	testenvLookPoppler(t)
	page := samplePage(t, 300)
	for _, tc := range []struct {
		exif   int
		skew   float64
		rotate int
	}{
		{1, 0, 0}, {6, 0, 270}, {3, 0, 180}, {8, 0, 90},
		{1, 1.0, 0}, {1, -2.0, 0}, {6, 0.8, 270},
	} {
		img := orient(page, tc.exif)
		if tc.skew != 0 {
			img = rotateSmall(img, tc.skew)
		}
		got := analyzeLayout(img, 300)
		if got.rotate != tc.rotate {
			t.Errorf("exif %d skew %.1f: rotate %d, want %d", tc.exif, tc.skew, got.rotate, tc.rotate)
		}
		// rotateSmall(img, a) tilts by a; levelling needs the opposite turn.
		if math.Abs(got.skew+tc.skew) > 0.25 {
			t.Errorf("exif %d skew %.1f: found skew %.2f, want %.2f", tc.exif, tc.skew, got.skew, -tc.skew)
		}
	}
	// A blank page and a black page are left alone.
	blank := image.NewGray(image.Rect(0, 0, 600, 800))
	for i := range blank.Pix {
		blank.Pix[i] = 250
	}
	if got := analyzeLayout(blank, 300); got.rotate != 0 || got.skew != 0 {
		t.Errorf("blank page: %+v, want no turn", got)
	}
	if got := analyzeLayout(image.NewGray(image.Rect(0, 0, 600, 800)), 300); got.rotate != 0 || got.skew != 0 {
		t.Errorf("black page: %+v, want no turn", got)
	}
}

func TestDespeckle(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 40, 20))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	ink := func(x0, y0, w, h int) {
		for y := y0; y < y0+h; y++ {
			for x := x0; x < x0+w; x++ {
				g.Pix[y*g.Stride+x] = 0
			}
		}
	}
	ink(2, 2, 1, 1)   // a lone speck
	ink(6, 2, 2, 1)   // a 2-pixel speck
	ink(10, 10, 3, 3) // a full stop
	ink(20, 2, 2, 12) // a stroke
	ink(22, 14, 1, 1) // touching the stroke diagonally: part of it
	despeckle(g, 200)
	for _, tc := range []struct {
		x, y int
		ink  bool
	}{{2, 2, false}, {6, 2, false}, {7, 2, false}, {11, 11, true}, {20, 2, true}, {21, 13, true}, {22, 14, true}} {
		if got := g.Pix[tc.y*g.Stride+tc.x] == 0; got != tc.ink {
			t.Errorf("(%d,%d) ink = %v, want %v", tc.x, tc.y, got, tc.ink)
		}
	}
}

func TestUpscale(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 4, 2))
	copy(g.Pix, []uint8{0, 0, 255, 255, 0, 0, 255, 255}) // left half black
	up := upscale(g, 1.5)
	if up.Rect.Dx() != 6 || up.Rect.Dy() != 3 {
		t.Fatalf("size %v, want 6x3", up.Rect.Size())
	}
	for _, tc := range []struct {
		x    int
		want uint8
	}{{0, 0}, {1, 0}, {5, 255}} {
		if got := up.GrayAt(tc.x, 1).Y; got != tc.want {
			t.Errorf("pixel (%d,1) = %d, want %d", tc.x, got, tc.want)
		}
	}
	if mid := up.GrayAt(2, 1).Y; mid == 0 || mid == 255 {
		t.Errorf("pixel (2,1) = %d, want an interpolated grey at the edge", mid)
	}
}

func TestUpscaleFactor(t *testing.T) {
	for _, tc := range []struct {
		name      string
		w, h      int
		dpi       float64
		want      float64 // 0: only check the pixel cap
		maxPixels float64
	}{
		{"letter at 300 dpi is left alone", 2550, 3300, 300, 1, 0},
		{"fax at 200 dpi goes to 300", 1700, 2200, 200, 1.5, 0},
		{"fax at 204 dpi", 1734, 2156, 204, 300.0 / 204, 0},
		{"just under 300 is not worth a copy", 2460, 3184, 290, 1, 0},
		// A 200×200 in MediaBox rendered at 31 dpi to stay under 40 MP: enlarging it
		// to 300 dpi would make 3.6 billion pixels.
		{"huge page at 31 dpi is not enlarged", 6200, 6200, 31, 1, 0},
		{"low-dpi page is enlarged only up to the cap", 3000, 3000, 31, 0, maxUpscalePixels},
		{"already over the cap is never enlarged", 5000, 5000, 100, 1, 0},
		{"no resolution", 100, 100, 0, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := upscaleFactor(tc.w, tc.h, tc.dpi)
			if tc.want != 0 && math.Abs(f-tc.want) > 1e-9 {
				t.Errorf("factor %.4f, want %.4f", f, tc.want)
			}
			if tc.maxPixels != 0 {
				if px := float64(tc.w) * f * float64(tc.h) * f; px > tc.maxPixels*1.001 || f <= 1 {
					t.Errorf("factor %.3f makes %.0f pixels, want >1 and ≤ %.0f", f, px, tc.maxPixels)
				}
			}
		})
	}
}

func TestOCRPixelBudget(t *testing.T) {
	// Two workers, but a pixel budget that holds a big and a small page, not two big
	// ones; a page over the whole budget runs alone rather than never.
	big := encodePNG(t, markedImage(30, 20))
	small := encodePNG(t, markedImage(10, 10))
	huge := encodePNG(t, markedImage(50, 50))
	weight := func(data []byte) int64 {
		p, err := imagePages(data, newOCR(Options{}).limits())
		if err != nil {
			t.Fatal(err)
		}
		return ocrPixels(p[0].width, p[0].height, p[0].dpi)
	}
	budget := weight(big) + weight(small)
	if 2*weight(big) <= budget || weight(huge) <= budget {
		t.Fatalf("weights %d, %d, %d do not fit the test's plan", weight(big), weight(small), weight(huge))
	}
	f := newFakeOCRWith(Options{Workers: 2, QueueLen: 8, MaxPixelsInFlight: budget})

	a := f.start(context.Background(), big)
	<-f.started
	b := f.start(context.Background(), small)
	<-f.started // both fit: both run
	f.release <- struct{}{}
	f.release <- struct{}{}
	for _, ch := range []chan result{a, b} {
		if r := <-ch; r.err != nil {
			t.Fatal(r.err)
		}
	}

	a = f.start(context.Background(), big)
	<-f.started
	b = f.start(context.Background(), big)
	waitFor(t, "the second page to be admitted", func() bool { return f.admittedNow() == 2 })
	time.Sleep(50 * time.Millisecond)
	if n := f.active.Load(); n != 1 {
		t.Fatalf("%d big pages running at once, want 1: the budget holds one", n)
	}
	f.release <- struct{}{}
	<-f.started // the first finished, so the second may start
	f.release <- struct{}{}
	for _, ch := range []chan result{a, b} {
		if r := <-ch; r.err != nil {
			t.Fatal(r.err)
		}
	}

	h := f.start(context.Background(), huge)
	<-f.started
	f.release <- struct{}{}
	if r := <-h; r.err != nil || len(r.pages) != 1 {
		t.Fatalf("page over the whole budget: %d pages, err %v", len(r.pages), r.err)
	}

	// A page waiting for pixels gives up with its request.
	a = f.start(context.Background(), big)
	<-f.started
	ctx, cancel := context.WithCancel(context.Background())
	b = f.start(ctx, big)
	waitFor(t, "the second page to be admitted", func() bool { return f.admittedNow() == 2 })
	cancel()
	if r := <-b; !errors.Is(r.err, context.Canceled) {
		t.Errorf("cancelled while waiting for pixels: err = %v, want context.Canceled", r.err)
	}
	f.release <- struct{}{}
	if r := <-a; r.err != nil {
		t.Fatal(r.err)
	}
}

func TestOCRHighResolution(t *testing.T) {
	// A 600-dpi scan is read at 300 dpi (a quarter of the pixels), and its boxes still
	// come out in the page's points.
	o := testOCR(t)
	c, err := o.client()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { o.idle <- c }()
	p, err := recognizePage(context.Background(), c, samplePage(t, 600), 600)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(p.Width-612) > 2 || math.Abs(p.Height-792) > 2 {
		t.Errorf("page is %.1f × %.1f pt, want 612 × 792", p.Width, p.Height)
	}
	text := pageText(p)
	for _, want := range []string{"Account Number: 8123 4567 0199", "HARBOR LIGHT BAKERY LLC", "SPRINGFIELD IL 62704-1234"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q not read; got:\n%s", want, text)
		}
	}
	for _, w := range p.Words {
		if w.Text == "HARBOR" && (math.Abs(w.BBox[0]-72) > 3 || math.Abs(w.BBox[3]-(100+3*22)) > 4) {
			t.Errorf("HARBOR at %v; the text starts at x = 72 pt with its baseline at y = 166 pt", w.BBox)
		}
	}
}

func TestRasterizerAvailable(t *testing.T) {
	testenv.LookTool(t, "pdftoppm")
	testenv.LookTool(t, "pdfinfo")
	if err := RasterizerAvailable(); err != nil {
		t.Errorf("with poppler installed: %v", err)
	}
	t.Setenv("PATH", t.TempDir())
	err := RasterizerAvailable()
	if !errors.Is(err, doc.ErrOCRUnavailable) || !strings.Contains(err.Error(), "poppler-utils") {
		t.Errorf("without poppler on PATH: %v, want ErrOCRUnavailable naming poppler-utils", err)
	}
}

func TestLanguageLetters(t *testing.T) {
	for in, want := range map[string]string{"NÚŇEZ": "NÚÑEZ", "Peňa": "Peña", "JOSĚ": "JOSÉ", "DVOŘÁK": "DVOŘÁK", "NUNEZ": "NUNEZ", "287-5550142": "287-5550142"} {
		if got := languageLetters(in); got != want {
			t.Errorf("languageLetters(%q) = %q, want %q", in, got, want)
		}
	}
}
