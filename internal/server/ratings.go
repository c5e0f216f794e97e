package server

import (
	"io"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/export"
	"ballot/internal/report"
	"ballot/internal/service"
)

func (s *Server) rate(c *fiber.Ctx) error {
	var in report.RatingIn
	if err := decode(c, smallBody, &in); err != nil {
		return err
	}
	r, err := s.svc.Rate(principal(c), c.Params("rid"), c.Params("unit"), in)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// importRatings takes a CSV (text/csv) or an XLSX file as the body.
func (s *Server) importRatings(c *fiber.Ctx) error {
	body, err := bodyOf(c, MaxBody)
	if err != nil {
		return err
	}
	ctype := strings.ToLower(c.Get(fiber.HeaderContentType))
	isXLSX := strings.Contains(ctype, "spreadsheetml") || strings.Contains(ctype, "excel") || strings.HasPrefix(string(body), "PK\x03\x04")
	rows, err := report.ParseRatings(body, isXLSX)
	if err != nil {
		return err
	}
	n, err := s.svc.ImportRatings(principal(c), c.Params("rid"), rows)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"imported": n})
}

func (s *Server) setCap(c *fiber.Ctx) error {
	var in report.CapIn
	if err := decode(c, smallBody, &in); err != nil {
		return err
	}
	cp, err := s.svc.SetCap(principal(c), c.Params("rid"), in)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"unit": cp.Unit, "group": cp.Group, "cap_percent": report.FormatHundredths(cp.Hundredths)})
}

func (s *Server) markFinal(c *fiber.Ctx) error {
	f, err := s.svc.MarkFinal(principal(c), c.Params("rid"))
	if err != nil {
		return err
	}
	return c.JSON(f)
}

func (s *Server) report(c *fiber.Ctx) error {
	format := c.Query("format", "json")
	if !slices.Contains(export.ReportFormats, format) {
		return apperr.Field("format", "field.oneof", strings.Join(export.ReportFormats, " "))
	}
	table := c.Query("table", "report")
	if !slices.Contains(export.ReportTables, table) {
		return apperr.Field("table", "field.oneof", strings.Join(export.ReportTables, " "))
	}
	q := service.ReportQuery{Unit: c.Query("unit"), Kind: c.Query("kind"), Compare: c.Query("compare")}
	rep, r, err := s.svc.Report(principal(c), c.Params("rid"), q)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if format == "json" {
		return c.JSON(rep)
	}
	meta := export.MetaOf(r, rep.Name, s.svc.Now())
	if format == "csv" {
		return sendExport(c, format, "report-"+r.ID+"-"+rep.Unit+"-"+table, func(w io.Writer) error {
			return export.ReportCSV(w, rep, table, lang(c), meta)
		})
	}
	return sendExport(c, format, "report-"+r.ID+"-"+rep.Unit, func(w io.Writer) error {
		return export.Report(w, format, rep, lang(c), meta)
	})
}

func (s *Server) minutes(c *fiber.Ctx) error {
	format := c.Query("format", "html")
	if format != "html" && format != "json" {
		return apperr.Field("format", "field.oneof", "html json")
	}
	scope := c.Query("scope", "subtree")
	if scope != "subtree" && scope != "unit" {
		return apperr.Field("scope", "field.oneof", "subtree unit")
	}
	m, err := s.svc.Minutes(principal(c), c.Params("rid"), c.Query("unit"), scope == "unit")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if format == "json" {
		return c.JSON(m)
	}
	return sendExport(c, "html", "minutes-"+m.Round.ID, func(w io.Writer) error { return export.Minutes(w, m, lang(c)) })
}
