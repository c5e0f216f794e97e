package server

import (
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/export"
)

func (s *Server) minutes(c *fiber.Ctx) error {
	format := c.Query("format", "html")
	if format != "html" && format != "json" {
		return apperr.Field("format", "field.oneof", "html json")
	}
	scope := c.Query("scope", "subtree")
	if scope != "subtree" && scope != "unit" {
		return apperr.Field("scope", "field.oneof", "subtree unit")
	}
	// copies: the minutes are written after the handler returns
	rid, unit := strings.Clone(c.Params("rid")), strings.Clone(c.Query("unit"))
	m, err := s.svc.Minutes(principal(c), rid, unit, scope == "unit")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if format == "json" {
		return c.JSON(m)
	}
	l := lang(c)
	return s.sendExport(c, "html", "minutes-"+m.Round.ID, func(w io.Writer) error { return export.Minutes(w, m, l) })
}
