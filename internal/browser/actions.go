package browser

import (
	"context"
	"errors"
	"time"

	"github.com/chromedp/chromedp"
)

// NewPage runs act — a click or a submit that loads another page — and
// waits until that page has replaced this one and finished loading. (Waiting
// for an element alone can match the old page.)
func NewPage(act chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.documentElement.dataset.old = "1", true)`)); err != nil {
			return err
		}
		if err := chromedp.Do(ctx, act); err != nil {
			return err
		}
		// An evaluation that the navigation interrupts is "not yet".
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
				`!document.documentElement.dataset.old && document.readyState === "complete" && !!document.body`))
			if err == nil && done {
				return nil
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			time.Sleep(50 * time.Millisecond)
		}
		return errors.New("the next page did not load within 15 s")
	})
}

// EnterCode types a code on the entry page and waits for what it opens.
func EnterCode(code string) chromedp.Action[chromedp.Void] {
	return NewPage(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		return chromedp.Do(ctx, chromedp.SendKeys("#code", code), chromedp.Submit("#code"))
	}))
}

// Send presses the ballot's send button and waits for the answer page.
func Send() chromedp.Action[chromedp.Void] {
	return NewPage(chromedp.Click(`button[type=submit]:not([name])`))
}

// Discard runs a valued action for its effect.
func Discard[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := a(ctx, t)
		return err
	})
}

// FillAll answers every radio group (the second option, "tot"/"htt") and
// every score (85% of its maximum), leaving comments empty.
var FillAll = Discard(chromedp.Evaluate[bool](`(function () {
  var seen = {};
  document.querySelectorAll("input[type=radio]").forEach(function (r) {
    if (seen[r.name]) return;
    seen[r.name] = 1;
    var g = document.getElementsByName(r.name);
    g[Math.min(1, g.length - 1)].checked = true;
  });
  document.querySelectorAll("input[type=number]").forEach(function (i) { i.value = Math.round(i.max * 0.85); });
  return true;
})()`))
