package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/rounds"
)

func (s *Server) importUnits(c *fiber.Ctx) error {
	body, err := bodyOf(c, MaxBody)
	if err != nil {
		return err
	}
	var units []rounds.Unit
	isCSV := strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), "text/csv")
	if isCSV {
		units, err = rounds.ParseUnitsCSV(body)
	} else {
		units, err = rounds.ParseUnitsJSON(body)
	}
	if err != nil {
		return err
	}
	n, err := s.svc.ImportUnits(principal(c), c.Params("rid"), units, isCSV)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"imported": n})
}

func (s *Server) listUnits(c *fiber.Ctx) error {
	if _, err := s.svc.Round(c.Params("rid")); err != nil {
		return err
	}
	units, err := s.svc.Units(c.Params("rid"))
	if err != nil {
		return err
	}
	if units == nil {
		units = []rounds.Unit{}
	}
	return c.JSON(fiber.Map{"units": units})
}
