package server

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/i18n"
)

// statuses maps every error code to its HTTP status: the one place where
// that mapping lives (docs/design.md §2).
var statuses = map[apperr.Code]int{
	apperr.Invalid:            fiber.StatusBadRequest,
	apperr.AccessCodeMistyped: fiber.StatusBadRequest,
	apperr.AccessCodeUnknown:  fiber.StatusNotFound,
	apperr.AccessCodeUsed:     fiber.StatusConflict,
	apperr.RoundNotOpen:       fiber.StatusConflict,
	apperr.RoundClosed:        fiber.StatusGone,
	apperr.Conflict:           fiber.StatusConflict,
	apperr.Sealed:             fiber.StatusConflict,
	apperr.Unauthorized:       fiber.StatusUnauthorized,
	apperr.Forbidden:          fiber.StatusForbidden,
	apperr.NotFound:           fiber.StatusNotFound,
	apperr.TooMany:            fiber.StatusTooManyRequests,
	apperr.Busy:               fiber.StatusServiceUnavailable,
	apperr.Internal:           fiber.StatusInternalServerError,
}

// StatusOf returns the HTTP status of an error code.
func StatusOf(code apperr.Code) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return fiber.StatusInternalServerError
}

func statusOf(err error) int { return StatusOf(apperr.CodeOf(err)) }

// fiberErrors translates Fiber's own errors (unknown route, body too large)
// into the contract's codes.
func fromFiber(fe *fiber.Error) *apperr.Error {
	switch fe.Code {
	case fiber.StatusNotFound:
		return apperr.New(apperr.NotFound, "not_found.route")
	case fiber.StatusMethodNotAllowed:
		return apperr.New(apperr.NotFound, "not_found.route")
	case fiber.StatusRequestEntityTooLarge:
		return apperr.New(apperr.Invalid, "body.too_large", MaxBody)
	case fiber.StatusBadRequest:
		return apperr.New(apperr.Invalid, "body.bad")
	case fiber.StatusRequestTimeout:
		return apperr.New(apperr.Invalid, "body.timeout")
	}
	return apperr.New(apperr.Internal, "internal")
}

// lang is the language of a request's messages: ?lang=, else
// Accept-Language, else Vietnamese.
func lang(c *fiber.Ctx) i18n.Lang {
	if q := c.Query("lang"); q != "" {
		return i18n.Parse(q)
	}
	return i18n.FromAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage))
}

// setRetryAfter sends an error's Retry-After, in whole seconds rounded up.
func setRetryAfter(c *fiber.Ctx, e *apperr.Error) {
	if e.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(e.RetryAfter.Seconds()+0.999)))
	}
}

// handleError answers every error as {"error": {"code", "message"}}.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	var e *apperr.Error
	var fe *fiber.Error
	status := 0
	switch {
	case errors.As(err, &fe):
		e = fromFiber(fe)
		status = fe.Code
		if status == fiber.StatusMethodNotAllowed {
			status = fiber.StatusNotFound
		}
	default:
		e = apperr.Wrap(err)
		status = StatusOf(e.Code)
	}
	if e.Code == apperr.Internal {
		s.log.Error("internal error", "route", c.Route().Path, "err", err)
	}
	setRetryAfter(c, e)
	if strings.HasPrefix(c.Path(), "/console") {
		p := newConsolePage(c, "ui.title_error")
		p.Error = consoleMsg(e.Msg, p.Lang)
		return renderConsole(c, status, "message.html", p)
	}
	body := fiber.Map{"code": e.Code, "message": e.Msg.In(lang(c))}
	if e.Field != "" {
		body["field"] = e.Field
	}
	for k, v := range e.Extra {
		body[k] = v
	}
	if len(e.Rows) > 0 {
		rows := make([]fiber.Map, len(e.Rows))
		for i, r := range e.Rows {
			rows[i] = fiber.Map{"row": r.Row, "field": r.Field, "message": r.Msg.In(lang(c))}
		}
		body["errors"] = rows
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(fiber.Map{"error": body})
}
