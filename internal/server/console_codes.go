package server

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/export"
	"ballot/internal/i18n"
	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/tally"
)

// batchesPerPage bounds the batches one codes page lists.
const batchesPerPage = 50

// codesView is the codes page: the batch plan for a subtree, that
// subtree's batches (a page of them), and the CSV and single-code forms.
type codesView struct {
	Unit          rounds.Unit
	Path          []rounds.Unit
	Kinds, Groups []string
	Search        *unitSearch
	Batches       []batchRow
	// Total batches cover the subtree; From is this page's first, Next the
	// next page's (0 if none), Prev the previous page's (-1 if none).
	Total, From, Next, Prev int
	Codes                   service.Codes
	Printable               bool
	Plan                    service.PlanIn
}

// batchRow is one batch as the list shows it: its targets by name.
type batchRow struct {
	rounds.Batch
	Names []string
	More  int
}

// Unused is how many of the batch's codes can still be used.
func (b batchRow) Unused() int { return b.Count - b.Used - b.Revoked }

// codesPath is the codes page of round rid for unit, in language l.
func codesPath(rid, unit, notice string, l i18n.Lang) string {
	return unitPagePath(rid, "codes", unit, notice, l)
}

// unitPagePath is a round's page about unit ("" for its default), with a
// notice, in language l.
func unitPagePath(rid, page, unit, notice string, l i18n.Lang) string {
	path := "/console/rounds/" + rid + "/" + page + "?lang=" + string(l)
	if unit != "" {
		path += "&unit=" + unit
	}
	if notice != "" {
		path += "&notice=" + notice
	}
	return path
}

// unitOf is the unit asked for (?unit= or the form's unit), the round's
// only root by default.
func unitOf(tree *tally.Tree, id string) (*rounds.Unit, error) {
	if id == "" {
		if roots := tree.Roots(); len(roots) == 1 {
			return &roots[0], nil
		}
		return nil, apperr.Field("unit", "field.required")
	}
	if u := tree.Unit(id); u != nil {
		return u, nil
	}
	return nil, apperr.New(apperr.NotFound, "not_found.unit", id)
}

func (s *Server) codesPage(c *fiber.Ctx) error { return s.codesPageWith(c, nil, nil) }

// codesPageWith shows the codes page, with an error and the plan as it was
// filled in when one was refused.
func (s *Server) codesPageWith(c *fiber.Ctx, shown error, plan *service.PlanIn) error {
	p := newConsolePage(c, "console.codes")
	rid := c.Params("rid")
	r, err := s.svc.Round(rid)
	if err != nil {
		return err
	}
	p.Round = r
	tree, err := s.svc.Tree(rid)
	if err != nil {
		return err
	}
	unit := c.FormValue("unit", c.Query("unit"))
	u, err := unitOf(tree, unit)
	if err != nil {
		return err
	}
	v := &codesView{Unit: *u, Path: tree.Path(u.ID), Printable: s.publicURL != "", Plan: service.PlanIn{Count: 30}}
	if plan != nil {
		v.Plan = *plan
	}
	v.Kinds, v.Groups = tree.TargetChoices(u.ID)
	if v.Search, err = s.searchUnits(c, p, "/console/rounds/"+rid+"/codes", service.FindAny); err != nil {
		return err
	}
	all, err := s.svc.Batches(rid)
	if err != nil {
		return err
	}
	// in the order they were made (ids are b1, b2, …)
	slices.SortStableFunc(all, func(a, b rounds.Batch) int { return batchNumber(a.ID) - batchNumber(b.ID) })
	v.From, _ = strconv.Atoi(c.Query("from"))
	v.From = max(v.From, 0)
	v.Prev, v.Next = -1, 0
	for _, b := range all {
		if !slices.ContainsFunc(b.Targets, func(t string) bool { return tree.Within(t, u.ID) }) {
			continue
		}
		v.Codes.Issued, v.Codes.Used, v.Codes.Revoked = v.Codes.Issued+b.Count, v.Codes.Used+b.Used, v.Codes.Revoked+b.Revoked
		if v.Total >= v.From && len(v.Batches) < batchesPerPage {
			row := batchRow{Batch: b}
			for i, t := range b.Targets {
				if i == 3 {
					row.More = len(b.Targets) - 3
					break
				}
				name := t
				if tu := tree.Unit(t); tu != nil {
					name = tu.Name
				}
				row.Names = append(row.Names, name)
			}
			v.Batches = append(v.Batches, row)
		}
		v.Total++
	}
	if v.From+batchesPerPage < v.Total {
		v.Next = v.From + batchesPerPage
	}
	if v.From > 0 {
		v.Prev = max(v.From-batchesPerPage, 0)
	}
	if key, ok := notices[c.Query("notice")]; ok {
		p.Notice = i18n.M(key).In(p.Lang)
	}
	p.View = v
	return renderConsole(c, p.show(shown), "codes.html", p)
}

