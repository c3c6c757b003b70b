package ocr

// Page orientation (0/90/180/270) and small skew, found in Go on a downscaled binary copy.
//
// Why not Tesseract's OSD: gosseract v2.4.1 does not expose it, and OSD costs about as
// much CPU as a third of the page's OCR (measured 1.3 s user time on a 300-dpi page),
// for every page, to catch the rare sideways scan. Projection profiles cost a few tens
// of milliseconds:
//   - Text lines make the ink profile across them spiky (lines and gaps) and the profile
//     along them flat, so comparing the best row profile with the best column profile
//     tells horizontal text from vertical text, and the angle that makes the row profile
//     spikiest is the skew.
//   - Latin text has more ink above the x-height band (capitals, digits, b d f h k l t)
//     than below the baseline (g j p q y), so within each line the densest band sits low;
//     upside down it sits high. That tells 0 from 180.
// When either signal is weak we leave the page alone; the OCR step retries the other
// way round when the result looks like garbage (see ocr.go).
// Small skew matters here more than for Tesseract itself: words are rebuilt into lines
// from their boxes, and a 2° skew across a letter page drifts 20 points, two lines.

import (
	"image"
	"math"
	"slices"
)

// pageTurn is what the analysis found.
type pageTurn struct {
	rotate  int     // clockwise degrees to turn the page upright: 0, 90, 180, 270
	skew    float64 // degrees to turn (after rotate) to level the lines
	certain bool    // both signals were clear
}

// analyzeLayout looks at g (scanned at dpi) and says how to turn it upright and level.
func analyzeLayout(g *image.Gray, dpi float64) pageTurn {
	k := max(1, int(dpi/110))
	small := downscale(g, k)
	ink, ok := inkMask(small)
	if !ok {
		return pageTurn{certain: true} // blank, or not dark-on-light: nothing to go on
	}
	pts := inkPoints(ink, 150000)
	if len(pts) < 500 {
		return pageTurn{certain: true}
	}
	_, rowScore := bestSkew(pts, false)
	_, colScore := bestSkew(pts, true)
	out := pageTurn{certain: true}
	switch {
	case colScore > rowScore*1.2:
		out.rotate = 90
		ink = orient(ink, 6)
		pts = inkPoints(ink, 150000)
	case colScore > rowScore/1.2:
		out.certain = false
	}
	skew, _ := bestSkew(pts, false)
	// Up or down, judged at two scales: the coarse copy, and one near 200-300 dpi where
	// ascenders are several pixels tall. Both must agree, clearly, to be sure; otherwise
	// the sum decides and the OCR step checks the reading (see recognizePage).
	coarse := upDownScore(pts, skew)
	fine := coarse
	if kf := max(1, int(dpi/250)); kf < k {
		if fineInk, ok := inkMask(downscale(g, kf)); ok {
			if out.rotate == 90 {
				fineInk = orient(fineInk, 6)
			}
			fine = upDownScore(inkPoints(fineInk, 200000), skew)
		}
	}
	if coarse+fine < 0 {
		out.rotate = (out.rotate + 180) % 360 // a half turn keeps the tilt's slope
	}
	if coarse*fine <= 0 || min(math.Abs(coarse), math.Abs(fine)) < 0.1 {
		out.certain = false
	}
	if math.Abs(skew) >= 0.2 {
		out.skew = skew
	}
	return out
}

// levelAt turns g by rot (clockwise degrees) and levels it by its own measured skew;
// for trying another orientation when the first reading came out as garbage. It
// returns the turn it applied.
func levelAt(g *image.Gray, dpi float64, rot int) (*image.Gray, pageTurn) {
	g = Turn(g, 0, rot, 0)
	t := pageTurn{rotate: rot}
	ink, ok := inkMask(downscale(g, max(1, int(dpi/110))))
	if !ok {
		return g, t
	}
	if skew, _ := bestSkew(inkPoints(ink, 150000), false); math.Abs(skew) >= 0.2 {
		g, t.skew = rotateSmall(g, skew), skew
	}
	return g, t
}

// downscale averages k×k blocks.
func downscale(g *image.Gray, k int) *image.Gray {
	if k <= 1 {
		return g
	}
	W, H := g.Rect.Dx()/k, g.Rect.Dy()/k
	out := image.NewGray(image.Rect(0, 0, W, H))
	sums := make([]int, W)
	for y := 0; y < H; y++ {
		clear(sums)
		for dy := 0; dy < k; dy++ {
			row := g.Pix[(y*k+dy)*g.Stride:]
			for x := 0; x < W; x++ {
				for dx := 0; dx < k; dx++ {
					sums[x] += int(row[x*k+dx])
				}
			}
		}
		for x := 0; x < W; x++ {
			out.Pix[y*out.Stride+x] = uint8(sums[x] / (k * k))
		}
	}
	return out
}

