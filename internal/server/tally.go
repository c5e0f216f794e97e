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

func (s *Server) tally(c *fiber.Ctx) error {
	format := c.Query("format", "json")
	if !slices.Contains(export.TallyFormats, format) {
		return apperr.Field("format", "field.oneof", strings.Join(export.TallyFormats, " "))
	}
	l := lang(c)
	// The file is written inside the read transaction, from storage.
	return s.svc.WithTally(principal(c), c.Params("rid"), c.Query("unit"), func(t *service.SubtreeTally) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return sendExport(c, format, "tally-"+t.Round.ID, func(w io.Writer) error {
			meta := export.MetaOf(t.Round, t.UnitName, s.svc.Now())
			return export.Tally(w, format, t.Counted, t.Round.ID, t.Unit, l, meta)
		})
	})
}
