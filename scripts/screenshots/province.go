package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chromedp/chromedp"

	"ballot/internal/browser"
	"ballot/internal/service"
)

// provinceShots writes a 1280 × 800 screenshot of every console page on the
// province round (979 units, 978 targets, 61,567 codes), as each role sees
// it, and, with -axe, runs axe-core on each and prints what it finds.
func provinceShots(b *browser.Browser, dir string, opt service.Options) error {
	dir = filepath.Join(dir, "province")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	p, err := browser.NewProvince(dir, browser.ProvinceRounds{Open: true, Closed: true, Draft: true}, opt)
	if err != nil {
		return err
	}
	defer p.Close()
	// every page, as its user sees it, the users one after the other
	pages := p.Pages()
	pages = append(pages, browser.ConsolePage{Name: "sheet-of-a-district-en", User: browser.DistrictUser, Path: "/console/rounds/" + p.Counted + "/ratings?unit=pleiku&lang=en"})
	slices.SortStableFunc(pages, func(a, b browser.ConsolePage) int { return strings.Compare(a.User, b.User) })
	var ctx context.Context
	cancel := func() {}
	defer func() { cancel() }()
	user := ""
	for i, pg := range pages {
		if strings.HasSuffix(pg.Name, "-json") {
			continue // the pages' scripts read these
		}
		if pg.User != user {
			cancel()
			if ctx, cancel, err = b.Desktop(1280, 800, true); err != nil {
				return err
			}
			err = chromedp.Do(ctx, chromedp.Navigate(p.URL+"/console/login"), chromedp.SendKeys("#name", pg.User),
				chromedp.SendKeys("#password", browser.Password), browser.NewPage(chromedp.Submit("#password")))
			if err != nil {
				return fmt.Errorf("sign-in of %s: %w", pg.User, err)
			}
			user = pg.User
		}
		name := fmt.Sprintf("%02d-province-%s", 30+i, pg.Name)
		if err := chromedp.Do(ctx, browser.NewPage(chromedp.Navigate(p.URL+pg.Path))); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := save(ctx, name); err != nil {
			return err
		}
		if pg.Name != "sheet-district" {
			continue
		}
		// the same sheet saved with a target not rated and no reason: the
		// refusal is shown beside its row, nothing is stored
		err := chromedp.Do(ctx, chromedp.SetValue("#l-chuse-002", "not_rated"), chromedp.SetValue("#l-chuse-003", "htxs"),
			browser.NewPage(chromedp.Submit("#decision")))
		if err == nil {
			err = save(ctx, name+"-refused")
		}
		if err != nil {
			return err
		}
	}
	// and a sheet on a phone: its table scrolls, the page does not
	cancel()
	if ctx, cancel, err = b.Tab(360, true); err != nil {
		return err
	}
	err = chromedp.Do(ctx, chromedp.Navigate(p.URL+"/console/login"), chromedp.SendKeys("#name", browser.DistrictUser),
		chromedp.SendKeys("#password", browser.Password), browser.NewPage(chromedp.Submit("#password")),
		browser.NewPage(chromedp.Navigate(p.URL+"/console/rounds/"+p.Counted+"/ratings?unit=pleiku")))
	if err != nil {
		return err
	}
	return save(ctx, fmt.Sprintf("%02d-province-sheet-360", 30+len(pages)))
}

// save writes the page's full screenshot and, with -axe, checks it.
func save(ctx context.Context, name string) error {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	path := filepath.Join(*out, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return err
	}
	fmt.Println(path)
	if *axe == "" || !strings.Contains(name, "console") && !strings.Contains(name, "province") && !strings.Contains(name, "district") {
		return nil
	}
	return runAxe(ctx, name)
}

// runAxe injects axe-core (its axe.min.js, from npm) and prints every
// violation of the page, rule by rule with the elements it names.
func runAxe(ctx context.Context, name string) error {
	src, err := os.ReadFile(*axe)
	if err != nil {
		return err
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(src)+";true")); err != nil {
		return fmt.Errorf("%s: axe: %w", name, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))`,
		chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
	if err != nil {
		return fmt.Errorf("%s: axe: %w", name, err)
	}
	var found []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal([]byte(raw), &found); err != nil {
		return err
	}
	for _, v := range found {
		fmt.Printf("  axe %s: %s (%s) %s — %v\n", name, v.ID, v.Impact, v.Help, v.Nodes)
	}
	if len(found) == 0 {
		fmt.Printf("  axe %s: no violations\n", name)
	}
	return nil
}
