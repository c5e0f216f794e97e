package service

import (
	"sort"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/report"
	"ballot/internal/rounds"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

// A parent round's views (docs/federation.md): inside a child's subtree,
// the child's own figures and report; above, sums of the children's.

// parentCounted prepares the tally views of parent round r: the parent's
// own tree with every child's units below its root, and the children's
// published figures read as views walk.
func parentCounted(tx *storage.Tx, r *rounds.Round) (*tally.Counted, error) {
	units, err := tx.Units(r.ID)
	if err != nil {
		return nil, err
	}
	imported, err := tx.Results(r.ID)
	if err != nil {
		return nil, err
	}
	for root := range imported {
		below, err := tx.ResultUnits(r.ID, root)
		if err != nil {
			return nil, err
		}
		units = append(units, below...)
	}
	c := &tally.Counted{Tree: tally.NewTree(units), MinGroup: r.MinGroupSize, Published: tx.PublishedSource(r.ID)}
	if c.Forms, err = tx.Forms(r.ID); err != nil {
		return nil, err
	}
	return c, nil
}

// placeOf finds unit in parent round rid (not_found if nowhere).
func placeOf(tx *storage.Tx, rid string, own *tally.Tree, unit string) (string, error) {
	if own.Unit(unit) != nil {
		imported, err := tx.Results(rid)
		if err != nil {
			return "", err
		}
		if _, ok := imported[unit]; ok {
			return unit, nil
		}
		return "", nil
	}
	root, err := tx.ResultRoot(rid, unit)
	if err != nil {
		return "", err
	}
	if root == "" {
		return "", apperr.New(apperr.NotFound, "not_found.unit", unit)
	}
	return root, nil
}

// childInput is the report input of the child whose result root holds:
// the parent's record of root over the child's units, its ratings and
// caps, final (a child exports only a final report).
func childInput(tx *storage.Tx, rid string, own *tally.Tree, root string) (*report.Input, error) {
	units, err := tx.ResultUnits(rid, root)
	if err != nil {
		return nil, err
	}
	if u := own.Unit(root); u != nil {
		units = append(units, *u)
	}
	in := &report.Input{Tree: tally.NewTree(units), Finals: map[string]report.Final{root: {Unit: root}}}
	if in.Ratings, in.Caps, err = tx.ResultInput(rid, root); err != nil {
		return nil, err
	}
	return in, nil
}

// parentScope is the unit of parent round rid that p may see: as scope,
// across the parent's own tree and its children's.
func parentScope(tx *storage.Tx, rid string, own *tally.Tree, p auth.Principal, unit string) (string, error) {
	if unit != "" {
		if _, err := placeOf(tx, rid, own, unit); err != nil {
			return "", err
		}
	}
	if p.Role != auth.Authority {
		return unit, nil
	}
	if unit == "" {
		return p.Unit, nil
	}
	// up from unit: through its child's tree to the root, then the own tree
	chain := []string{}
	if root, err := placeOf(tx, rid, own, unit); err != nil {
		return "", err
	} else if root != "" && root != unit {
		in, err := childInput(tx, rid, own, root)
		if err != nil {
			return "", err
		}
		for u := in.Tree.Unit(unit); u != nil && u.ID != root; u = in.Tree.Unit(u.Parent) {
			chain = append(chain, u.ID)
		}
		unit = root
	}
	for u := own.Unit(unit); u != nil; u = own.Unit(u.Parent) {
		chain = append(chain, u.ID)
	}
	for _, id := range chain {
		if id == p.Unit {
			return chain[0], nil
		}
	}
	return "", apperr.New(apperr.Forbidden, "auth.subtree", chain[0])
}

// parentReport is Report for a parent round.
func (s *Service) parentReport(tx *storage.Tx, p auth.Principal, r *rounds.Round, q ReportQuery) (*report.Report, error) {
	if err := r.Check(rounds.ActReadTally); err != nil {
		return nil, err
	}
	units, err := tx.Units(r.ID)
	if err != nil {
		return nil, err
	}
	own := tally.NewTree(units)
	unit, err := parentScope(tx, r.ID, own, p, q.Unit)
	if err != nil {
		return nil, err
	}
	if unit == "" {
		roots := own.Roots()
		if len(roots) != 1 {
			return nil, apperr.Field("unit", "field.required")
		}
		unit = roots[0].ID
	}
	root, err := placeOf(tx, r.ID, own, unit)
	if err != nil {
		return nil, err
	}
	var rep *report.Report
	var in *report.Input
	if root == "" {
		parts, err := tx.ResultParts(r.ID)
		if err != nil {
			return nil, err
		}
		rep = report.Combine(own, parts, r.ID, unit, q.Kind, r.State == rounds.Closed)
	} else {
		if in, err = childInput(tx, r.ID, own, root); err != nil {
			return nil, err
		}
		rep = report.Make(in, r.ID, unit, q.Kind)
	}
	if q.Compare != NoCompare {
		prev, c, err := earlierParent(tx, r, unit, q.Compare)
		if err != nil {
			return nil, err
		}
		if prev != nil {
			if err := compareParent(tx, rep, in, prev, unit, *c); err != nil {
				return nil, err
			}
		}
	}
	rep.Summarize(report.NamesOf(r.Documents), r.Year)
	return rep, nil
}

// earlierParent finds the parent round a report of unit in r is compared
// with: the one asked for, or the latest of an earlier year holding unit
// (a closed one first).
func earlierParent(tx *storage.Tx, r *rounds.Round, unit, asked string) (*rounds.Round, *report.Compared, error) {
	holds := func(c *rounds.Round) (bool, error) {
		units, err := tx.Units(c.ID)
		if err != nil {
			return false, err
		}
		if _, err := placeOf(tx, c.ID, tally.NewTree(units), unit); err != nil {
			if apperr.Is(err, apperr.NotFound) {
				return false, nil
			}
			return false, err
		}
		return true, nil
	}
	compared := func(c *rounds.Round, chosen bool) *report.Compared {
		return &report.Compared{Round: c.ID, Title: c.Title, Year: c.Year, Final: c.State == rounds.Closed, Chosen: chosen}
	}
	if asked != "" {
		c, err := askedEarlier(tx, r, asked)
		if err != nil {
			return nil, nil, err
		}
		if !c.Parent || c.Check(rounds.ActReadTally) != nil {
			return nil, nil, apperr.Field("compare", "result.compare_parent", c.ID)
		}
		ok, err := holds(c)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, nil, apperr.Field("compare", "report.compare_no_unit", c.ID, unit)
		}
		return c, compared(c, true), nil
	}
	all, err := tx.Rounds()
	if err != nil {
		return nil, nil, err
	}
	var before []rounds.Round
	for _, c := range all {
		if c.Parent && c.Year < r.Year && c.Check(rounds.ActReadTally) == nil {
			before = append(before, c)
		}
	}
	sort.SliceStable(before, func(i, j int) bool {
		a, b := before[i], before[j]
		if a.Year != b.Year {
			return a.Year > b.Year
		}
		return a.State == rounds.Closed && b.State != rounds.Closed
	})
	for i := range before {
		ok, err := holds(&before[i])
		if err != nil {
			return nil, nil, err
		}
		if ok {
			return &before[i], compared(&before[i], false), nil
		}
	}
	return nil, nil, nil
}

