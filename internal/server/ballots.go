package server

import (
	"github.com/gofiber/fiber/v2"

	"ballot/internal/intake"
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
	err := s.guarded(s.client(c), func(lookedUp func()) (err error) {
		r, err = s.svc.SubmitLookedUp(in, lookedUp)
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
