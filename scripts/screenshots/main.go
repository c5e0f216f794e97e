// Command screenshots writes phone-size screenshots of every participant
// page (code entry, ballots, receipt, kiosk, error pages, receipt check) in
// Vietnamese and English, and 1280 × 800 screenshots of every console page,
// on a small round and on the province round (979 units, 61,567 codes), for
// people to look at:
//
//	go run ./scripts/screenshots [-out screenshots] [-axe node_modules/axe-core/axe.min.js]
//
// With -axe, axe-core (npm install axe-core) checks every console page and
// its violations are printed. With -guide DIR it writes only the small
// screenshots the role guides show (docs/guide.md), of the demo:
//
//	go run ./scripts/screenshots -guide docs/guide
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	"github.com/chromedp/chromedp"

	"ballot/internal/auth"
	"ballot/internal/browser"
	"ballot/internal/intake"
	"ballot/internal/service"
)

var (
	out   = flag.String("out", "screenshots", "folder for the PNG files")
	axe   = flag.String("axe", "", "axe-core's axe.min.js: check every console page with it")
	guide = flag.String("guide", "", "write only the role guides' screenshots ("+guideNames+") into this folder, e.g. docs/guide")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

func run() error {
	dir, err := os.MkdirTemp("", "ballot-shots")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	opt := service.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if *guide != "" {
		b, err := browser.NewChromium(filepath.Join(dir, "profile"))
		if err != nil {
			return err
		}
		defer b.Close()
		return guideShots(b, dir, *guide, opt)
	}
	f, err := browser.NewFixture(dir, opt)
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := browser.NewChromium(filepath.Join(dir, "profile"))
	if err != nil {
		return err
	}
	defer b.Close()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}

	enter, fillAll, send := browser.EnterCode, browser.FillAll, browser.Send()
	// signedIn signs the admin in (after the password change of shot 22)
	// and opens path.
	signedIn := func(path string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/console/login"),
			chromedp.SendKeys("#name", "admin"), chromedp.SendKeys("#password", "một câu mật khẩu đủ dài"), browser.NewPage(chromedp.Submit("#password")),
			browser.NewPage(chromedp.Navigate(f.URL + path))}
	}
	type shot struct {
		name  string
		width int64
		steps []chromedp.Action[chromedp.Void]
	}
	shots := []shot{
		{"01-entry-vi", 360, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/")}},
		{"02-entry-en", 360, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/?lang=en")}},
		{"03-entry-mistyped", 360, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/"), enter("1234 5678 9012 3456")}},
		{"04-ballot-grassroots-vi", 360, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/"), enter(f.C1[0])}},
		{"05-ballot-grassroots-en-320", 320, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/?lang=en"), enter(f.C1[1])}},
		{"06-ballot-diem100", 360, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/"), enter(f.C2[0])}},
		{"07-ballot-two-targets", 360, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/"), enter(f.Both[0])}},
		{"08-ballot-missing", 360, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/"), enter(f.C1[2]),
			chromedp.Click(`input[name="a|c1|c1"][value="tot"]`), send}},
		{"09-receipt", 360, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/"), enter(f.C1[3]), fillAll, send}},
		{"10-receipt-kiosk-en", 360, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/?kiosk=1&lang=en"), enter(f.C1[4]), fillAll, send}},
		{"11-code-used", 360, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/"), enter(f.C1[3])}},
		{"12-code-unknown", 360, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/"), enter("0000 0000 0000 0000")}},
		{"13-not-open", 360, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/"), enter(f.NotOpen)}},
		{"14-closed", 360, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/?lang=en"), enter(f.Closed)}},
		{"15-receipt-check", 360, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/receipt?r=ABCDEFGHIJKLMNOPQRSTUVWXYZ")}},
		{"20-console-sign-in", 0, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/console/login")}},
		{"21-console-password", 0, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/console/login"),
			chromedp.SendKeys("#name", "admin"), chromedp.SendKeys("#password", f.AdminPassword), browser.NewPage(chromedp.Submit("#password"))}},
		{"22-console-rounds", 0, []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/console/login"),
			chromedp.SendKeys("#name", "admin"), chromedp.SendKeys("#password", f.AdminPassword), browser.NewPage(chromedp.Submit("#password")),
			chromedp.SendKeys("#old", f.AdminPassword), chromedp.SendKeys("#new", "một câu mật khẩu đủ dài"), browser.NewPage(chromedp.Submit("#new")),
			browser.NewPage(chromedp.Navigate(f.URL + "/console"))}},
		{"23-console-round", 0, signedIn("/console/rounds/r2")},
		{"24-console-round-open", 0, signedIn("/console/rounds/r1")},
		{"25-console-count", 0, signedIn("/console/rounds/r3/count")},
		{"26-console-users", 0, signedIn("/console/users")},
		{"27-console-audit", 0, signedIn("/console/audit")},
		{"29-console-documents", 0, signedIn("/console/rounds/r1/documents")},
		{"30-console-documents-phone", 360, signedIn("/console/rounds/r1/documents?lang=en")},
		{"28-console-sheet-diem100", 0, nil}, // after counting r1, below
	}
	for _, s := range shots {
		if s.steps == nil {
			// the ratings page needs a counted round and an authority
			if err := countAndAuthority(f); err != nil {
				return err
			}
			s.steps = []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.URL + "/console/login"),
				chromedp.SendKeys("#name", "tinh-uy"), chromedp.SendKeys("#password", "một câu mật khẩu đủ dài"),
				browser.NewPage(chromedp.Submit("#password")), browser.NewPage(chromedp.Navigate(f.URL + "/console/rounds/r1/ratings?unit=d1"))}
		}
		tab := func() (context.Context, context.CancelFunc, error) { return b.Tab(s.width, true) }
		if s.width == 0 {
			tab = func() (context.Context, context.CancelFunc, error) { return b.Desktop(1280, 800, true) }
		}
		ctx, cancel, err := tab()
		if err != nil {
			return err
		}
		if err := chromedp.Do(ctx, s.steps...); err != nil {
			cancel()
			return fmt.Errorf("%s: %w", s.name, err)
		}
		err = save(ctx, s.name)
		cancel()
		if err != nil {
			return err
		}
	}
	return provinceShots(b, dir, opt)
}

// countAndAuthority closes and counts round r1 and adds an authority of the
// province with a known password.
func countAndAuthority(f *browser.Fixture) error {
	sys := auth.Principal{Name: "screenshots"}
	// ballots on the diem-100 target, so that its sheet shows a mean score
	for i, code := range f.C2 {
		a := map[string]json.RawMessage{"level": json.RawMessage(`"htt"`)}
		for q, v := range map[string]int{"s1": 17, "s2": 16 + i%3, "s3": 8, "s4": 33 + i, "s5": 9} {
			a[q] = json.RawMessage(strconv.Itoa(v))
		}
		if _, err := f.Service.Submit(intake.Submission{Code: code, Ballots: []intake.BallotIn{{Target: "c2", Answers: a}}}); err != nil {
			return err
		}
	}
	if _, err := f.Service.CloseRound(sys, "r1"); err != nil {
		return err
	}
	if _, err := f.Service.Count(sys, "r1", f.PrivateKey, nil); err != nil {
		return err
	}
	pw, err := f.Service.AddUser(sys, auth.NewUser{Name: "tinh-uy", Role: auth.Authority, Unit: "p"})
	if err != nil {
		return err
	}
	return f.Service.ChangePassword(auth.Principal{Name: "tinh-uy"}, pw, "một câu mật khẩu đủ dài")
}
