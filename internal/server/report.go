package server

import (
	"io"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/export"
	"ballot/internal/service"
)

func (s *Server) report(c *fiber.Ctx) error {
	// copies: the file is written after the handler returns
	format := strings.Clone(c.Query("format", "json"))
	if !slices.Contains(export.ReportFormats, format) {
		return apperr.Field("format", "field.oneof", strings.Join(export.ReportFormats, " "))
	}
	table := strings.Clone(c.Query("table", "report"))
	if !slices.Contains(export.ReportTables, table) {
		return apperr.Field("table", "field.oneof", strings.Join(export.ReportTables, " "))
	}
	q := service.ReportQuery{Unit: strings.Clone(c.Query("unit")), Kind: strings.Clone(c.Query("kind")), Compare: strings.Clone(c.Query("compare"))}
	rep, r, err := s.svc.Report(principal(c), strings.Clone(c.Params("rid")), q)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if format == "json" {
		return c.JSON(rep)
	}
	l, meta := lang(c), export.MetaOf(r, rep.Name, s.svc.Now())
	if format == "csv" {
		return s.sendExport(c, format, "report-"+r.ID+"-"+rep.Unit+"-"+table, func(w io.Writer) error {
			return export.ReportCSV(w, rep, table, l, meta)
		})
	}
	return s.sendExport(c, format, "report-"+r.ID+"-"+rep.Unit, func(w io.Writer) error {
		return export.Report(w, format, rep, l, meta)
	})
}