// batchNumber is n of a batch id "bn".
func batchNumber(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "b"))
	return n
}

// planIn reads a batch plan from a form or a query.
func planIn(c *fiber.Ctx) service.PlanIn {
	get := func(k string) string { return strings.TrimSpace(c.FormValue(k, c.Query(k))) }
	count, _ := strconv.Atoi(get("count"))
	return service.PlanIn{Selection: service.Selection{Unit: get("unit"), Kind: get("kind"), Group: get("group")},
		Count: count, Together: get("together") == "yes", Label: get("label")}
}

// planView is a plan's preview: what it makes, before it is made.
type planView struct {
	*service.Plan
	Path   []rounds.Unit
	Sheets int
	// Shown are the first targets, by name; More how many others.
	Shown     []rounds.Unit
	More      int
	Printable bool
}

// planPage previews a batch plan (a GET: nothing is made).
func (s *Server) planPage(c *fiber.Ctx) error {
	in := planIn(c)
	plan, err := s.svc.PlanBatches(c.Params("rid"), in)
	if err != nil {
		return s.codesPageWith(c, err, &in)
	}
	return s.planPageWith(c, plan, nil)
}

func (s *Server) planPageWith(c *fiber.Ctx, plan *service.Plan, shown error) error {
	p := newConsolePage(c, "console.plan")
	p.Round = plan.Round
	tree, err := s.svc.Tree(plan.Round.ID)
	if err != nil {
		return err
	}
	v := &planView{Plan: plan, Path: tree.Path(plan.Unit.ID), Printable: s.publicURL != ""}
	sizes := make([]int, len(plan.Batches))
	for i, b := range plan.Batches {
		sizes[i] = b.Count
	}
	v.Sheets = export.Sheets(sizes...)
	v.Shown = plan.Targets[:min(len(plan.Targets), 12)]
	v.More = len(plan.Targets) - len(v.Shown)
	p.View = v
	return renderConsole(c, p.show(shown), "plan.html", p)
}

// consolePlan makes a previewed plan. In draft the admin is sent back to
// the codes page to print the slips unit by unit; while open the slips are
// the answer, the only time the codes are shown, so the admin must say so
// first and the slips must be printable before anything is made.
func (s *Server) consolePlan(c *fiber.Ctx) error {
	rid := c.Params("rid")
	in := planIn(c)
	plan, err := s.svc.PlanBatches(rid, in)
	if err != nil {
		return s.codesPageWith(c, err, &in)
	}
	if plan.WhileOpen {
		if err := s.slipsPrintable(); err != nil {
			return s.planPageWith(c, plan, err)
		}
		if c.FormValue("confirm") != "yes" {
			return s.planPageWith(c, plan, apperr.Field("confirm", "field.required"))
		}
	}
	_, bs, lists, err := s.svc.IssuePlan(principal(c), rid, in)
	if err != nil {
		return s.planPageWith(c, plan, err)
	}
	l := newConsolePage(c, "").Lang
	if plan.WhileOpen {
		return s.sendSlips(c, l, rid, bs, lists)
	}
	return c.Redirect(codesPath(rid, in.Unit, "made", l), fiber.StatusSeeOther)
}

