package server

import (
	"github.com/gofiber/fiber/v2"

	"ballot/internal/rounds"
	"ballot/internal/service"
)

// turnoutView is one level of the turnout tree with its search box; Live
// says whether it changes as ballots come in (the state table lets the
// round take them), so the page refreshes.
type turnoutView struct {
	*service.TurnoutTree
	Search *unitSearch
	Live   bool
}

// turnoutPage shows a unit's turnout child by child, to drill down from
// the province to any unit (an authority within its own subtree).
func (s *Server) turnoutPage(c *fiber.Ctx) error {
	p := newConsolePage(c, "console.turnout")
	rid := c.Params("rid")
	t, err := s.svc.TurnoutTree(principal(c), rid, c.Query("unit"))
	if err != nil {
		return err
	}
	p.Round = t.Round
	v := &turnoutView{TurnoutTree: t, Live: s.lifecycle.Allows(t.Round.State, rounds.ActSubmit)}
	if v.Search, err = s.searchUnits(c, p, "/console/rounds/"+rid+"/turnout", service.FindAny); err != nil {
		return err
	}
	p.View = v
	return renderConsole(c, fiber.StatusOK, "turnout.html", p)
}

// turnoutRow is one row of turnout.json.
type turnoutRow struct {
	ID      string `json:"id"`
	Issued  int    `json:"issued"`
	Used    int    `json:"used"`
	Revoked int    `json:"revoked"`
}

// consoleTurnout answers one level of the turnout tree for the page's
// script: counts only, scoped as the page is.
func (s *Server) consoleTurnout(c *fiber.Ctx) error {
	t, err := s.svc.TurnoutTree(principal(c), c.Params("rid"), c.Query("unit"))
	if err != nil {
		return err
	}
	rows := make([]turnoutRow, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = turnoutRow{r.Unit.ID, r.Issued, r.Used, r.Revoked}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"issued": t.Total.Issued, "used": t.Total.Used, "revoked": t.Total.Revoked, "units": rows})
}
