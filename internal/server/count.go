package server

import (
	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
)

func (s *Server) count(c *fiber.Ctx) error {
	var in struct {
		PrivateKey string `json:"private_key" validate:"required"`
	}
	if err := decode(c, smallBody, &in); err != nil {
		return err
	}
	if in.PrivateKey == "" {
		return apperr.Field("private_key", "field.required")
	}
	r, err := s.svc.Count(principal(c), c.Params("rid"), in.PrivateKey, nil)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// verifyCount recounts a counted round with the committee's key and says
// whether it matches what was stored; it changes nothing.
func (s *Server) verifyCount(c *fiber.Ctx) error {
	var in struct {
		PrivateKey string `json:"private_key" validate:"required"`
	}
	if err := decode(c, smallBody, &in); err != nil {
		return err
	}
	rc, err := s.svc.VerifyCount(principal(c), c.Params("rid"), in.PrivateKey, nil)
	if err != nil {
		return err
	}
	return c.JSON(rc)
}

func (s *Server) receipts(c *fiber.Ctx) error {
	hashes, err := s.svc.Receipts(c.Params("rid"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"count": len(hashes), "hashes": hashes})
}
