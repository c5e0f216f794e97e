package server_test

import (
	"bytes"
	"encoding/base64"
	"html"
	"image/png"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"ballot/internal/server"
)

var slipRE = regexp.MustCompile(`<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="QR">\s*<div><div class="round">([^<]+)</div><div class="targets">([^<]+)</div>\s*<div class="code">([0-9 ]+)</div>`)

// TestSlipsCarryAQRCodeOfTheirCode decodes each slip's QR code and finds
// the participants' address with the code printed beside it.
func TestSlipsCarryAQRCodeOfTheirCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.srv = server.New(e.svc, server.Config{Log: slog.New(slog.NewJSONHandler(e.logs, nil)), TrustedProxies: viaHTTPS, PublicURL: "https://phieu.example.vn/"})
	rid := e.draftRound()
	r := e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches?format=slips", e.admin, map[string]any{"targets": []string{"d1", "c1"}, "count": 3})
	if !strings.Contains(r.Header.Get("Content-Type"), "text/html") || strings.Contains(string(r.Body), "<script") {
		t.Fatalf("slips: %v", r.Header)
	}
	slips := slipRE.FindAllSubmatch([]byte(html.UnescapeString(string(r.Body))), -1)
	if len(slips) != 3 {
		t.Fatalf("%d slips in %s", len(slips), r.Body[:min(2000, len(r.Body))])
	}
	for _, s := range slips {
		raw, _ := base64.StdEncoding.DecodeString(string(s[1]))
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
		res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("the QR code does not decode: %v", err)
		}
		code := string(s[4])
		if want := "https://phieu.example.vn/#c=" + strings.ReplaceAll(code, " ", ""); res.GetText() != want {
			t.Fatalf("QR %q, want %q", res.GetText(), want)
		}
		if string(s[2]) != "Đánh giá chất lượng năm 2026" || string(s[3]) != "Đảng bộ huyện Một; Chi bộ thôn Một" {
			t.Fatalf("slip text: %q %q", s[2], s[3])
		}
	}
	// in draft the same slips can be printed again
	again := e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches/b1/codes?format=slips", e.admin, nil)
	if len(slipRE.FindAllSubmatch([]byte(html.UnescapeString(string(again.Body))), -1)) != 3 {
		t.Fatal("slips again")
	}
}
