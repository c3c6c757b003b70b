package extract

import (
	"context"
	"os"
	"testing"
)

func TestZZJitter(t *testing.T) {
	data, _ := os.ReadFile(os.Getenv("F"))
	pages, _, _, _ := New(Options{}).readPages(context.Background(), data)
	for pi := range pages {
		for wi := range pages[pi].Words {
			w := &pages[pi].Words[wi]
			dy := float64((wi*7)%5-2) * 0.5
			w.BBox[1] += dy
			w.BBox[3] += dy
			w.FontSize, w.Confidence = 0, 0.9
		}
	}
	t.Log("\n" + buildLayout(pages[:1]).pageString(1))
}
