package browser_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"

	"ballot/internal/browser"
	"ballot/internal/storage"
)

// setup starts the fixture and a browser (see needChromium).
func setup(t *testing.T) (*browser.Fixture, *browser.Browser) {
	t.Helper()
	needChromium(t)
	dir := t.TempDir()
	f, err := browser.NewFixture(dir, options())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f, newBrowser(t)
}

func tab(t *testing.T, b *browser.Browser, script bool) context.Context {
	t.Helper()
	ctx, cancel, err := b.Tab(360, script)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	return ctx
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// text is the rendered text of the first element matching sel, read at
// once (the page has loaded: actions wait for that).
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function (e) { return e ? e.innerText : "\u0000missing" })(document.querySelector(`+strconv.Quote(sel)+`))`))
	if err != nil || s == "\x00missing" {
		t.Fatalf("%s: %v %q", sel, err, s)
	}
	return s
}

func ballots(t *testing.T, f *browser.Fixture) int {
	t.Helper()
	var n int
	f.Service.Store().View(func(tx *storage.Tx) (err error) { n, err = tx.CountSealed("r1", storage.Grades); return err })
	return n
}

// TestCodeToReceipt walks code entry → ballot → receipt in both languages,
// with JavaScript on and off, on a phone.
func TestCodeToReceipt(t *testing.T) {
	t.Parallel()
	f, b := setup(t)
	cases := []struct {
		name   string
		script bool
		lang   string
		code   string
		want   []string
	}{
		{"vi-script", true, "vi", f.C1[0], []string{"Phiếu đã được ghi nhận", "Mã xác nhận"}},
		{"vi-noscript", false, "vi", f.C1[1], []string{"Phiếu đã được ghi nhận"}},
		{"en-script", true, "en", f.C1[2], []string{"Your ballot was recorded"}},
		{"en-noscript-two-targets", false, "en", f.Both[0], []string{"Your ballot was recorded"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := tab(t, b, c.script)
			do(t, ctx, chromedp.Navigate(f.URL+"/?lang="+c.lang), browser.EnterCode(c.code))
			if h := text(t, ctx, "h1"); !strings.Contains(h, "2026") {
				t.Fatalf("not the ballot page: %q", h)
			}
			do(t, ctx, chromedp.Click(`input[name="a|c1|comment"], textarea[name="a|c1|comment"]`), chromedp.SendKeys(`textarea[name="a|c1|comment"]`, "Nhận xét thử"))
			do(t, ctx, browser.FillAll, browser.Send())
			body := text(t, ctx, "main")
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Fatalf("receipt page lacks %q:\n%s", w, body)
				}
			}
			receipt := strings.ReplaceAll(text(t, ctx, ".receipt"), " ", "")
			if len(receipt) != 26 {
				t.Fatalf("receipt %q", receipt)
			}
			if n := ballots(t, f); n < i+1 {
				t.Fatalf("%d ballots stored", n)
			}
		})
	}
}

func TestMissingAnswerKeepsTheOthers(t *testing.T) {
	t.Parallel()
	f, b := setup(t)
	for _, script := range []bool{true, false} {
		ctx := tab(t, b, script)
		code := f.C1[5]
		if !script {
			code = f.C1[6]
		}
		do(t, ctx, chromedp.Navigate(f.URL+"/"), browser.EnterCode(code),
			chromedp.Click(`input[name="a|c1|c2"][value="kem"]`),
			chromedp.SendKeys(`textarea[name="a|c1|comment"]`, "Giữ lại nhé"),
			browser.Send())
		if e := text(t, ctx, "p.error"); !strings.Contains(e, "Còn 7 câu") {
			t.Fatalf("script %v: %q", script, e)
		}
		kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="a|c1|c2"][value="kem"]').checked && document.querySelector('textarea[name="a|c1|comment"]').value === "Giữ lại nhé"`))
		if err != nil || !kept {
			t.Fatalf("script %v: answers not kept (%v)", script, err)
		}
		do(t, ctx, browser.FillAll, browser.Send())
		if h := text(t, ctx, "h1"); h != "Phiếu đã được ghi nhận" {
			t.Fatalf("script %v: %q", script, h)
		}
	}
}

