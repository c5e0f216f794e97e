package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/report"
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
