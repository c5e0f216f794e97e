// Package browser drives Debian's headless Chromium (a phone or desktop view,
// script on or off) for the page tests and screenshots, and serves the rounds
// they look at: a small one in every state, a counted province, the demo.
package browser

import (
	"context"
	"errors"
	"os"
	"os/exec"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// ExecPath finds the browser of the page tests: $CHROMIUM, else Chromium's
// headless shell (chrome-headless-shell, which .ci/run installs: the same
// Blink at about a quarter of the CPU a page), else Chromium (ChromiumPath).
func ExecPath() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("chrome-headless-shell"); err == nil {
		return p, nil
	}
	return ChromiumPath()
}

// ChromiumPath finds Chromium itself, never its headless shell: chromium,
// chromium-browser or google-chrome on the PATH. Documents are printed
// with it, as the people who print them do.
func ChromiumPath() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found: install Debian's chromium (apt-get install chromium)")
}

// Browser is one headless Chromium with its own empty profile, or a
// session of one (Session). Its first context owns the browser process, or
// the session's browser context; tabs are opened from it.
type Browser struct {
	ctx       context.Context
	cancel    context.CancelFunc
	stopAlloc context.CancelFunc
}

// New starts the page tests' browser (ExecPath); profileDir must be a
// fresh directory.
func New(profileDir string) (*Browser, error) {
	path, err := ExecPath()
	if err != nil {
		return nil, err
	}
	return start(path, profileDir)
}

// NewChromium starts Chromium itself (ChromiumPath), to print documents
// with; profileDir must be a fresh directory.
func NewChromium(profileDir string) (*Browser, error) {
	path, err := ChromiumPath()
	if err != nil {
		return nil, err
	}
	return start(path, profileDir)
}

func start(path, profileDir string) (*Browser, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profileDir),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
	)
	alloc, stopAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// The first context starts the browser (now, so a missing or broken
	// Chromium fails here) and stops it when cancelled.
	ctx, cancel := chromedp.NewContext(alloc)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		cancel()
		stopAlloc()
		return nil, err
	}
	return &Browser{ctx: ctx, cancel: cancel, stopAlloc: stopAlloc}, nil
}

// Close stops the browser, or ends the session.
func (b *Browser) Close() {
	b.cancel()
	if b.stopAlloc != nil {
		b.stopAlloc()
	}
}

// Session is a browser of its own inside b's process: a new browser
// context, which shares no cookies, storage or cache with b or another
// session (as a fresh profile would), at the cost of a tab rather than of
// a browser start. Close ends it; closing b ends it too.
func (b *Browser) Session() (*Browser, error) {
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		cancel()
		return nil, err
	}
	return &Browser{ctx: ctx, cancel: cancel}, nil
}

// Tab opens a tab. A width above 0 makes it a phone that many CSS pixels
// wide (740 high) at 2× with touch; script false switches JavaScript off.
func (b *Browser) Tab(width int64, script bool) (context.Context, context.CancelFunc, error) {
	var view []chromedp.Action[chromedp.Void]
	if width > 0 {
		view = append(view, chromedp.EmulateViewport(width, 740, chromedp.EmulateScale(2),
			chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	}
	return b.open(script, view...)
}

// open opens a blank tab, sets it up and switches its script off unless
// script.
func (b *Browser) open(script bool, setup ...chromedp.Action[chromedp.Void]) (context.Context, context.CancelFunc, error) {
	ctx, cancel := chromedp.NewContext(b.ctx)
	actions := append([]chromedp.Action[chromedp.Void]{chromedp.Navigate("about:blank")}, setup...)
	if !script {
		actions = append(actions, noScript)
	}
	if err := chromedp.Do(ctx, actions...); err != nil {
		cancel()
		return nil, nil, err
	}
	return ctx, cancel, nil
}

// Desktop opens a tab with a desktop window of width × height CSS pixels
// (the console's 1280 × 800); script false switches JavaScript off.
func (b *Browser) Desktop(width, height int64, script bool) (context.Context, context.CancelFunc, error) {
	return b.open(script, chromedp.EmulateViewport(width, height))
}

// noScript switches a tab's JavaScript off.
var noScript = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	return err
})
