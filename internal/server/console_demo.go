package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/tally"
)

// demoCodesView is a demo database's page of the codes it keeps to try:
// for a subtree, each batch with codes still unused, a page at a time.
type demoCodesView struct {
	Unit   rounds.Unit
	Path   []rounds.Unit
	Search *unitSearch
	Rows   []demoCodesRow
	// Batches and Codes count the subtree's; From is this page's first
	// batch, Next the next page's (0 if none), Prev the previous page's
	// (-1 if none).
	Batches, Codes, From, Next, Prev int
	Printable                        bool
}

// demoCodesRow is a batch's targets by name and its unused codes.
type demoCodesRow struct {
	Names, Codes []string
}

// demoCodesPage lists the unused codes a demo database keeps (none
// anywhere else: the service answers not_found).
func (s *Server) demoCodesPage(c *fiber.Ctx) error {
	p := newConsolePage(c, "demo.codes")
	rid := c.Params("rid")
	r, err := s.svc.Round(rid)
	if err != nil {
		return err
	}
	p.Round = r
	tree, u, bs, lists, err := s.demoCodesOf(c)
	if err != nil {
		return err
	}
	v := &demoCodesView{Unit: *u, Path: tree.Path(u.ID), Batches: len(bs), Printable: s.publicURL != "", Prev: -1}
	if v.Search, err = s.searchUnits(c, p, "/console/rounds/"+rid+"/demo-codes", service.FindAny); err != nil {
		return err
	}
	v.From, _ = strconv.Atoi(c.Query("from"))
	v.From = min(max(v.From, 0), max(len(bs)-1, 0))
	for i, b := range bs {
		v.Codes += len(lists[i])
		if i < v.From || len(v.Rows) == batchesPerPage {
			continue
		}
		row := demoCodesRow{Codes: lists[i]}
		for _, t := range b.Targets {
			name := t
			if tu := tree.Unit(t); tu != nil {
				name = tu.Name
			}
			row.Names = append(row.Names, name)
		}
		v.Rows = append(v.Rows, row)
	}
	if v.From+batchesPerPage < len(bs) {
		v.Next = v.From + batchesPerPage
	}
	if v.From > 0 {
		v.Prev = max(v.From-batchesPerPage, 0)
	}
	p.View = v
	return renderConsole(c, fiber.StatusOK, "demo_codes.html", p)
}

// demoCodesSlips prints the slips of a subtree's unused demo codes, unit
// after unit.
func (s *Server) demoCodesSlips(c *fiber.Ctx) error {
	if err := s.slipsPrintable(); err != nil {
		return err
	}
	_, _, bs, lists, err := s.demoCodesOf(c)
	if err != nil {
		return err
	}
	if len(bs) == 0 {
		return apperr.New(apperr.NotFound, "slips.none")
	}
	return s.sendSlips(c, newConsolePage(c, "").Lang, c.Params("rid"), bs, lists)
}

// demoCodesOf is the round's tree, the unit asked for (?unit=, the root by
// default) and its subtree's unused demo codes.
func (s *Server) demoCodesOf(c *fiber.Ctx) (*tally.Tree, *rounds.Unit, []*rounds.Batch, [][]string, error) {
	rid := c.Params("rid")
	tree, err := s.svc.Tree(rid)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	u, err := unitOf(tree, c.Query("unit"))
	if err != nil {
		return nil, nil, nil, nil, err
	}
	bs, lists, err := s.svc.DemoCodes(rid, u.ID)
	return tree, u, bs, lists, err
}
