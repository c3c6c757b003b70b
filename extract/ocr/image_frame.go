package ocr

import (
	"image"
	"math"
)

// Screenshots of a viewer. A bill photographed off a screen is rare; a screenshot of
// the carrier portal's PDF viewer is common: the page drawn small (a page inch in 60 to
// 110 pixels) on the viewer's flat grey backdrop, under a title bar and a toolbar with
// a page counter and the zoom, often beside a column of page thumbnails. The file
// states the screen's density (144 dpi on a 2x screen), not the page's, so the page is
// enlarged too little before recognition, and the chrome's text (window title,
// "Page 1 / 2", "75%") is read as if it were the bill's.
//
// pageFrame finds such a page: the largest connected region of paper white whose
// bounding box stands clear of the image's left, right and top edges, is mostly white
// inside, and is surrounded by a flat backdrop that is not white. Only that rectangle is
// read, at the resolution its width gives (a page is 8.5 inches wide, 11 lying down).
// A scan or a crisp render fills the image (no frame); a photo's page lies on a
// textured, unevenly lit surface and is not a rectangle (no flat backdrop).

const (
	paperWhite     = 245  // gray level of a viewer's page (255 as rendered; JPEG noise)
	frameMinArea   = 0.12 // the page covers at least this much of the screenshot
	frameMinInset  = 0.01 // and stands at least this far (fraction of the side) from the left, right and top edges
	frameMinFill   = 0.6  // paper-white fraction inside the page's box
	frameRing      = 6    // pixels of backdrop looked at around the page
	frameMaxBright = 0.1  // fraction of backdrop pixels that may be paper white
	frameMaxStdDev = 10.0 // gray-level spread along one side of a flat backdrop
)

// pageFrame is a page found inside a screenshot and the resolution it is drawn at.
type pageFrame struct {
	rect image.Rectangle
	dpi  float64
}

// findPageFrame looks for a viewer's page in g (see above).
func findPageFrame(g *image.Gray) (pageFrame, bool) {
	b := g.Rect
	W, H := b.Dx(), b.Dy()
	if W < 200 || H < 200 {
		return pageFrame{}, false
	}
	rect, _ := largestWhiteRegion(g)
	inset := int(frameMinInset*float64(W)) + frameRing
	if rect.Min.X-b.Min.X < inset || b.Max.X-rect.Max.X < inset {
		return pageFrame{}, false
	}
	// The backdrop: a ring of frameRing pixels just outside the left and right sides,
	// each flat and dark.
	left := image.Rect(rect.Min.X-frameRing, rect.Min.Y, rect.Min.X, rect.Max.Y)
	right := image.Rect(rect.Max.X, rect.Min.Y, rect.Max.X+frameRing, rect.Max.Y)
	backdrop, ok := flatBackdrop(g, left)
	if _, okR := flatBackdrop(g, right); !ok || !okR {
		return pageFrame{}, false
	}
	// A rule or a coloured band across the page cuts its white in two: the page goes
	// on up and down as long as the backdrop stands left of it and the page's own row
	// is not backdrop.
	rect.Min.Y = extendPage(g, rect, backdrop, -1)
	rect.Max.Y = extendPage(g, rect, backdrop, +1)
	area := rect.Dx() * rect.Dy()
	if area < int(frameMinArea*float64(W*H)) || rect.Min.Y-b.Min.Y < int(frameMinInset*float64(H))+frameRing ||
		float64(countWhite(g, rect)) < frameMinFill*float64(area) {
		return pageFrame{}, false
	}
	w, h := float64(rect.Dx()), float64(rect.Dy())
	inches := 8.5
	// A page wider than tall is a landscape page only when all of it shows: a portrait
	// page zoomed to the window's width shows only its top.
	below := image.Rect(rect.Min.X, rect.Max.Y, rect.Max.X, rect.Max.Y+frameRing).Intersect(b)
	if _, whole := flatBackdrop(g, below); whole && below.Dy() == frameRing && w > 1.1*h {
		inches = 11
	}
	return pageFrame{rect: rect, dpi: w / inches}, true
}

