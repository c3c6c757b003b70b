package ocr

// Clean-up before recognition: specks out, low resolutions up.

import "image"

// despeckle whitens specks: 8-connected groups of ink pixels too small to be any part
// of text (at most 2 pixels at 200 dpi, 4 at 300). Fax lines and dusty scanners
// sprinkle them; Tesseract reads them as stray ".", "'" and ":" glued to words
// ("1420. N CHARLES ST. STE 300:"), which breaks values that must be exact. A full stop
// in 8-point type is still 6+ pixels at 200 dpi, so punctuation survives. In place.
func despeckle(g *image.Gray, dpi float64) {
	maxArea := max(1, int(2*(dpi/200)*(dpi/200)))
	var hist [256]int
	W, H := g.Rect.Dx(), g.Rect.Dy()
	for y := 0; y < H; y++ {
		for _, v := range g.Pix[y*g.Stride : y*g.Stride+W] {
			hist[v]++
		}
	}
	t := uint8(otsu(hist, W*H))
	if t == 255 {
		return
	}
	// state: 0 not visited, 1 in the current search, 2 part of something bigger.
	// A search that touches a 2 is big too, so no part of a letter is taken for a speck.
	state := make([]uint8, W*H)
	comp := make([]int, 0, maxArea+1)
	stack := make([]int, 0, 16)
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			i := y*W + x
			if state[i] != 0 || g.Pix[y*g.Stride+x] > t {
				continue
			}
			comp, stack = comp[:0], append(stack[:0], i)
			state[i] = 1
			big := false
			for len(stack) > 0 && !big {
				j := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				comp = append(comp, j)
				jx, jy := j%W, j/W
				for dy := -1; dy <= 1 && !big; dy++ {
					for dx := -1; dx <= 1; dx++ {
						nx, ny := jx+dx, jy+dy
						if nx < 0 || ny < 0 || nx >= W || ny >= H || g.Pix[ny*g.Stride+nx] > t {
							continue
						}
						switch n := ny*W + nx; state[n] {
						case 0:
							state[n] = 1
							stack = append(stack, n)
						case 2:
							big = true
						}
					}
				}
				if len(comp)+len(stack) > maxArea {
					big = true
				}
			}
			for _, j := range comp {
				state[j] = 2
				if !big {
					g.Pix[(j/W)*g.Stride+j%W] = 255
					state[j] = 0 // white now: no longer ink
				}
			}
			for _, j := range stack {
				state[j] = 2
			}
		}
	}
}

// upscale resizes g by f > 1 (bilinear). Faxes come at 200 dpi (or 204×196); Tesseract's
// models are trained near 300 dpi and misread more below it, so low-resolution pages
// are enlarged before recognition (the boxes are converted at the new resolution).
func upscale(g *image.Gray, f float64) *image.Gray {
	W, H := g.Rect.Dx(), g.Rect.Dy()
	nw, nh := int(float64(W)*f+0.5), int(float64(H)*f+0.5)
	out := image.NewGray(image.Rect(0, 0, nw, nh))
	const one = 1 << 16
	step := int64(one / f)
	for v := 0; v < nh; v++ {
		y := int64(v) * step
		y0 := min(int(y>>16), H-1)
		y1 := min(y0+1, H-1)
		fy := y & (one - 1)
		p, q := g.Pix[y0*g.Stride:], g.Pix[y1*g.Stride:]
		row := out.Pix[v*out.Stride : v*out.Stride+nw]
		for u := range row {
			x := int64(u) * step
			x0 := min(int(x>>16), W-1)
			x1 := min(x0+1, W-1)
			fx := x & (one - 1)
			top := int64(p[x0])*(one-fx) + int64(p[x1])*fx
			bot := int64(q[x0])*(one-fx) + int64(q[x1])*fx
			row[u] = uint8((top*(one-fy) + bot*fy + 1<<31) >> 32)
		}
	}
	return out
}
