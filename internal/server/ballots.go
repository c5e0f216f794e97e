package server

import (
	"bufio"
	"bytes"
	"io"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"ballot/internal/apperr"
	"ballot/internal/export"
	"ballot/internal/i18n"
	"ballot/internal/intake"
	"ballot/internal/rounds"
	"ballot/internal/service"
)

// ballotBody bounds a submission: 50 targets with comments of 2,000
// characters fit well inside.
const ballotBody = 512 << 10

func (s *Server) submitBallots(c *fiber.Ctx) error {
	var in intake.Submission
	if err := decode(c, ballotBody, &in); err != nil {
		return err
	}
	var r intake.Receipt
	err := s.guarded(s.client(c), func() (err error) {
		r, err = s.svc.Submit(in)
		return err
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if r.Replayed {
		return c.JSON(r)
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

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
	var buf bytes.Buffer
	w := export.NewCSV(&buf) // a BOM, and labels that cannot become formulas
	_ = w.Texts("stt", "ma_phieu", "doi_tuong", "nhan")
	for i, code := range list {
		_ = w.Row(export.Int(i+1), export.Text(code), export.Text(strings.Join(b.Targets, " ")), export.Text(b.Label))
	}
	_ = w.Flush()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+b.ID+`-codes.csv"`)
	return c.Send(buf.Bytes())
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

// turnout answers the turnout an admin or authority may see: an authority
// only its subtree's (SPEC §4.2, narrowed by ?unit=).
func (s *Server) turnout(c *fiber.Ctx) error {
	t, err := s.svc.Turnout(principal(c), c.Params("rid"), c.Query("unit"))
	if err != nil {
		return err
	}
	return c.JSON(t)
}

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

func (s *Server) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.svc.Metrics().Registry, promhttp.HandlerOpts{}))
}

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

// sendExport answers a file of format, named name.
func sendExport(c *fiber.Ctx, format, name string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	switch format {
	case "csv":
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	case "xlsx":
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	case "html":
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		// a printable document: its own styles, no script at all
		c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	}
	if format == "json" {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	}
	if format != "html" && format != "json" {
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.`+format+`"`)
	}
	return c.Send(buf.Bytes())
}

// backupKeys answers the code-key file (take it after the database).
func (s *Server) backupKeys(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="ballot-backup.db.keys"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	var buf bytes.Buffer
	if err := s.svc.BackupKeys(principal(c), &buf); err != nil {
		return err
	}
	return c.Send(buf.Bytes())
}

// backup streams a consistent copy of the database.
func (s *Server) backup(c *fiber.Ctx) error {
	p := principal(c)
	c.Set(fiber.HeaderContentType, "application/octet-stream")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="ballot-backup.db"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if _, err := s.svc.Backup(p, w); err != nil {
			s.log.Error("backup failed", "err", err)
			return
		}
		_ = w.Flush()
	})
	return nil
}

// slipsPrintable refuses to make slips without the participants' address:
// a request's Host header is the client's to choose, and a slip is trusted
// for the address it prints.
func (s *Server) slipsPrintable() error {
	if s.publicURL == "" {
		return apperr.New(apperr.Conflict, "slips.no_public_url")
	}
	return nil
}

// sendSlips answers printable slips of batches in language l, each batch on
// its own pages under its targets' names, with the participants' address
// (--public-url) in the QR codes.
func (s *Server) sendSlips(c *fiber.Ctx, l i18n.Lang, rid string, bs []*rounds.Batch, lists [][]string) error {
	if err := s.slipsPrintable(); err != nil {
		return err
	}
	r, err := s.svc.Round(rid)
	if err != nil {
		return err
	}
	tree, err := s.svc.Tree(rid)
	if err != nil {
		return err
	}
	m := export.SlipMeta{Round: r.Title, URL: s.publicURL}
	groups := make([]export.SlipGroup, len(bs))
	for i, b := range bs {
		groups[i].Codes = lists[i]
		for _, t := range b.Targets {
			name := t
			if u := tree.Unit(t); u != nil {
				name = u.Name
			}
			groups[i].Targets = append(groups[i].Targets, name)
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return sendExport(c, "html", "slips", func(w io.Writer) error { return export.Slips(w, m, groups, l) })
}