// consoleSlips prints again the slips of a draft round's batches for the
// targets of a subtree, unit after unit.
func (s *Server) consoleSlips(c *fiber.Ctx) error {
	if err := s.slipsPrintable(); err != nil {
		return err
	}
	bs, lists, err := s.svc.DraftSlips(principal(c), c.Params("rid"), c.Query("unit"))
	if err != nil {
		return err
	}
	return s.sendSlips(c, newConsolePage(c, "").Lang, c.Params("rid"), bs, lists)
}

// consoleBatchCodes prints a draft batch's slips or CSV again.
func (s *Server) consoleBatchCodes(c *fiber.Ctx) error {
	format := map[string]string{"slips": "slips", "csv": "csv"}[c.Params("format")]
	if format == "" {
		return apperr.New(apperr.NotFound, "not_found.route")
	}
	return s.sendBatchCodes(c, format, newConsolePage(c, "").Lang)
}

// consoleBatchesCSV makes one batch a row of a CSV of target, count and
// label, all or nothing, and prints their slips split by unit.
func (s *Server) consoleBatchesCSV(c *fiber.Ctx) error {
	if err := s.slipsPrintable(); err != nil {
		return s.codesPageWith(c, err, nil)
	}
	data, err := upload(c, "file", MaxBody)
	if err != nil {
		return s.codesPageWith(c, err, nil)
	}
	ins, err := rounds.ParseBatchCSV(data)
	if err != nil {
		return s.codesPageWith(c, err, nil)
	}
	bs, lists, err := s.svc.IssueBatches(principal(c), c.Params("rid"), ins)
	if err != nil {
		return s.codesPageWith(c, err, nil)
	}
	return s.sendSlips(c, newConsolePage(c, "").Lang, c.Params("rid"), bs, lists)
}

// revokeView is what revoking a batch asks about.
type revokeView struct {
	Batch batchRow
	Back  string
}

// revokeConfirm asks before a batch's unused codes stop working.
func (s *Server) revokeConfirm(c *fiber.Ctx) error { return s.revokeConfirmWith(c, nil) }

func (s *Server) revokeConfirmWith(c *fiber.Ctx, shown error) error {
	p := newConsolePage(c, "console.revoke_batch")
	rid, bid := c.Params("rid"), c.Params("bid")
	r, err := s.svc.Round(rid)
	if err != nil {
		return err
	}
	p.Round = r
	all, err := s.svc.Batches(rid)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(all, func(b rounds.Batch) bool { return b.ID == bid })
	if i < 0 {
		return apperr.New(apperr.NotFound, "not_found.batch", bid)
	}
	tree, err := s.svc.Tree(rid)
	if err != nil {
		return err
	}
	row := batchRow{Batch: all[i]}
	for _, t := range row.Targets {
		if u := tree.Unit(t); u != nil {
			row.Names = append(row.Names, u.Name)
		}
	}
	p.View = &revokeView{Batch: row, Back: c.FormValue("unit", c.Query("unit"))}
	return renderConsole(c, p.show(shown), "revoke.html", p)
}

func (s *Server) consoleRevokeBatch(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		return s.revokeConfirmWith(c, apperr.Field("confirm", "field.required"))
	}
	if _, err := s.svc.RevokeBatch(principal(c), c.Params("rid"), c.Params("bid")); err != nil {
		return s.revokeConfirmWith(c, err)
	}
	return c.Redirect(codesPath(c.Params("rid"), c.FormValue("unit"), "revoked", newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}

func (s *Server) consoleRevokeCode(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		return s.codesPageWith(c, apperr.Field("confirm", "field.required"), nil)
	}
	if err := s.svc.RevokeCode(principal(c), c.Params("rid"), c.FormValue("code")); err != nil {
		return s.codesPageWith(c, err, nil)
	}
	return c.Redirect(codesPath(c.Params("rid"), c.FormValue("unit"), "revoked", newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}
