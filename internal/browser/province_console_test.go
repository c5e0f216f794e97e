package browser_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ballot/internal/browser"
	"ballot/internal/report"
	"ballot/internal/rounds"
)

// provinceBrowser is the shared province and a browser of the test's own
// (a session of the package's Chromium).
func provinceBrowser(t *testing.T) (*browser.Province, *browser.Browser) {
	t.Helper()
	needChromium(t)
	p := province(t)
	return p, newBrowser(t)
}

// desktop opens a 1280 × 800 tab signed in as user, with or without script.
func desktop(t *testing.T, b *browser.Browser, p *browser.Province, user string, script bool) context.Context {
	t.Helper()
	ctx, cancel, err := b.Desktop(1280, 800, script)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	signInTab(t, ctx, p, user)
	return ctx
}

// signInTab signs user in to the province's console in a tab.
func signInTab(t *testing.T, ctx context.Context, p *browser.Province, user string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(p.URL+"/console/login"), chromedp.SendKeys("#name", user), chromedp.SendKeys("#password", browser.Password),
		browser.NewPage(chromedp.Submit("#password")))
}

// plannedRating is the rating this test gives the i-th target of a
// deciding unit (i counted over the whole province): most well, some
// excellently, a few less, one in 239 not rated.
func plannedRating(i int) (level, reason string) {
	switch j := i % 50; {
	case i%239 == 3:
		return report.NotRated, "Đang kiện toàn tổ chức"
	case j < 8:
		return "htxs", ""
	case j < 45:
		return "htt", ""
	case j < 49:
		return "htnv", ""
	}
	return "khtnv", ""
}