// inkMask binarizes with Otsu's threshold: 0 = ink, 255 = paper. ok is false for images
// that are not dark-on-light text (mostly dark, or blank).
func inkMask(g *image.Gray) (*image.Gray, bool) {
	var hist [256]int
	n := 0
	for y := 0; y < g.Rect.Dy(); y++ {
		for _, v := range g.Pix[y*g.Stride : y*g.Stride+g.Rect.Dx()] {
			hist[v]++
			n++
		}
	}
	t := otsu(hist, n)
	out := image.NewGray(g.Rect)
	inkN := 0
	for y := 0; y < g.Rect.Dy(); y++ {
		for x, v := range g.Pix[y*g.Stride : y*g.Stride+g.Rect.Dx()] {
			if int(v) <= t {
				inkN++
			} else {
				out.Pix[y*out.Stride+x] = 255
			}
		}
	}
	inkN -= clearEdgeInk(out)
	frac := float64(inkN) / float64(max(n, 1))
	return out, frac > 0.002 && frac < 0.35
}

// clearEdgeInk turns to paper all ink connected to the image's edge: the desk or
// scanner lid around a photographed page, a black scan margin. Left in, its long
// straight edges outweigh the text lines in the profiles. Returns the pixels cleared.
func clearEdgeInk(m *image.Gray) int {
	W, H := m.Rect.Dx(), m.Rect.Dy()
	// A scanline fill: the stack holds one seed per run of ink next to a cleared run,
	// not one entry per pixel, so a page that is all ink (a black image, a photo of the
	// desk) costs a few kilobytes, not eight bytes a pixel.
	type seed struct{ x, y int32 }
	var stack []seed
	isInk := func(x, y int) bool { return m.Pix[y*m.Stride+x] == 0 }
	for x := 0; x < W; x++ {
		stack = append(stack, seed{int32(x), 0}, seed{int32(x), int32(H - 1)})
	}
	for y := 0; y < H; y++ {
		stack = append(stack, seed{0, int32(y)}, seed{int32(W - 1), int32(y)})
	}
	n := 0
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := int(s.x), int(s.y)
		if !isInk(x, y) {
			continue
		}
		l, r := x, x
		for l > 0 && isInk(l-1, y) {
			l--
		}
		for r < W-1 && isInk(r+1, y) {
			r++
		}
		row := m.Pix[y*m.Stride:]
		for i := l; i <= r; i++ {
			row[i] = 255
		}
		n += r - l + 1
		for _, ny := range [2]int{y - 1, y + 1} {
			if ny < 0 || ny >= H {
				continue
			}
			next := m.Pix[ny*m.Stride:]
			for i := l; i <= r; i++ {
				if next[i] == 0 && (i == l || next[i-1] != 0) {
					stack = append(stack, seed{int32(i), int32(ny)})
				}
			}
		}
	}
	return n
}

func otsu(hist [256]int, n int) int {
	var sum float64
	for i, c := range hist {
		sum += float64(i * c)
	}
	var sumB, wB float64
	best, bestT := -1.0, 127
	for t := 0; t < 256; t++ {
		wB += float64(hist[t])
		if wB == 0 {
			continue
		}
		wF := float64(n) - wB
		if wF == 0 {
			break
		}
		sumB += float64(t * hist[t])
		mB, mF := sumB/wB, (sum-sumB)/wF
		if v := wB * wF * (mB - mF) * (mB - mF); v > best {
			best, bestT = v, t
		}
	}
	return bestT
}

type inkPt struct{ x, y float64 }

// inkPoints lists ink pixels, thinned to at most limit by a regular stride.
func inkPoints(ink *image.Gray, limit int) []inkPt {
	n := 0
	for _, v := range ink.Pix {
		if v == 0 {
			n++
		}
	}
	step := max(1, (n+limit-1)/limit)
	pts := make([]inkPt, 0, n/step+1)
	i := 0
	for y := 0; y < ink.Rect.Dy(); y++ {
		for x, v := range ink.Pix[y*ink.Stride : y*ink.Stride+ink.Rect.Dx()] {
			if v == 0 {
				if i%step == 0 {
					pts = append(pts, inkPt{float64(x), float64(y)})
				}
				i++
			}
		}
	}
	return pts
}

// profile bins the points along the direction perpendicular to lines tilted by deg
// (rows), or along x for columns.
func inkProfile(pts []inkPt, deg float64, columns bool) []float64 {
	s, c := math.Sincos(deg * math.Pi / 180)
	lo, hi := math.Inf(1), math.Inf(-1)
	proj := make([]float64, len(pts))
	for i, p := range pts {
		v := p.y*c - p.x*s
		if columns {
			v = p.x*c + p.y*s
		}
		proj[i] = v
		lo, hi = min(lo, v), max(hi, v)
	}
	h := make([]float64, int(hi-lo)+2)
	for _, v := range proj {
		h[int(v-lo)]++
	}
	return h
}

