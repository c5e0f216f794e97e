package server

import (
	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/valid"
)

// decode reads the request body strictly into v, refusing bodies over limit.
func decode(c *fiber.Ctx, limit int, v any) error {
	body, err := bodyOf(c, limit)
	if err != nil {
		return err
	}
	return valid.JSON(body, v)
}

// bodyOf returns the body if it is within limit. The slice is valid only
// during the handler.
func bodyOf(c *fiber.Ctx, limit int) ([]byte, error) {
	body := c.Body()
	if len(body) > limit {
		return nil, apperr.New(apperr.Invalid, "body.too_large", limit)
	}
	return body, nil
}
