package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
)

func (s *Server) getAudit(c *fiber.Ctx) error {
	after, err := queryUint(c, "after")
	if err != nil {
		return err
	}
	limit, err := queryUint(c, "limit")
	if err != nil {
		return err
	}
	entries, err := s.svc.Audit(after, int(min(limit, 1<<30)))
	if err != nil {
		return err
	}
	head, err := s.svc.AuditHead()
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entries": entries, "head": head})
}

func queryUint(c *fiber.Ctx, name string) (uint64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, apperr.Field(name, "field.bad")
	}
	return n, nil
}