// TestAKioskStartsCleanAndShowsNoReceiptOfAUsedCode: on a shared device
// the receipt page leads to a clean code entry, and the next person who
// types the code just used learns only that it was used — with scripts
// off, and with scripts on (the tab forgets the submission at the receipt).
func TestAKioskStartsCleanAndShowsNoReceiptOfAUsedCode(t *testing.T) {
	t.Parallel()
	f, b := setup(t)
	for i, script := range []bool{false, true} {
		ctx := tab(t, b, script)
		code := f.C1[6+i]
		do(t, ctx, chromedp.Navigate(f.URL+"/?kiosk=1"), browser.EnterCode(code), browser.FillAll, browser.Send())
		text(t, ctx, ".receipt")
		do(t, ctx, browser.NewPage(chromedp.Click("a.button")))
		if v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("code").value`)); v != "" {
			t.Fatalf("the next person sees %q", v)
		}
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		if !strings.Contains(loc, "kiosk=1") {
			t.Fatalf("kiosk mode lost: %s", loc)
		}
		do(t, ctx, browser.EnterCode(code))
		if h := text(t, ctx, "h1"); h != "Mã phiếu đã được dùng" {
			t.Fatalf("script %v: the used code again shows %q", script, h)
		}
	}
}

// TestTheTabThatSentABallotSeesItsReceiptAgain: with scripts on, the tab
// keeps the last submission_id it sent, so entering that code again there
// shows its receipt; another tab (anyone else holding the code) is told it
// was used.
func TestTheTabThatSentABallotSeesItsReceiptAgain(t *testing.T) {
	t.Parallel()
	f, b := setup(t)
	ctx := tab(t, b, true)
	do(t, ctx, chromedp.Navigate(f.URL+"/"), browser.EnterCode(f.C1[5]), browser.FillAll, browser.Send())
	first := text(t, ctx, ".receipt")
	do(t, ctx, chromedp.Navigate(f.URL+"/"), browser.EnterCode(f.C1[5]))
	if again := text(t, ctx, ".receipt"); again != first {
		t.Fatalf("receipt %q, first %q", again, first)
	}
	other := tab(t, b, true)
	do(t, other, chromedp.Navigate(f.URL+"/"), browser.EnterCode(f.C1[5]))
	if h := text(t, other, "h1"); h != "Mã phiếu đã được dùng" {
		t.Fatalf("another tab: %q", h)
	}
	if strings.Contains(text(t, other, "main"), first) {
		t.Fatal("another tab sees the receipt")
	}
}

func TestCodeFromTheQRLinkIsFilledIn(t *testing.T) {
	t.Parallel()
	f, b := setup(t)
	ctx := tab(t, b, true)
	digits := strings.ReplaceAll(f.C1[8], " ", "")
	do(t, ctx, chromedp.Navigate(f.URL+"/#c="+digits), chromedp.WaitVisible("#code"))
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("code").value`))
	if err != nil || v != f.C1[8] {
		t.Fatalf("code field %q, want %q (%v)", v, f.C1[8], err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if strings.Contains(loc, digits) {
		t.Fatal("the code stays in the address bar")
	}
	// with scripts off nothing fills it: the participant types the code
	off := tab(t, b, false)
	do(t, off, chromedp.Navigate(f.URL+"/#c="+digits), chromedp.WaitVisible("#code"))
	if v, _ := chromedp.Run(off, chromedp.Evaluate[string](`document.getElementById("code").value`)); v != "" {
		t.Fatalf("scripts ran in a tab with JavaScript off: %q", v)
	}
}

// TestALostAnswerLosesNothing puts a proxy between browser and server that
// lets the first ballot post reach the server (which commits it) and then
// drops the answer. With JavaScript the page retries with the same
// submission_id and shows the receipt; without, reloading the browser's
// error page sends the same form again and shows it. Either way one
// ballot is stored.
func TestALostAnswerLosesNothing(t *testing.T) {
	t.Parallel()
	for _, script := range []bool{true, false} {
		t.Run(map[bool]string{true: "script", false: "noscript"}[script], func(t *testing.T) {
			f, b := setup(t)
			backend, _ := url.Parse(f.URL)
			var drop atomic.Bool
			drop.Store(true)
			var dropped atomic.Int32
			proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				out := r.Clone(r.Context())
				out.URL.Scheme, out.URL.Host, out.RequestURI = backend.Scheme, backend.Host, ""
				res, err := http.DefaultTransport.RoundTrip(out)
				if err != nil {
					http.Error(w, err.Error(), 502)
					return
				}
				defer res.Body.Close()
				if r.Method == "POST" && r.URL.Path == "/ballot" && drop.CompareAndSwap(true, false) {
					io.Copy(io.Discard, res.Body) // the server answered: committed
					dropped.Add(1)
					panic(http.ErrAbortHandler) // the answer never reaches the phone
				}
				for k, v := range res.Header {
					w.Header()[k] = v
				}
				w.WriteHeader(res.StatusCode)
				io.Copy(w, res.Body)
			}))
			defer proxy.Close()
			ctx := tab(t, b, script)
			code := f.C1[9]
			do(t, ctx, chromedp.Navigate(proxy.URL+"/"), browser.EnterCode(code), browser.FillAll)
			if script {
				do(t, ctx, browser.Send())
			} else {
				// the browser shows its own error page; the participant
				// reloads it, which posts the same form again
				do(t, ctx, chromedp.Click(`button[type=submit]:not([name])`))
				waitFor(t, func() bool { return dropped.Load() == 1 })
				waitFor(t, func() bool { // the error page has loaded
					ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.documentElement && document.readyState === "complete"`))
					return err == nil && ok
				})
				do(t, ctx, browser.NewPage(chromedp.Reload()))
			}
			if dropped.Load() != 1 {
				t.Fatal("the proxy dropped nothing: the test shows nothing")
			}
			if h := text(t, ctx, "h1"); h != "Phiếu đã được ghi nhận" {
				t.Fatalf("after the lost answer: %q", h)
			}
			if n := ballots(t, f); n != 1 {
				t.Fatalf("%d ballots stored, want 1", n)
			}
		})
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 200 && !cond(); i++ {
		chromedpSleep()
	}
	if !cond() {
		t.Fatal("timed out")
	}
}

// TestNarrowPhoneLargeTextAndLabels: at 320 px, and again with text at
// 200%, no page scrolls sideways; every field has a label.
func TestNarrowPhoneLargeTextAndLabels(t *testing.T) {
	t.Parallel()
	f, b := setup(t)
	ctx, cancel, err := b.Tab(320, false)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	const fits = `document.documentElement.scrollWidth <= 320`
	const labelled = `Array.from(document.querySelectorAll("input:not([type=hidden]), textarea")).every(function (i) { return i.labels && i.labels.length > 0 })`
	pages := []struct {
		name  string
		steps []chromedp.Action[chromedp.Void]
	}{
		{"entry", []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/")}},
		{"ballot", []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/"), browser.EnterCode(f.Both[1])}},
		{"ballot-diem100", []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/?lang=en"), browser.EnterCode(f.C2[1])}},
		{"receipt-check", []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/receipt")}},
	}
	for _, p := range pages {
		do(t, ctx, p.steps...)
		for _, zoom := range []string{"100%", "200%"} {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.documentElement.style.fontSize = "`+zoom+`", `+fits+`)`))
			if err != nil || !ok {
				w, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
				t.Errorf("%s at 320 px, text %s: scrolls sideways (%d px wide)", p.name, zoom, w)
			}
		}
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](labelled)); err != nil || !ok {
			t.Errorf("%s: a field without a label", p.name)
		}
	}
}
