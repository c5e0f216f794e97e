package main

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/chromedp/chromedp"

	"ballot/internal/auth"
	"ballot/internal/browser"
	"ballot/internal/service"
)

// guideShots writes the few screenshots the role guides (docs/guide.md)
// show, of a demo database seeded as `ballot demo` seeds it, each as a
// small PNG (the viewport only, at most 256 colours, phones at 1×).
func guideShots(b *browser.Browser, dir, outDir string, opt service.Options) error {
	d, err := browser.NewDemo(dir, opt)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	g := d.Guide
	rid := g.ThisYear
	const password = "một câu mật khẩu đủ dài"
	// signIn signs a user in with its one-time password, chooses a new one
	// and opens path.
	signIn := func(name, path string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{chromedp.Navigate(d.URL + "/console/login"),
			chromedp.SendKeys("#name", name), chromedp.SendKeys("#password", d.Password(name)), browser.NewPage(chromedp.Submit("#password")),
			chromedp.SendKeys("#old", d.Password(name)), chromedp.SendKeys("#new", password), browser.NewPage(chromedp.Submit("#new")),
			browser.NewPage(chromedp.Navigate(d.URL + path))}
	}
	terminal := filepath.Join(dir, "terminal.html")
	var guide bytes.Buffer
	g.Write(&guide, "ballot-demo.db", "http://127.0.0.1:8080/console", "http://127.0.0.1:8080")
	page := `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#1e1e1e"><pre style="margin:0;padding:12px 16px;color:#e8e8e8;font:13px/1.35 'Noto Mono','DejaVu Sans Mono',monospace">` +
		"$ go run ./cmd/ballot demo\nballot listening on http://127.0.0.1:8080 (database ballot-demo.db)\n" + html.EscapeString(guide.String()) + "</pre>"
	if err := os.WriteFile(terminal, []byte(page), 0o600); err != nil {
		return err
	}
	shots := []struct {
		name          string
		phone         bool
		width, height int64
		before        func() error
		steps         []chromedp.Action[chromedp.Void]
	}{
		{"participant", true, 360, 740, nil, []chromedp.Action[chromedp.Void]{chromedp.Navigate(d.URL + "/"), browser.EnterCode(g.Codes[0].Code)}},
		{"admin", false, 1100, 760, nil, signIn("admin", "/console/rounds/"+rid)},
		{"committee", false, 1100, 700, func() error {
			_, err := d.Service.CloseRound(auth.Principal{Name: "screenshots"}, rid)
			return err
		}, signIn("bkp", "/console/rounds/"+rid+"/count")},
		{"authority", false, 1100, 640, nil, append(signIn("tinh-uy", "/console/rounds/"+g.LastYear+"/report?format=html&lang=vi"),
			// the grassroots organizations' section: the published figures
			browser.Discard(chromedp.Evaluate[bool](`(document.querySelectorAll("h2")[1].scrollIntoView(), true)`)))},
		{"operator", false, 820, 960, nil, []chromedp.Action[chromedp.Void]{chromedp.Navigate("file://" + terminal)}},
	}
	for _, s := range shots {
		if s.before != nil {
			if err := s.before(); err != nil {
				return err
			}
		}
		var ctx context.Context
		var cancel context.CancelFunc
		if s.phone {
			ctx, cancel, err = b.Tab(s.width, true)
		} else {
			ctx, cancel, err = b.Desktop(s.width, s.height, true)
		}
		if err != nil {
			return err
		}
		shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err == nil {
			err = chromedp.Do(ctx, s.steps...)
		}
		if err == nil {
			shot, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
		}
		cancel()
		if err != nil {
			return fmt.Errorf("guide %s: %w", s.name, err)
		}
		small, err := smallPNG(shot, s.phone)
		if err != nil {
			return err
		}
		path := filepath.Join(outDir, s.name+".png")
		if err := os.WriteFile(path, small, 0o644); err != nil {
			return err
		}
		fmt.Printf("%s (%d KB)\n", path, (len(small)+512)/1024)
	}
	return nil
}

// smallPNG re-encodes a screenshot small: halved when taken at 2× (a
// phone), its colours cut to the 256 most used (a page has few; the rest
// are edges of letters, each drawn with the nearest kept colour), at
// the best compression.
func smallPNG(raw []byte, halve bool) ([]byte, error) {
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	if halve {
		img = half(img)
	}
	r := img.Bounds()
	count := map[color.RGBA]int{}
	at := func(x, y int) color.RGBA { return color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) }
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			count[at(x, y)]++
		}
	}
	colors := make([]color.RGBA, 0, len(count))
	for c := range count {
		colors = append(colors, c)
	}
	sort.Slice(colors, func(i, j int) bool { return count[colors[i]] > count[colors[j]] })
	palette := make(color.Palette, 0, 256)
	for _, c := range colors[:min(256, len(colors))] {
		palette = append(palette, c)
	}
	out := image.NewPaletted(r, palette)
	nearest := map[color.RGBA]uint8{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := at(x, y)
			i, ok := nearest[c]
			if !ok {
				i = uint8(palette.Index(c))
				nearest[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	var buf bytes.Buffer
	err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, out)
	return buf.Bytes(), err
}

// half is img at half its size, each pixel the mean of four.
func half(img image.Image) image.Image {
	r := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, r.Dx()/2, r.Dy()/2))
	for y := 0; y < r.Dy()/2; y++ {
		for x := 0; x < r.Dx()/2; x++ {
			var s [4]uint32
			for _, p := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
				c := color.RGBAModel.Convert(img.At(r.Min.X+2*x+p[0], r.Min.Y+2*y+p[1])).(color.RGBA)
				s[0], s[1], s[2], s[3] = s[0]+uint32(c.R), s[1]+uint32(c.G), s[2]+uint32(c.B), s[3]+uint32(c.A)
			}
			out.SetRGBA(x, y, color.RGBA{uint8(s[0] / 4), uint8(s[1] / 4), uint8(s[2] / 4), uint8(s[3] / 4)})
		}
	}
	return out
}

// guideNames lists the guide's screenshots, for the usage line.
var guideNames = strings.Join([]string{"participant", "admin", "committee", "authority", "operator"}, ", ")
