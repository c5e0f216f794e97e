package server

import (
	"github.com/gofiber/fiber/v2"

	"ballot/internal/forms"
)

func (s *Server) addForm(c *fiber.Ctx) error {
	body, err := bodyOf(c, formBody)
	if err != nil {
		return err
	}
	f, err := forms.ParseUpload(body)
	if err != nil {
		return err
	}
	if f, err = s.svc.AddForm(principal(c), c.Params("rid"), f); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": f.ID, "hash": f.Hash, "version": f.Version})
}

func (s *Server) getForm(c *fiber.Ctx) error {
	f, err := s.svc.Form(c.Params("rid"), c.Params("fid"))
	if err != nil {
		return err
	}
	return c.JSON(f)
}
