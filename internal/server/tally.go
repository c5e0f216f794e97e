package server

import (
	"io"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/export"
)

func (s *Server) tally(c *fiber.Ctx) error {
	// copies: the file is written after the handler returns
	format, rid, unit := strings.Clone(c.Query("format", "json")), strings.Clone(c.Params("rid")), strings.Clone(c.Query("unit"))
	if !slices.Contains(export.TallyFormats, format) {
		return apperr.Field("format", "field.oneof", strings.Join(export.TallyFormats, " "))
	}
	t, err := s.svc.Tally(principal(c), rid, unit)
	if err != nil {
		return err
	}
	l, meta := lang(c), export.MetaOf(t.Round, t.UnitName, s.svc.Now())
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.sendExport(c, format, "tally-"+t.Round.ID, func(w io.Writer) error {
		return export.Tally(w, format, t.Counted, t.Round.ID, t.Unit, l, meta)
	})
}