// spikiness is the sum of squared bin counts over the squared total: high when the
// ink falls in narrow bands (text lines seen edge on).
func spikiness(h []float64) float64 {
	var s, t float64
	for _, v := range h {
		s += v * v
		t += v
	}
	if t == 0 {
		return 0
	}
	return s / (t * t)
}

// bestSkew searches ±5° coarsely, then around the best angle finely.
func bestSkew(pts []inkPt, columns bool) (deg, score float64) {
	search := func(from, to, step float64) {
		for a := from; a <= to+1e-9; a += step {
			if sc := spikiness(inkProfile(pts, a, columns)); sc > score {
				deg, score = a, sc
			}
		}
	}
	search(-5, 5, 0.5)
	search(deg-0.4, deg+0.4, 0.1)
	return deg, score
}

// upDownScore is positive when lines have more ink above their densest band than
// below it (upright Latin text), negative when upside down.
func upDownScore(pts []inkPt, deg float64) float64 {
	h := inkProfile(pts, deg, false)
	// Noise that survived binarization lies everywhere, between lines too: take the
	// level of the emptier rows as the floor, so line boundaries stay visible.
	sorted := append([]float64(nil), h...)
	slices.Sort(sorted)
	floor := sorted[len(sorted)*3/10]
	peak := 0.0
	for i := range h {
		h[i] = max(0, h[i]-floor)
		peak = max(peak, h[i])
	}
	// Each text line votes with its own balance, so one heavy bar or box edge cannot
	// outweigh the lines of text; lines that are one solid band (rules, bars, capitals
	// only) have no ascender/descender asymmetry and do not vote.
	var sum float64
	votes := 0
	for i := 0; i < len(h); {
		if h[i] <= peak*0.03 {
			i++
			continue
		}
		j := i
		for j < len(h) && h[j] > peak*0.03 {
			j++
		}
		line := h[i:j]
		i = j
		if len(line) < 5 {
			continue
		}
		lp := 0.0
		for _, v := range line {
			lp = max(lp, v)
		}
		top, bot := -1, -1
		for k, v := range line {
			if v >= lp*0.5 {
				if top < 0 {
					top = k
				}
				bot = k
			}
		}
		if float64(bot-top+1) > 0.75*float64(len(line)) {
			continue
		}
		var above, below float64
		for k, v := range line {
			switch {
			case k < top:
				above += v
			case k > bot:
				below += v
			}
		}
		if above+below > 0 {
			sum += (above - below) / (above + below)
			votes++
		}
	}
	if votes == 0 {
		return 0
	}
	return sum / float64(votes)
}

// rotateSmall turns g by deg degrees about its centre (bilinear, white fill), growing
// the canvas so no corner is cut off. Positive deg undoes lines that fall to the right.
func rotateSmall(g *image.Gray, deg float64) *image.Gray {
	s, c := math.Sincos(deg * math.Pi / 180)
	W, H := float64(g.Rect.Dx()), float64(g.Rect.Dy())
	nw := int(math.Ceil(W*math.Abs(c) + H*math.Abs(s)))
	nh := int(math.Ceil(W*math.Abs(s) + H*math.Abs(c)))
	out := image.NewGray(image.Rect(0, 0, nw, nh))
	// Walk each output row in 16.16 fixed point: the source position moves by (c, s)
	// per output pixel, so the inner loop has no trigonometry and no float multiply.
	const one = 1 << 16
	iw, ih := g.Rect.Dx(), g.Rect.Dy()
	cx, cy := W/2, H/2
	ncx, ncy := float64(nw)/2, float64(nh)/2
	dx, dy := int64(c*one), int64(s*one)
	for v := 0; v < nh; v++ {
		row := out.Pix[v*out.Stride : v*out.Stride+nw]
		dv := float64(v) - ncy
		x := int64(((0-ncx)*c - dv*s + cx) * one)
		y := int64(((0-ncx)*s + dv*c + cy) * one)
		for u := range row {
			x0, y0 := int(x>>16), int(y>>16)
			if x < 0 || y < 0 || x0+1 >= iw || y0+1 >= ih {
				row[u] = 255
			} else {
				fx, fy := x&(one-1), y&(one-1)
				p := g.Pix[y0*g.Stride+x0:]
				q := g.Pix[(y0+1)*g.Stride+x0:]
				top := int64(p[0])*(one-fx) + int64(p[1])*fx
				bot := int64(q[0])*(one-fx) + int64(q[1])*fx
				row[u] = uint8((top*(one-fy) + bot*fy + 1<<31) >> 32)
			}
			x += dx
			y += dy
		}
	}
	return out
}
