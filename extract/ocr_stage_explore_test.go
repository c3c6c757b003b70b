package extract

import (
	"image"
	"os"
	"strings"
	"testing"
	"time"
)

func TestOCRStages(t *testing.T) {
	path := os.Getenv("OCRFILE")
	if path == "" {
		t.Skip()
	}
	o := testOCR(t)
	b, _ := os.ReadFile(path)
	t0 := time.Now()
	pages, err := imagePages(b, o.limits())
	if err != nil {
		t.Fatal(err)
	}
	img, err := pages[0].decode()
	t1 := time.Now()
	g := orient(toGray(img), pages[0].orientation)
	t2 := time.Now()
	turn := analyzeLayout(g, pages[0].dpi)
	t3 := time.Now()
	g2 := uprightAndLevel(g, turn)
	t4 := time.Now()
	c, _ := o.client()
	defer func() { o.idle <- c }()
	boxes, err := c.words(g2, pages[0].dpi)
	t5 := time.Now()
	boxes, err = c.words(g2, pages[0].dpi)
	t6 := time.Now()
	t.Logf("decode %v gray %v layout %v (%+v) level %v tess %v tess2 %v words %d", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), turn, t4.Sub(t3), t5.Sub(t4), t6.Sub(t5), len(boxes))
}

func TestExploreMeta(t *testing.T) {
	path := os.Getenv("OCRFILE")
	if path == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(path)
	pages, err := imagePages(b, testLimits)
	t.Logf("%+v %v", pages, err)
	img, _ := pages[0].decode()
	g := orient(toGray(img), pages[0].orientation)
	t.Logf("%v %+v", g.Rect, analyzeLayout(g, pages[0].dpi))
}

func TestExploreUpDown(t *testing.T) {
	path := os.Getenv("OCRFILE")
	if path == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(path)
	pages, _ := imagePages(b, testLimits)
	img, _ := pages[0].decode()
	g := orient(toGray(img), pages[0].orientation)
	despeckle(g, pages[0].dpi)
	for _, k := range []int{1, 2, 3, -1} {
		gg := g
		if k < 0 {
			k = 1
			gg = orient(g, 3)
		}
		ink, ok := inkMask(downscale(gg, k))
		pts := inkPoints(ink, 150000)
		sk, _ := bestSkew(pts, false)
		_, rs := bestSkew(pts, false)
		_, cs := bestSkew(pts, true)
		t.Logf("k=%d ok=%v n=%d skew=%.2f updown=%.3f rows=%.5f cols=%.5f", k, ok, len(pts), sk, upDownScore(pts, sk), rs, cs)
	}
}

func TestExploreDump(t *testing.T) {
	path := os.Getenv("OCRPDF")
	if path == "" {
		t.Skip()
	}
	g, err := rasterPage(t.Context(), path, 1, 300, 1e9)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("/tmp/ocrx/d0.pgm", encodePGM(g), 0o644)
	turn := analyzeLayout(g, 300)
	os.WriteFile("/tmp/ocrx/d1.pgm", encodePGM(uprightAndLevel(g, turn)), 0o644)
	despeckle(g, 300)
	os.WriteFile("/tmp/ocrx/d2.pgm", encodePGM(g), 0o644)
	turn2 := analyzeLayout(g, 300)
	os.WriteFile("/tmp/ocrx/d3.pgm", encodePGM(uprightAndLevel(g, turn2)), 0o644)
	t.Logf("%+v %+v", turn, turn2)
}

func TestExploreTurns(t *testing.T) {
	if os.Getenv("OCRTURNS") == "" {
		t.Skip()
	}
	for _, f := range loadOCRFixtures(t) {
		var imgs []*image.Gray
		var dpis []float64
		data, _ := os.ReadFile(f.file)
		if strings.HasSuffix(f.file, ".pdf") {
			for p := 1; p <= f.Pages; p++ {
				g, err := rasterPage(t.Context(), f.file, p, 300, 1e9)
				if err != nil {
					t.Fatal(err)
				}
				imgs, dpis = append(imgs, g), append(dpis, 300)
			}
		} else {
			pages, _ := imagePages(data, testLimits)
			for _, p := range pages {
				img, _ := p.decode()
				imgs, dpis = append(imgs, orient(toGray(img), p.orientation)), append(dpis, p.dpi)
			}
		}
		for i, g := range imgs {
			despeckle(g, dpis[i])
			t.Logf("%s p%d %+v", f.name, i+1, analyzeLayout(g, dpis[i]))
		}
	}
}
