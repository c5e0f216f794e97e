package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// PrintPDF loads url in a new tab and prints it to PDF as Chromium's print
// dialog does with the page's own page size (CSS @page), no header or
// footer of the browser's.
func (b *Browser) PrintPDF(url string) ([]byte, error) {
	ctx, cancel, err := b.Tab(0, false)
	if err != nil {
		return nil, err
	}
	defer cancel()
	var pdf []byte
	yes, no := true, false
	err = chromedp.Do(ctx, chromedp.Navigate(url), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes, DisplayHeaderFooter: &no, PrintBackground: &yes})
		pdf = res.Data
		return err
	}))
	return pdf, err
}

// PDFPages is the text of each page of a PDF file as poppler's pdftotext
// -layout reads it (Debian's poppler-utils).
func PDFPages(path string) ([]string, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return nil, errors.New("no pdftotext: install Debian's poppler-utils (apt-get install poppler-utils)")
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		return nil, fmt.Errorf("pdftotext %s: %w", path, err)
	}
	pages := strings.Split(string(out), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1] // pdftotext ends every page with a form feed
	}
	return pages, nil
}

// PDFPagePNG renders page n (from 1) of a PDF file as a PNG beside it and
// returns its path (poppler's pdftoppm), for looking at.
func PDFPagePNG(path string, n int) (string, error) {
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return "", errors.New("no pdftoppm: install Debian's poppler-utils (apt-get install poppler-utils)")
	}
	prefix := strings.TrimSuffix(path, filepath.Ext(path)) + fmt.Sprintf("-page%d", n)
	num := fmt.Sprint(n)
	if err := exec.Command(bin, "-png", "-r", "80", "-singlefile", "-f", num, "-l", num, path, prefix).Run(); err != nil {
		return "", fmt.Errorf("pdftoppm %s: %w", path, err)
	}
	png := prefix + ".png"
	if _, err := os.Stat(png); err != nil {
		return "", err
	}
	return png, nil
}
