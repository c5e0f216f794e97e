package server

import (
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/export"
	"ballot/internal/i18n"
	"ballot/internal/rounds"
)

func (s *Server) issueBatch(c *fiber.Ctx) error {
	var in rounds.NewBatch
	if err := decode(c, smallBody, &in); err != nil {
		return err
	}
	format, err := codesFormat(c)
	if err != nil {
		return err
	}
	if format == "slips" {
		// before the codes exist: while open they are shown only once
		if err := s.slipsPrintable(); err != nil {
			return err
		}
	}
	b, list, err := s.svc.IssueBatch(principal(c), c.Params("rid"), in)
	if err != nil {
		return err
	}
	return s.sendCodes(c.Status(fiber.StatusCreated), format, lang(c), c.Params("rid"), b, list)
}

func (s *Server) batchCodes(c *fiber.Ctx) error {
	format, err := codesFormat(c)
	if err != nil {
		return err
	}
	return s.sendBatchCodes(c, format, lang(c))
}

// sendBatchCodes answers a draft batch's codes again, in format and
// language l.
func (s *Server) sendBatchCodes(c *fiber.Ctx, format string, l i18n.Lang) error {
	if format == "slips" {
		if err := s.slipsPrintable(); err != nil {
			return err
		}
	}
	b, list, err := s.svc.BatchCodes(principal(c), c.Params("rid"), c.Params("bid"))
	if err != nil {
		return err
	}
	return s.sendCodes(c, format, l, c.Params("rid"), b, list)
}

func codesFormat(c *fiber.Ctx) (string, error) {
	switch f := c.Query("format", "json"); f {
	case "json", "csv", "slips":
		return f, nil
	default:
		return "", apperr.Field("format", "field.oneof", "json csv slips")
	}
}

// sendCodes answers a batch's clear codes, never to be cached: as JSON, CSV
// or printable slips with QR codes, in language l.
func (s *Server) sendCodes(c *fiber.Ctx, format string, l i18n.Lang, rid string, b *rounds.Batch, list []string) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if format == "slips" {
		return s.sendSlips(c, l, rid, []*rounds.Batch{b}, [][]string{list})
	}
	if format == "json" {
		return c.JSON(fiber.Map{"id": b.ID, "label": b.Label, "targets": b.Targets, "codes": list})
	}
	return s.sendExport(c, "csv", b.ID+"-codes", func(out io.Writer) error {
		w := export.NewCSV(out) // a BOM, and labels that cannot become formulas
		if err := w.Texts("stt", "ma_phieu", "doi_tuong", "nhan"); err != nil {
			return err
		}
		for i, code := range list {
			if err := w.Row(export.Int(i+1), export.Text(code), export.Text(strings.Join(b.Targets, " ")), export.Text(b.Label)); err != nil {
				return err
			}
		}
		return w.Flush()
	})
}

func (s *Server) listBatches(c *fiber.Ctx) error {
	bs, err := s.svc.Batches(c.Params("rid"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"batches": bs})
}

func (s *Server) revokeBatch(c *fiber.Ctx) error {
	b, err := s.svc.RevokeBatch(principal(c), c.Params("rid"), c.Params("bid"))
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (s *Server) revokeCode(c *fiber.Ctx) error {
	var in struct {
		Code string `json:"code" validate:"required,max=64"`
	}
	if err := decode(c, smallBody, &in); err != nil {
		return err
	}
	if err := s.svc.RevokeCode(principal(c), c.Params("rid"), in.Code); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"revoked": true})
}
