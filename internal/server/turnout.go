package server

import (
	"github.com/gofiber/fiber/v2"
)

// turnout answers the turnout an admin or authority may see: an authority
// only its subtree's (narrowed by ?unit=).
func (s *Server) turnout(c *fiber.Ctx) error {
	t, err := s.svc.Turnout(principal(c), c.Params("rid"), c.Query("unit"))
	if err != nil {
		return err
	}
	return c.JSON(t)
}