// TestRatingEveryGrassrootsOrganizationThroughTheConsole rates the 957
// grassroots organizations of the province, one sheet per district-level
// unit (odd districts with JavaScript off, even ones with it on), and the 21
// district-level units on the province's sheet: 22 submissions. The same
// ratings made through the API (a ratings file) on a twin round give the
// same report.
func TestRatingEveryGrassrootsOrganizationThroughTheConsole(t *testing.T) {
	t.Parallel()
	start := time.Now()
	p, b := provinceBrowser(t)
	t.Logf("province and browser ready after %v", time.Since(start))
	tabs := map[bool]context.Context{true: desktop(t, b, p, browser.ProvinceUser, true), false: desktop(t, b, p, browser.ProvinceUser, false)}
	tree, err := p.Service.Tree(p.Counted)
	if err != nil {
		t.Fatal(err)
	}
	// the sheets in the order the list shows them
	var sheets []string
	tree.Walk("gialai", func(u *rounds.Unit) {
		for _, ch := range tree.Children(u.ID) {
			if ch.IsTarget() {
				sheets = append(sheets, u.ID)
				return
			}
		}
	})
	if len(sheets) != 22 {
		t.Fatalf("%d sheets", len(sheets))
	}
	planned := map[string][2]string{}
	n, submissions := 0, 0
	for k, unit := range sheets {
		script := k%2 == 0
		ctx := tabs[script]
		levels, reasons := map[string]string{}, map[string]string{}
		for _, ch := range tree.Children(unit) {
			l, r := plannedRating(n)
			n++
			levels[ch.ID], reasons[ch.ID] = l, r
			planned[ch.ID] = [2]string{l, r}
		}
		lj, _ := json.Marshal(levels)
		rj, _ := json.Marshal(reasons)
		do(t, ctx, browser.NewPage(chromedp.Navigate(p.URL+"/console/rounds/"+p.Counted+"/ratings?unit="+unit)),
			chromedp.SetValue("#decision", "12-QĐ/TU"), chromedp.SetValue("#date", "2026-12-05"),
			browser.Discard(chromedp.Evaluate[bool](`(function (levels, reasons) {
  for (var id in levels) {
    var s = document.getElementById("l-" + id);
    s.value = levels[id];
    s.dispatchEvent(new Event("change", {bubbles: true}));
    document.getElementById("r-" + id).value = reasons[id];
  }
  return true;
})(`+string(lj)+`, `+string(rj)+`)`)))
		if script && unit != "gialai" {
			// the quota follows the levels picked before anything is saved
			got := text(t, ctx, "#quota")
			if !strings.Contains(got, quotaLine(tree, unit, levels)) || text(t, ctx, "#quota-live") == "" {
				t.Fatalf("%s: the live quota %q lacks %q", unit, got, quotaLine(tree, unit, levels))
			}
		}
		do(t, ctx, browser.NewPage(chromedp.Submit("#decision")))
		submissions++
		if s := text(t, ctx, "main"); !strings.Contains(s, "Đã lưu") {
			t.Fatalf("%s (script %v): %s", unit, script, s)
		}
	}
	if n != 978 || submissions != 22 {
		t.Fatalf("%d targets rated in %d submissions", n, submissions)
	}
	t.Logf("console ratings done after %v", time.Since(start))
	// the same ratings through the API, on the twin round: a file of them
	api := func(method, path, ctype string, body []byte) (int, []byte) {
		req, _ := http.NewRequest(method, p.URL+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+p.Tokens[browser.ProvinceUser])
		req.Header.Set("Content-Type", ctype)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(res.Body)
		return res.StatusCode, buf.Bytes()
	}
	var file bytes.Buffer
	w := csv.NewWriter(&file)
	w.Write([]string{"unit", "level", "decision", "date", "reason"})
	for id, r := range planned {
		w.Write([]string{id, r[0], "12-QĐ/TU", "05/12/2026", r[1]})
	}
	w.Flush()
	if status, body := api("POST", "/api/v1/rounds/"+p.Twin+"/ratings", "text/csv", file.Bytes()); status != 201 {
		t.Fatalf("the ratings through the API: %d %s", status, body)
	}
	t.Logf("API ratings done after %v", time.Since(start))
	for _, kind := range []string{"grassroots", "district", ""} {
		_, viaConsole := api("GET", "/api/v1/rounds/"+p.Counted+"/report?unit=gialai&kind="+kind, "", nil)
		_, viaAPI := api("GET", "/api/v1/rounds/"+p.Twin+"/report?unit=gialai&kind="+kind, "", nil)
		var a, c map[string]any
		json.Unmarshal(viaConsole, &c)
		json.Unmarshal(viaAPI, &a)
		delete(a, "round")
		delete(c, "round")
		if !reflect.DeepEqual(a, c) || c["total"] == nil {
			t.Fatalf("kind %q: the console's report differs from the API's:\n%s\n%s", kind, viaConsole, viaAPI)
		}
		if kind == "grassroots" && (c["total"] != 957.0 || c["rated"] != 953.0) {
			t.Fatalf("the grassroots report: %s", viaConsole)
		}
	}
	// and the ratings themselves, decision and date included
	mine, _ := p.Service.Ratings(p.Counted)
	twin, _ := p.Service.Ratings(p.Twin)
	for id, want := range twin {
		got := mine[id]
		if got.Level != want.Level || got.Reason != want.Reason || got.Decision != want.Decision || got.Date != want.Date || got.By != browser.ProvinceUser {
			t.Fatalf("%s: console %+v, API %+v", id, got, want)
		}
	}
	if len(mine) != 978 || len(twin) != 978 {
		t.Fatalf("%d and %d ratings", len(mine), len(twin))
	}
}

// quotaLine is how the quota table reads for unit's first group once its
// targets have levels.
func quotaLine(tree interface {
	Children(string) []rounds.Unit
}, unit string, levels map[string]string) string {
	group := ""
	exc, good := 0, 0
	for _, ch := range tree.Children(unit) {
		if group == "" {
			group = ch.Group
		}
		if ch.Group != group {
			continue
		}
		switch levels[ch.ID] {
		case "htxs":
			exc++
			good++
		case "htt":
			good++
		}
	}
	return fmt.Sprintf("\t%d\t%d\t", exc, good)
}

