//go:build !(js && wasm)

package site

import (
	"image"
	"image/color"
	"math"
)

// Icon draws the stickylab icon (the same picture as web/icon.svg: a load
// balancer above three instances, the sticky path highlighted) as a size×size
// image, for the PNG icons that go-app's manifest and loader need.
func Icon(size int) *image.NRGBA {
	var (
		bg    = color.NRGBA{0x1d, 0x4e, 0xd8, 0xff}
		white = color.NRGBA{0xff, 0xff, 0xff, 0xff}
		light = color.NRGBA{0x93, 0xc5, 0xfd, 0xff}
		amber = color.NRGBA{0xfb, 0xbf, 0x24, 0xff}
	)
	// Shapes in the 512×512 space of icon.svg, painted in order.
	type shape struct {
		inside func(x, y float64) bool
		c      color.NRGBA
	}
	circle := func(cx, cy, r float64) func(x, y float64) bool {
		return func(x, y float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r }
	}
	segment := func(x1, y1, x2, y2, w float64) func(x, y float64) bool {
		return func(x, y float64) bool {
			dx, dy := x2-x1, y2-y1
			t := math.Max(0, math.Min(1, ((x-x1)*dx+(y-y1)*dy)/(dx*dx+dy*dy)))
			px, py := x1+t*dx-x, y1+t*dy-y
			return px*px+py*py <= w*w/4
		}
	}
	roundRect := func(x, y float64) bool {
		const r = 96
		cx := math.Max(r, math.Min(512-r, x))
		cy := math.Max(r, math.Min(512-r, y))
		return x >= 0 && x <= 512 && y >= 0 && y <= 512 && (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
	}
	shapes := []shape{
		{roundRect, bg},
		{circle(256, 140, 52), white},
		{segment(256, 192, 128, 336, 20), light},
		{segment(256, 192, 256, 336, 20), light},
		{segment(256, 192, 384, 336, 28), amber},
		{circle(128, 372, 44), light},
		{circle(256, 372, 44), light},
		{circle(384, 372, 52), amber},
	}

	const ss = 3 // supersampling per axis, for smooth edges
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	scale := 512 / float64(size)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) * scale
					y := (float64(py) + (float64(sy)+0.5)/ss) * scale
					var c color.NRGBA
					for _, s := range shapes {
						if s.inside(x, y) {
							c = s.c
						}
					}
					if c.A != 0 {
						r, g, b, a = r+float64(c.R), g+float64(c.G), b+float64(c.B), a+1
					}
				}
			}
			if a > 0 {
				img.SetNRGBA(px, py, color.NRGBA{
					uint8(r / a), uint8(g / a), uint8(b / a), uint8(a * 255 / (ss * ss)),
				})
			}
		}
	}
	return img
}
