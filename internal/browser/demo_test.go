package browser_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ballot/internal/browser"
)

// TestANewcomerVotesWithADemoCode walks the demo's first step on a 320 px
// phone with JavaScript off: the admin signs in with the printed one-time
// password, every page says it is a demo, the demo codes page fits the
// phone and lists the guide's codes; one of them, typed on the code entry
// page, opens the ballot of the guide's organization and is sent.
func TestANewcomerVotesWithADemoCode(t *testing.T) {
	t.Parallel()
	needChromium(t)
	dir := t.TempDir()
	d, err := browser.NewDemo(dir, options())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	b := newBrowser(t)
	ctx, cancel, err := b.Tab(320, false)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	admin := d.Password("admin")
	do(t, ctx, chromedp.Navigate(d.URL+"/console/login"), chromedp.SendKeys("#name", "admin"), chromedp.SendKeys("#password", admin),
		browser.NewPage(chromedp.Submit("#password")),
		chromedp.SendKeys("#old", admin), chromedp.SendKeys("#new", "một câu mật khẩu đủ dài"), browser.NewPage(chromedp.Submit("#new")),
		browser.NewPage(chromedp.Navigate(d.URL+"/console/rounds/"+d.Guide.ThisYear)))
	if banner := text(t, ctx, ".demo-banner"); !strings.Contains(banner, "Không dùng cho đợt lấy phiếu thật") {
		t.Errorf("the banner: %q", banner)
	}
	do(t, ctx, browser.NewPage(chromedp.Click(`.buttons a[href*="/demo-codes"]`)))
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 320 {
		t.Errorf("the demo codes page is %d px wide on a 320 px phone (%v)", w, err)
	}
	// the guide's district, found by the unit search
	do(t, ctx, chromedp.SendKeys("#q", "pleiku"), browser.NewPage(chromedp.Submit("#q")),
		browser.NewPage(chromedp.Click(`ul.hits a[href$="unit=pleiku"]`)))
	page := text(t, ctx, "main")
	for _, c := range d.Guide.Codes {
		if !strings.Contains(page, c.Code) {
			t.Errorf("the demo codes page lacks the guide's code %s", c.Code)
		}
	}
	do(t, ctx, browser.NewPage(chromedp.Click(`main a[href^="/?"]`)), browser.EnterCode(d.Guide.Codes[0].Code))
	if h := text(t, ctx, "main"); !strings.Contains(h, "Đảng bộ phường số 1 (thành phố Pleiku)") {
		t.Fatalf("the guide's code opens: %s", h)
	}
	do(t, ctx, browser.FillAll, browser.Send())
	if h := text(t, ctx, "main"); !strings.Contains(strings.ToLower(h), "mã xác nhận") {
		t.Fatalf("after sending: %s", h)
	}
}