// TestTheProvinceConsoleWithAndWithoutJavaScript walks the admin's flows on
// an open province round, once with script and once without: drilling
// down the turnout, finding a unit, planning codes for a district's
// grassroots and printing them (shown once), revoking a batch; then the
// committee counts the closed round. Meanwhile a tab on the turnout with
// script shows the codes issued without being reloaded.
func TestTheProvinceConsoleWithAndWithoutJavaScript(t *testing.T) {
	t.Parallel()
	p, b := provinceBrowser(t)
	or := p.URL + "/console/rounds/" + p.Open
	tree, err := p.Service.Tree(p.Open)
	if err != nil {
		t.Fatal(err)
	}
	grassroots := 0
	for _, u := range tree.Children("chuse") {
		if u.Kind == "grassroots" {
			grassroots++
		}
	}
	// with script, the turnout of the open round follows by itself (every
	// 10 s): a tab opened now, in a session of its own (the committee signs
	// in below), shows the codes issued below (checked last)
	live := desktop(t, newBrowser(t), p, browser.AdminUser, true)
	do(t, live, browser.NewPage(chromedp.Navigate(or+"/turnout")))
	issued := text(t, live, "#t-issued")
	if text(t, live, "#t-live") == "" {
		t.Fatal("the live turnout does not say it updates itself")
	}
	for _, script := range []bool{false, true} {
		ctx := desktop(t, b, p, browser.AdminUser, script)
		// turnout: the province, then a district
		do(t, ctx, browser.NewPage(chromedp.Navigate(or+"/turnout")), browser.NewPage(chromedp.Click(`#turnout a[href$="unit=pleiku"]`)))
		if h := text(t, ctx, "h1"); h != "Số mã đã dùng: Đảng bộ thành phố Pleiku" {
			t.Fatalf("script %v: %q", script, h)
		}
		if rows := text(t, ctx, "#turnout tbody"); strings.Count(rows, "\n") < 46 || !strings.Contains(rows, "(chính đơn vị này)") {
			t.Fatalf("script %v: Pleiku's rows: %s", script, rows)
		}
		// find Chư Sê: typed (script) or asked (no script)
		do(t, ctx, browser.NewPage(chromedp.Navigate(or+"/codes")), chromedp.SendKeys("#q", "huyen chu se"))
		if script {
			waitFor(t, func() bool {
				ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('ul.hits a[href$="unit=chuse"]') !== null`))
				return err == nil && ok
			})
		} else {
			do(t, ctx, browser.NewPage(chromedp.Submit("#q")))
		}
		do(t, ctx, browser.NewPage(chromedp.Click(`ul.hits a[href$="unit=chuse"]`)),
			chromedp.SetValue("#kind", "grassroots"), chromedp.SetValue("#count", "2"), browser.NewPage(chromedp.Submit("#count")))
		preview := text(t, ctx, "main")
		if !strings.Contains(preview, "mã phiếu chỉ hiện một lần") || !strings.Contains(preview, fmt.Sprintf("Tạo %d lô, %d mã", grassroots, 2*grassroots)) {
			t.Fatalf("script %v: the preview: %s", script, preview)
		}
		do(t, ctx, chromedp.Click(`input[name="confirm"]`), browser.NewPage(chromedp.Submit(`input[name="confirm"]`)))
		if slips := text(t, ctx, "body"); len(codesIn(slips)) != 2*grassroots {
			t.Fatalf("script %v: %d codes on the slips", script, len(codesIn(slips)))
		}
		// revoke the newest batch, after saying yes
		batches, _ := p.Service.Batches(p.Open)
		newest := ""
		for _, bt := range batches {
			if newest == "" || batchNumber(bt.ID) > batchNumber(newest) {
				newest = bt.ID
			}
		}
		do(t, ctx, browser.NewPage(chromedp.Navigate(or+"/batches/"+newest+"/revoke?unit=chuse")), chromedp.Click(`input[name="confirm"]`),
			browser.NewPage(chromedp.Submit(`input[name="confirm"]`)))
		if s := text(t, ctx, "main"); !strings.Contains(s, "Đã thu hồi.") {
			t.Fatalf("script %v: after revoking: %s", script, s)
		}
	}
	// the committee counts, without script, after confirming
	ctx := desktop(t, b, p, browser.CommitteeUser, false)
	kr := p.URL + "/console/rounds/" + p.Closed
	do(t, ctx, browser.NewPage(chromedp.Navigate(kr+"/count")), chromedp.SendKeys("#key", p.ClosedKey), chromedp.Click(`input[name="confirm"]`),
		browser.NewPage(chromedp.Submit("#key")))
	if s := text(t, ctx, "main"); !strings.Contains(s, "Đã kiểm phiếu") || !strings.Contains(s, "Biên bản kiểm phiếu") || !strings.Contains(s, "Danh sách mã xác nhận") {
		t.Fatalf("after counting: %s", s)
	}
	do(t, ctx, browser.NewPage(chromedp.Click(`a[href*="/minutes"]`)))
	if s := text(t, ctx, "body"); !strings.Contains(s, "BIÊN BẢN KIỂM PHIẾU") {
		t.Fatalf("the committee's minutes: %.300s", s)
	}
	// by now, or within one more refresh, the live turnout shows the codes
	// issued above
	deadline := time.Now().Add(25 * time.Second)
	for text(t, live, "#t-issued") == issued && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if now := text(t, live, "#t-issued"); now == issued {
		t.Fatalf("the live turnout still says %s codes issued", now)
	}
}

// batchNumber is n of a batch id "bn".
func batchNumber(id string) int { n, _ := strconv.Atoi(strings.TrimPrefix(id, "b")); return n }

// codesIn finds the codes printed in a text.
func codesIn(s string) []string {
	var out []string
	for _, f := range strings.Split(s, "\n") {
		if f = strings.TrimSpace(f); len(f) == 19 && strings.Count(f, " ") == 3 {
			out = append(out, f)
		}
	}
	return out
}

// onEveryPage opens every console page of the province (but the JSON its
// scripts read) as its user, user after user: the tabs of a browser share
// its cookies, so each user signs in (in a new tab, from tab) only once the
// one before is done. A page must be itself, not an error page or the
// sign-in page, before check looks at it.
func onEveryPage(t *testing.T, p *browser.Province, tab func(user string) context.Context, check func(browser.ConsolePage, context.Context)) {
	t.Helper()
	pages := slices.Clone(p.Pages())
	slices.SortStableFunc(pages, func(a, b browser.ConsolePage) int { return strings.Compare(a.User, b.User) })
	var ctx context.Context
	user := ""
	for _, pg := range pages {
		if strings.HasSuffix(pg.Name, "-json") {
			continue
		}
		if pg.User != user {
			ctx, user = tab(pg.User), pg.User
		}
		do(t, ctx, browser.NewPage(chromedp.Navigate(p.URL+pg.Path)))
		at, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + " " + document.querySelector("h1").textContent`))
		if path, _, _ := strings.Cut(pg.Path, "?"); err != nil || !strings.HasPrefix(at, path+" ") || strings.Contains(at, "Có lỗi xảy ra") {
			t.Errorf("%s as %s: at %q (%v)", pg.Name, pg.User, at, err)
			continue
		}
		check(pg, ctx)
	}
}

// TestEveryConsolePageFitsA320PixelPhone: no console page of the province
// scrolls sideways on a 320 px phone; wide tables scroll within themselves.
func TestEveryConsolePageFitsA320PixelPhone(t *testing.T) {
	t.Parallel()
	p, b := provinceBrowser(t)
	phone := func(user string) context.Context {
		ctx, cancel, err := b.Tab(320, false)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(cancel)
		signInTab(t, ctx, p, user)
		return ctx
	}
	onEveryPage(t, p, phone, func(pg browser.ConsolePage, ctx context.Context) {
		if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 320 {
			t.Errorf("%s is %d px wide on a 320 px phone (%v)", pg.Name, w, err)
		}
	})
}
