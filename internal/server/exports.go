package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// sendExport answers a file of format, named name, streamed as write
// writes it.
func (s *Server) sendExport(c *fiber.Ctx, format, name string, write func(io.Writer) error) error {
	return s.stream(c, write, func() {
		switch format {
		case "csv":
			c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		case "xlsx":
			c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		case "html":
			c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
			// a printable document: its own styles, no script at all
			c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
		}
		if format == "json" {
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		}
		if format != "html" && format != "json" {
			c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.`+format+`"`)
		}
	})
}

// streamBuffer is how much of a body is written before any of it is sent:
// a failure within it is still answered as an error.
const streamBuffer = 32 << 10

// stream answers the body that write writes, as it writes it, so no file is
// held whole in memory however large it is; headers sets the headers of a
// body that has begun. write runs on a goroutine of its own and must not
// touch c (copy what it needs first). If write fails before its first
// streamBuffer bytes, the request is answered with that error as by any
// handler; if later, the connection is cut before the body's end, so the
// client sees an incomplete download, never a short file that looks whole.
// A client that goes away ends write with an error at its next write.
func (s *Server) stream(c *fiber.Ctx, write func(io.Writer) error, headers func()) error {
	route := strings.Clone(c.Route().Path)
	pr, pw := io.Pipe()
	started := make(chan error, 1)
	go func() {
		first := &firstWrite{w: pw, started: started}
		err := func() (err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("panic: %v", p)
				}
			}()
			bw := bufio.NewWriterSize(first, streamBuffer)
			if err := write(bw); err != nil {
				return err
			}
			return bw.Flush()
		}()
		if !first.begun {
			started <- err
		} else if err != nil && !errors.Is(err, io.ErrClosedPipe) {
			s.log.Error("download cut short", "route", route, "err", err)
		}
		_ = pw.CloseWithError(err)
	}()
	if err := <-started; err != nil {
		return err
	}
	headers()
	c.Response().SetBodyStream(pr, -1)
	return nil
}

// firstWrite tells started that the body has begun, before its first
// write.
type firstWrite struct {
	w       io.Writer
	started chan<- error
	begun   bool
}

func (f *firstWrite) Write(p []byte) (int, error) {
	if !f.begun {
		f.begun = true
		f.started <- nil
	}
	return f.w.Write(p)
}