// extendPage moves rect's top (dir -1) or bottom (dir +1) edge past rows that are still
// the page: the pixels just left of the page are the backdrop and the page's row is
// not. It returns the new edge.
func extendPage(g *image.Gray, rect image.Rectangle, backdrop uint8, dir int) int {
	near := func(v uint8) bool { return int(v) >= int(backdrop)-6 && int(v) <= int(backdrop)+6 }
	y := rect.Min.Y - 1
	if dir > 0 {
		y = rect.Max.Y
	}
	for ; y >= g.Rect.Min.Y && y < g.Rect.Max.Y; y += dir {
		row := g.Pix[(y-g.Rect.Min.Y)*g.Stride-g.Rect.Min.X:]
		outside, inside := 0, 0
		for x := rect.Min.X - frameRing; x < rect.Min.X; x++ {
			if near(row[x]) {
				outside++
			}
		}
		for x := rect.Min.X; x < rect.Max.X; x++ {
			if near(row[x]) {
				inside++
			}
		}
		if outside < frameRing || 2*inside > rect.Dx() {
			break
		}
	}
	if dir > 0 {
		return y
	}
	return y + 1
}

func countWhite(g *image.Gray, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := g.Pix[(y-g.Rect.Min.Y)*g.Stride-g.Rect.Min.X:]
		for x := r.Min.X; x < r.Max.X; x++ {
			if row[x] >= paperWhite {
				n++
			}
		}
	}
	return n
}

// flatBackdrop: r's pixels are seldom paper white and of one gray level (a little
// spread for a shadow's edge). It returns that level (the mean).
func flatBackdrop(g *image.Gray, r image.Rectangle) (uint8, bool) {
	r = r.Intersect(g.Rect)
	n, bright := 0, 0
	var sum, sq float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := g.Pix[(y-g.Rect.Min.Y)*g.Stride-g.Rect.Min.X:]
		for x := r.Min.X; x < r.Max.X; x++ {
			v := row[x]
			if v >= paperWhite {
				bright++
			}
			f := float64(v)
			sum += f
			sq += f * f
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	mean := sum / float64(n)
	sd := math.Sqrt(max(0, sq/float64(n)-mean*mean))
	return uint8(mean + 0.5), float64(bright) <= frameMaxBright*float64(n) && sd <= frameMaxStdDev
}

// largestWhiteRegion returns the bounding box and pixel count of the largest
// 4-connected region of paper-white pixels, by runs and union-find.
func largestWhiteRegion(g *image.Gray) (image.Rectangle, int) {
	type run struct{ y, x0, x1, id int } // x1 exclusive
	var parent []int
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	var prev, cur []run
	var all []run
	W := g.Rect.Dx()
	for y := 0; y < g.Rect.Dy(); y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+W]
		cur = cur[:0]
		for x := 0; x < W; {
			if row[x] < paperWhite {
				x++
				continue
			}
			x0 := x
			for x < W && row[x] >= paperWhite {
				x++
			}
			r := run{y, x0, x, len(parent)}
			parent = append(parent, r.id)
			// Join the runs above that touch this one.
			for _, p := range prev {
				if p.x0 < r.x1 && r.x0 < p.x1 {
					a, b := find(p.id), find(r.id)
					if a != b {
						parent[b] = a
					}
				}
			}
			cur = append(cur, r)
			all = append(all, r)
		}
		prev, cur = cur, prev
	}
	type region struct {
		box   image.Rectangle
		count int
	}
	regions := map[int]*region{}
	var best *region
	for _, r := range all {
		id := find(r.id)
		rb := image.Rect(r.x0, r.y, r.x1, r.y+1)
		reg := regions[id]
		if reg == nil {
			reg = &region{box: rb}
			regions[id] = reg
		}
		reg.box = reg.box.Union(rb)
		reg.count += r.x1 - r.x0
		if best == nil || reg.count > best.count {
			best = reg
		}
	}
	if best == nil {
		return image.Rectangle{}, 0
	}
	return best.box.Add(g.Rect.Min), best.count
}

// cropGray copies r out of g, at the origin.
func cropGray(g *image.Gray, r image.Rectangle) *image.Gray {
	r = r.Intersect(g.Rect)
	out := image.NewGray(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		src := g.Pix[(y-g.Rect.Min.Y)*g.Stride+(r.Min.X-g.Rect.Min.X):]
		copy(out.Pix[(y-r.Min.Y)*out.Stride:(y-r.Min.Y)*out.Stride+r.Dx()], src[:r.Dx()])
	}
	return out
}
