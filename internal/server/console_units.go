package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/i18n"
	"ballot/internal/service"
)

// maxHits bounds the units a search shows.
const maxHits = 20

// unitSearch is the search box of a page where a unit is chosen: a plain
// GET form (?q=) whose results link to Path?unit=ID; with JavaScript the
// results follow as one types (units.json).
type unitSearch struct {
	Lang  i18n.Lang
	Round string
	// Path is the page the results open, with the unit as ?unit=.
	Path string
	Find service.Find
	// Q is the search made, Hits its first results and Total how many.
	Q     string
	Hits  []service.UnitHit
	Total int
	// Keep are more query parameters the results carry (name, value…).
	Keep []string
}

// searchUnits makes the search box of page path, with the results of ?q=
// if one was asked.
func (s *Server) searchUnits(c *fiber.Ctx, p *consolePage, path string, find service.Find, keep ...string) (*unitSearch, error) {
	us := &unitSearch{Lang: p.Lang, Round: c.Params("rid"), Path: path, Find: find, Q: strings.TrimSpace(c.Query("q")), Keep: keep}
	if us.Q == "" {
		return us, nil
	}
	var err error
	us.Hits, us.Total, err = s.svc.SearchUnits(principal(c), us.Round, us.Q, find, maxHits)
	return us, err
}

// consoleFindUnits answers a unit search for the page's script.
func (s *Server) consoleFindUnits(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	if len(q) > 200 {
		q = q[:200]
	}
	hits, total, err := s.svc.SearchUnits(principal(c), c.Params("rid"), q, service.ParseFind(c.Query("find")), maxHits)
	if err != nil {
		return err
	}
	type hit struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Parent string `json:"parent,omitempty"`
	}
	out := make([]hit, len(hits))
	for i, h := range hits {
		out[i] = hit{h.ID, h.Name, h.ParentName}
	}
	said := i18n.M("console.no_hits")
	if len(hits) > 0 {
		said = i18n.M("console.hits", len(hits), total)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"total": total, "units": out, "said": said.In(i18n.Parse(c.Query("lang")))})
}
