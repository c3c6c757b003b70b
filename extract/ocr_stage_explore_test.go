package extract

import (
	"os"
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
