package server

import (
	"bytes"
	"io"

	"github.com/gofiber/fiber/v2"
)

// sendExport answers a file of format, named name.
func sendExport(c *fiber.Ctx, format, name string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
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
	return c.Send(buf.Bytes())
}
