package browser_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"ballot/internal/browser"
)

// basics is what axe-core checks first, as a script returning what fails:
// one h1 and no skipped heading level, the page's language and title,
// every form control labelled, every table with header cells, no id used
// twice, no link or button without a name, no image without alt.
const basics = `(function () {
  var out = [], last = 0, ids = {};
  var h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) out.push(h1 + " h1 elements");
  document.querySelectorAll("h1, h2, h3, h4, h5, h6").forEach(function (h) {
    var n = +h.tagName[1];
    if (last && n > last + 1) out.push("h" + n + " after h" + last + ": " + h.textContent.trim().slice(0, 40));
    last = n;
  });
  if (!document.documentElement.lang) out.push("no lang");
  if (!document.title.trim()) out.push("no title");
  document.querySelectorAll("input, select, textarea").forEach(function (el) {
    if (el.type === "hidden" || el.type === "submit" || el.type === "button") return;
    var named = el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || el.closest("label") ||
      (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]'));
    if (!named) out.push("unlabelled " + el.tagName.toLowerCase() + " " + (el.name || el.id));
  });
  document.querySelectorAll("table").forEach(function (t) {
    if (!t.querySelector("th")) out.push("a table without header cells: " + (t.id || t.className));
  });
  document.querySelectorAll("th").forEach(function (th) {
    if (!th.textContent.trim()) out.push("an empty header cell");
  });
  document.querySelectorAll("[id]").forEach(function (el) {
    if (ids[el.id]) out.push("id used twice: " + el.id);
    ids[el.id] = true;
  });
  document.querySelectorAll("a[href], button").forEach(function (el) {
    if (!el.textContent.trim() && !el.getAttribute("aria-label")) out.push("a " + el.tagName.toLowerCase() + " without a name");
  });
  document.querySelectorAll("img").forEach(function (img) {
    if (!img.hasAttribute("alt")) out.push("an image without alt");
  });
  return out;
})()`

// TestEveryConsolePageOfTheProvinceHasTheBasics runs the basics on every
// console page of the province, as its user sees it, with script on.
func TestEveryConsolePageOfTheProvinceHasTheBasics(t *testing.T) {
	t.Parallel()
	p, b := provinceBrowser(t)
	screen := func(user string) context.Context { return desktop(t, b, p, user, true) }
	onEveryPage(t, p, screen, func(pg browser.ConsolePage, ctx context.Context) {
		found, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](basics))
		if err != nil {
			t.Fatalf("%s: %v", pg.Name, err)
		}
		for _, f := range found {
			t.Errorf("%s (%s): %s", pg.Name, pg.Path, f)
		}
	})
}