// compareParent compares rep (of unit; made from in when unit lies in a
// child's subtree) with the same unit in the earlier parent round prev.
func compareParent(tx *storage.Tx, rep *report.Report, in *report.Input, prev *rounds.Round, unit string, c report.Compared) error {
	prevUnits, err := tx.Units(prev.ID)
	if err != nil {
		return err
	}
	prevOwn := tally.NewTree(prevUnits)
	prevRoot, err := placeOf(tx, prev.ID, prevOwn, unit)
	if err != nil {
		return err
	}
	if in != nil && prevRoot != "" {
		prevIn, err := childInput(tx, prev.ID, prevOwn, prevRoot)
		if err != nil {
			return err
		}
		in.Compare(rep, prevIn, c)
		return nil
	}
	// Above the children: rows from the earlier round's parts; targets
	// added and gone child by child, one child's units at a time.
	prevParts, err := tx.ResultParts(prev.ID)
	if err != nil {
		return err
	}
	units, err := tx.Units(rep.Round)
	if err != nil {
		return err
	}
	own := tally.NewTree(units)
	roots := map[string][2]bool{} // child roots under unit: in this round, in prev
	for _, t := range []struct {
		tree *tally.Tree
		rid  string
		i    int
	}{{own, rep.Round, 0}, {prevOwn, prev.ID, 1}} {
		imported, err := tx.Results(t.rid)
		if err != nil {
			return err
		}
		for root := range imported {
			if t.tree.Within(root, unit) || (in != nil && root == unit) {
				v := roots[root]
				v[t.i] = true
				roots[root] = v
			}
		}
	}
	targets := func(rid, root, kind string, has bool) (map[string]string, error) {
		if !has {
			return map[string]string{}, nil
		}
		us, err := tx.ResultUnits(rid, root)
		if err != nil {
			return nil, err
		}
		out := map[string]string{}
		for _, u := range us {
			if u.IsTarget() && (kind == "" || u.Kind == kind) && u.ID != unit {
				out[u.ID] = u.Name
			}
		}
		return out, nil
	}
	var merr error
	rep.CompareWith(c, func(kind string) report.Row {
		return report.Combine(prevOwn, prevParts, prev.ID, unit, kind, false).Row
	}, func(kind string) (added, gone []report.UnitRef) {
		added, gone = []report.UnitRef{}, []report.UnitRef{}
		for root, has := range roots {
			now, err := targets(rep.Round, root, kind, has[0])
			if err == nil {
				var before map[string]string
				if before, err = targets(prev.ID, root, kind, has[1]); err == nil {
					a, g := report.Moved(now, before)
					added, gone = append(added, a...), append(gone, g...)
				}
			}
			if err != nil && merr == nil {
				merr = err
			}
		}
		byID := func(l []report.UnitRef) { sort.Slice(l, func(i, j int) bool { return l[i].ID < l[j].ID }) }
		byID(added)
		byID(gone)
		return added, gone
	})
	return merr
}
