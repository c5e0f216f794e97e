package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/i18n"
	"ballot/internal/result"
	"ballot/internal/service"
)

// Signed results and parent rounds (docs/federation.md): a child's server
// signs its result with the key it was started with (--signing-key); a
// parent's admin registers the children's keys and imports their files.

// result answers the signed result of a subtree: the file, or with
// part=signature its .minisig (the same state of the round gives the same
// file, so both may be fetched apart).
func (s *Server) result(c *fiber.Ctx) error {
	part := c.Query("part", "file")
	if part != "file" && part != "signature" {
		return apperr.Field("part", "field.oneof", "file signature")
	}
	sr, err := s.svc.ExportResult(principal(c), c.Params("rid"), c.Query("unit"), s.signingKey)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Ballot-Sequence", strconv.FormatUint(sr.Sequence, 10))
	if part == "signature" {
		c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+sr.Name+`.minisig"`)
		return c.Send(sr.Signature)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+sr.Name+`"`)
	return c.Send(sr.File)
}

// listResults answers a parent round's children: keys and results.
func (s *Server) listResults(c *fiber.Ctx) error {
	list, err := s.svc.Results(c.Params("rid"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"round": c.Params("rid"), "children": list})
}

// resultUpload reads a result file and its signature from a multipart
// body (fields file and signature).
func resultUpload(c *fiber.Ctx) (data, sig []byte, err error) {
	if data, err = upload(c, "file", result.MaxSize); err != nil {
		return nil, nil, err
	}
	if sig, err = upload(c, "signature", 4096); err != nil {
		return nil, nil, err
	}
	return data, sig, nil
}

// importResult imports a child's signed result (multipart: file and
// signature).
func (s *Server) importResult(c *fiber.Ctx) error {
	data, sig, err := resultUpload(c)
	if err != nil {
		return err
	}
	im, err := s.svc.ImportResult(principal(c), c.Params("rid"), data, sig)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(im)
}

// setSigner registers a child root's public key: {"public_key": "RW…"}.
func (s *Server) setSigner(c *fiber.Ctx) error {
	var in struct {
		PublicKey string `json:"public_key" validate:"required,max=300"`
	}
	if err := decode(c, smallBody, &in); err != nil {
		return err
	}
	sg, err := s.svc.RegisterSigner(principal(c), c.Params("rid"), c.Params("unit"), in.PublicKey)
	if err != nil {
		return err
	}
	return c.JSON(sg)
}

// resultsView is what a parent round's page shows of its children.
type resultsView struct {
	Children []service.ChildResult
	Imported int
}

// consoleSetSigner registers a key from the round's page.
func (s *Server) consoleSetSigner(c *fiber.Ctx) error {
	if _, err := s.svc.RegisterSigner(principal(c), c.Params("rid"), c.FormValue("unit"), c.FormValue("public_key")); err != nil {
		return s.roundPage(c, err)
	}
	return c.Redirect(s.roundPath(c.Params("rid"), "signer", newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}

// consoleImportResult imports an uploaded result from the round's page.
func (s *Server) consoleImportResult(c *fiber.Ctx) error {
	data, sig, err := resultUpload(c)
	if err == nil {
		var im *result.Imported
		if im, err = s.svc.ImportResult(principal(c), c.Params("rid"), data, sig); err == nil {
			p := newConsolePage(c, "")
			return s.roundPageWith(c, nil, i18n.M("results.imported", im.Root, im.Sequence, im.Targets).In(p.Lang), nil)
		}
	}
	return s.roundPage(c, err)
}
