package server

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
)

// logLines passes each line a server logs, from whichever goroutine, to
// the test.
type logLines chan string

func (l logLines) Write(p []byte) (int, error) { l <- string(p); return len(p), nil }

// TestDownloadsStreamAndFailHonestly: a file is sent as it is written
// (chunked, no length known ahead, so never held whole); a failure before
// its first bytes is answered as an error, without the file's headers; a
// failure after them cuts the body short so that the client sees a broken
// download, not a short file that looks whole, and the operator sees why.
func TestDownloadsStreamAndFailHonestly(t *testing.T) {
	t.Parallel()
	logs := make(logLines, 16)
	s := &Server{log: slog.New(slog.NewTextHandler(logs, nil))}
	app := fiber.New(fiber.Config{ErrorHandler: s.handleError})
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB, beyond streamBuffer
	export := func(write func(io.Writer) error) fiber.Handler {
		return func(c *fiber.Ctx) error { return s.sendExport(c, "csv", "file", write) }
	}
	app.Get("/whole", export(func(w io.Writer) error { _, err := w.Write(big); return err }))
	app.Get("/sealed", export(func(io.Writer) error { return apperr.New(apperr.Sealed, "round.sealed") }))
	app.Get("/panics", export(func(w io.Writer) error {
		_, _ = w.Write([]byte("a few bytes, still in the buffer"))
		panic("a bug in an export")
	}))
	app.Get("/cut", export(func(w io.Writer) error {
		if _, err := w.Write(big); err != nil {
			return err
		}
		return errors.New("the disk went away")
	}))

	res, err := app.Test(httptest.NewRequest("GET", "/whole", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil || !bytes.Equal(body, big) {
		t.Fatalf("whole: %d of %d bytes, %v", len(body), len(big), err)
	}
	if res.ContentLength != -1 || len(res.TransferEncoding) == 0 || res.TransferEncoding[0] != "chunked" {
		t.Errorf("whole: length %d, transfer encoding %v: the file was not streamed", res.ContentLength, res.TransferEncoding)
	}
	if got := res.Header.Get("Content-Disposition"); got != `attachment; filename="file.csv"` {
		t.Errorf("whole: Content-Disposition %q", got)
	}

	for path, want := range map[string]int{"/sealed": 409, "/panics": 500} {
		res, err := app.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != want || !strings.Contains(string(body), `"error"`) {
			t.Errorf("%s: %d %s, want an error answered %d", path, res.StatusCode, body, want)
		}
		if cd := res.Header.Get("Content-Disposition"); cd != "" || strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Errorf("%s: the error is labelled as the file (%q, %q)", path, cd, res.Header.Get("Content-Type"))
		}
	}

	res, err = app.Test(httptest.NewRequest("GET", "/cut", nil), -1)
	if err == nil {
		body, err = io.ReadAll(res.Body)
		if err == nil {
			t.Fatalf("cut: %d %d bytes read as a whole file", res.StatusCode, len(body))
		}
	}
	for said := ""; !strings.Contains(said, "download cut short"); {
		select {
		case said = <-logs:
		case <-time.After(5 * time.Second):
			t.Fatal("cut: the log does not say the download was cut short")
		}
		if strings.Contains(said, "download cut short") && !strings.Contains(said, "the disk went away") {
			t.Errorf("cut: the log does not say why: %s", said)
		}
	}
}
