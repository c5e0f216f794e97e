package browser_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ballot/internal/auth"
	"ballot/internal/browser"
	"ballot/internal/demo"
)

// TestARoundFromTheConsole runs a whole round in Chromium: the admin signs
// in, creates a round, adds a form, imports units from a CSV file, finds a
// unit, plans its codes and prints their slips, opens the round (the
// private key shown once);
// a participant votes; the admin closes; the committee counts with the key;
// an authority rates and opens the report.
func TestARoundFromTheConsole(t *testing.T) {
	t.Parallel()
	needChromium(t)
	dir := t.TempDir()
	f, err := browser.NewEmpty(dir, options())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := newBrowser(t)
	// the committee's and the authority's accounts, their first password changed
	sys := auth.Principal{Name: "test"}
	const pw = "một câu mật khẩu đủ dài"
	for _, u := range []auth.NewUser{{Name: "bkp", Role: auth.Committee}, {Name: "tinh", Role: auth.Authority, Unit: "gialai"}} {
		first, err := f.Service.AddUser(sys, u)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Service.ChangePassword(auth.Principal{Name: u.Name}, first, pw); err != nil {
			t.Fatal(err)
		}
	}
	// the province-sized fixture: 979 units, 978 targets
	csv := filepath.Join(dir, "province-units.csv")
	os.WriteFile(csv, demo.ProvinceCSV, 0o600)

	ctx := tab(t, b, true)
	signIn := func(name, password string) {
		t.Helper()
		do(t, ctx, chromedp.Navigate(f.URL+"/console/login"), chromedp.SendKeys("#name", name), chromedp.SendKeys("#password", password),
			browser.NewPage(chromedp.Submit("#password")))
	}
	signOut := func() {
		t.Helper()
		do(t, ctx, browser.NewPage(chromedp.Click(`form[action="/console/logout"] button`)))
	}

	signIn("admin", f.AdminPassword)
	do(t, ctx, chromedp.SendKeys("#old", f.AdminPassword), chromedp.SendKeys("#new", pw), browser.NewPage(chromedp.Submit("#new")),
		browser.NewPage(chromedp.Navigate(f.URL+"/console")),
		browser.NewPage(chromedp.Click(`a[href^="/console/rounds/new"]`)),
		chromedp.SendKeys("#title", "Đánh giá chất lượng năm 2026"), browser.NewPage(chromedp.Submit("#title")),
		chromedp.SetValue("#template", "to-chuc-co-so-dang"), browser.NewPage(chromedp.Submit("#template")),
		chromedp.SetValue("#template", "tap-the-lanh-dao"), browser.NewPage(chromedp.Submit("#template")),
		chromedp.SetUploadFiles("#file", []string{csv}), browser.NewPage(chromedp.Submit("#file")))
	if s := text(t, ctx, "main"); !strings.Contains(s, "979 đơn vị, trong đó 978 đối tượng đánh giá") {
		t.Fatalf("after the import: %s", s)
	}
	// codes for An Khê's leadership: found by a search typed without marks,
	// previewed, made, then its slips printed
	do(t, ctx, browser.NewPage(chromedp.Click(`a[href^="/console/rounds/r1/codes"]`)),
		chromedp.SendKeys("#q", "thi xa an khe"), browser.NewPage(chromedp.Submit("#q")),
		browser.NewPage(chromedp.Click(`ul.hits a[href$="unit=ankhe"]`)),
		chromedp.SetValue("#kind", "district"), chromedp.SetValue("#count", "2"), browser.NewPage(chromedp.Submit("#count")))
	if s := text(t, ctx, "main"); !strings.Contains(s, "Tạo 1 lô, 2 mã") || !strings.Contains(s, "Đảng bộ thị xã An Khê") {
		t.Fatalf("the preview: %s", s)
	}
	do(t, ctx, browser.NewPage(chromedp.Submit(`form[action="/console/rounds/r1/plan"] button`)),
		browser.NewPage(chromedp.Click(`a[href^="/console/rounds/r1/slips?"]`)))
	slips := text(t, ctx, "body")
	codes := regexp.MustCompile(`\d{4} \d{4} \d{4} \d{4}`).FindAllString(slips, -1)
	if len(codes) != 2 {
		t.Fatalf("slips: %s", slips)
	}
	// open: the private key is shown once
	do(t, ctx, browser.NewPage(chromedp.Navigate(f.URL+"/console/rounds/r1/open")), chromedp.Click(`input[name="confirm"]`),
		browser.NewPage(chromedp.Submit(`input[name="confirm"]`)))
	key := regexp.MustCompile(`AGE-SECRET-KEY-1[0-9A-Z]+`).FindString(text(t, ctx, "main"))
	if key == "" {
		t.Fatal("no private key shown")
	}
	// a participant votes
	do(t, ctx, chromedp.Navigate(f.URL+"/"), browser.EnterCode(codes[0]), browser.FillAll, browser.Send())
	if h := text(t, ctx, "h1"); h != "Phiếu đã được ghi nhận" {
		t.Fatalf("vote: %q", h)
	}
	// the admin closes
	do(t, ctx, browser.NewPage(chromedp.Navigate(f.URL+"/console/rounds/r1/close")), chromedp.Click(`input[name="confirm"]`),
		browser.NewPage(chromedp.Submit(`input[name="confirm"]`)))
	signOut()
	// the committee counts
	signIn("bkp", pw)
	do(t, ctx, browser.NewPage(chromedp.Navigate(f.URL+"/console/rounds/r1/count")), chromedp.SendKeys("#key", key),
		chromedp.Click(`input[name="confirm"]`), browser.NewPage(chromedp.Submit("#key")))
	if s := text(t, ctx, "main"); !strings.Contains(s, "Đã kiểm phiếu") {
		t.Fatalf("after counting: %s", s)
	}
	signOut()
	// the authority rates and opens the report
	signIn("tinh", pw)
	do(t, ctx, browser.NewPage(chromedp.Navigate(f.URL+"/console/rounds/r1/ratings")),
		browser.NewPage(chromedp.Click(`a[href$="unit=gialai"]`)), chromedp.SetValue("#l-ankhe", "htt"),
		browser.NewPage(chromedp.Submit("#l-ankhe")))
	if s := text(t, ctx, "main"); !strings.Contains(s, "Đã lưu") {
		t.Fatalf("after rating: %s", s)
	}
	do(t, ctx, browser.NewPage(chromedp.Navigate(f.URL+"/console/rounds/r1/ratings")))
	if s := text(t, ctx, "main"); !strings.Contains(s, "1 đã xếp loại") {
		t.Fatalf("after rating: %s", s)
	}
	do(t, ctx, browser.NewPage(chromedp.Navigate(f.URL+"/console/rounds/r1/report?format=html&lang=vi")))
	if s := text(t, ctx, "body"); !strings.Contains(s, "Kết quả đánh giá, xếp loại chất lượng") || !strings.Contains(s, "Đảng bộ thị xã An Khê") {
		t.Fatalf("report: %s", s)
	}
}
