package server

import (
	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/rounds"
	"ballot/internal/service"
)

func (s *Server) createRound(c *fiber.Ctx) error {
	var in rounds.NewRound
	if err := decode(c, smallBody, &in); err != nil {
		return err
	}
	r, err := s.svc.CreateRound(principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (s *Server) listRounds(c *fiber.Ctx) error {
	rs, err := s.svc.Rounds()
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []rounds.Round{}
	}
	return c.JSON(fiber.Map{"rounds": rs})
}

func (s *Server) getRound(c *fiber.Ctx) error {
	r, err := s.svc.Round(c.Params("rid"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) patchRound(c *fiber.Ctx) error {
	body, err := bodyOf(c, smallBody)
	if err != nil {
		return err
	}
	p, err := rounds.ParsePatch(body)
	if err != nil {
		return err
	}
	r, err := s.svc.PatchRound(principal(c), c.Params("rid"), p)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) setKey(c *fiber.Ctx) error {
	var in struct {
		PublicKey string `json:"public_key" validate:"required"`
	}
	if err := decode(c, smallBody, &in); err != nil {
		return err
	}
	if in.PublicKey == "" {
		return apperr.Field("public_key", "field.required")
	}
	r, err := s.svc.SetKey(principal(c), c.Params("rid"), in.PublicKey)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) openRound(c *fiber.Ctx) error {
	r, priv, err := s.svc.OpenRound(principal(c), c.Params("rid"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(struct {
		*rounds.Round
		PrivateKey string `json:"private_key,omitempty"`
	}{r, priv})
}

// closeRound answers the closed round with the audit entry that anchors
// its sealed ballots (for the committee to keep).
func (s *Server) closeRound(c *fiber.Ctx) error {
	r, err := s.svc.CloseRound(principal(c), c.Params("rid"))
	if err != nil {
		return err
	}
	a, err := s.svc.ClosingAnchor(r.ID)
	if err != nil {
		return err
	}
	return c.JSON(struct {
		*rounds.Round
		Closing *service.Anchor `json:"closing"`
	}{r, a})
}
