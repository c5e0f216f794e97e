package server

import (
	"io"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/export"
	"ballot/internal/i18n"
	"ballot/internal/rounds"
)

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
	return s.sendExport(c, "html", "slips", func(w io.Writer) error { return export.Slips(w, m, groups, l) })
}
