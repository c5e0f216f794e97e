package service

import (
	"errors"
	"slices"
	"sort"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/i18n"
	"ballot/internal/report"
	"ballot/internal/rounds"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

// ratingInput loads what ratings and reports need, refusing before
// counting.
func ratingInput(tx *storage.Tx, rid string) (*rounds.Round, *report.Input, error) {
	r, err := tx.Round(rid)
	if err != nil {
		return nil, nil, err
	}
	if err := r.Check(rounds.ActRate); err != nil {
		return nil, nil, err
	}
	units, err := tx.Units(rid)
	if err != nil {
		return nil, nil, err
	}
	in := &report.Input{Tree: tally.NewTree(units)}
	if in.Ratings, err = tx.Ratings(rid); err != nil {
		return nil, nil, err
	}
	if in.Caps, err = tx.Caps(rid); err != nil {
		return nil, nil, err
	}
	if in.Finals, err = tx.Finals(rid); err != nil {
		return nil, nil, err
	}
	return r, in, nil
}

// mayRate checks that p may rate target: a target strictly below p's unit
// whose report is not final.
func mayRate(p auth.Principal, in *report.Input, target string) error {
	u := in.Tree.Unit(target)
	switch {
	case u == nil:
		return apperr.New(apperr.NotFound, "not_found.unit", target)
	case !u.IsTarget():
		return apperr.Field("unit", "rating.not_target", target)
	case target == p.Unit:
		return apperr.New(apperr.Forbidden, "rating.own_unit")
	case !in.Tree.Within(target, p.Unit):
		return apperr.New(apperr.Forbidden, "auth.subtree", target)
	}
	if by := in.LockedBy(target); by != "" {
		return apperr.New(apperr.Conflict, "rating.locked", by)
	}
	return nil
}

// ratingsAnchored adds to an audit entry's detail the digest of round
// rid's ratings, caps and final reports after the change, so `check`
// names any later edit of them in the file.
func ratingsAnchored(tx *storage.Tx, rid string, detail map[string]any) (any, error) {
	d, err := tx.RatingsDigest(rid)
	if err != nil {
		return nil, err
	}
	detail["ratings_sha256"] = d
	return detail, nil
}

// Rate records the final level of one target.
func (s *Service) Rate(p auth.Principal, rid, target string, rin report.RatingIn) (*report.Rating, error) {
	if err := rin.Check(); err != nil {
		return nil, err
	}
	var out *report.Rating
	err := s.update(p, "rating.put", func(tx *storage.Tx) (any, error) {
		_, in, err := ratingInput(tx, rid)
		if err != nil {
			return nil, err
		}
		if err := mayRate(p, in, target); err != nil {
			return nil, err
		}
		out = &report.Rating{Unit: target, Level: rin.Level, Decision: rin.Decision, Date: rin.Date, Reason: rin.Reason, By: p.Name, At: s.now().UTC()}
		if err := tx.PutRating(rid, out); err != nil {
			return nil, err
		}
		return ratingsAnchored(tx, rid, map[string]any{"round": rid, "unit": target, "level": rin.Level, "decision": rin.Decision, "date": rin.Date, "reason": rin.Reason})
	})
	return out, err
}

// ImportRatings records many ratings at once, all or nothing: one bad row
// stores nothing, and the answer lists every bad row (up to a bound).
func (s *Service) ImportRatings(p auth.Principal, rid string, rows []report.ImportRow) (int, error) {
	if len(rows) == 0 {
		return 0, apperr.New(apperr.Invalid, "rating.empty")
	}
	err := s.update(p, "rating.import", func(tx *storage.Tx) (any, error) {
		_, in, err := ratingInput(tx, rid)
		if err != nil {
			return nil, err
		}
		var bad []apperr.RowError
		seen := map[string]int{}
		note := func(row int, err error) {
			var e *apperr.Error
			if errors.As(err, &e) && len(bad) < apperr.MaxRowErrors {
				bad = append(bad, apperr.RowError{Row: row, Field: e.Field, Msg: e.Msg})
			}
		}
		for i := range rows {
			r := &rows[i]
			if err := r.In.Check(); err != nil {
				note(r.Row, err)
				continue
			}
			if err := mayRate(p, in, r.Unit); err != nil {
				note(r.Row, err)
				continue
			}
			if first, dup := seen[r.Unit]; dup {
				note(r.Row, apperr.Field("unit", "rating.duplicate", r.Unit, first))
				continue
			}
			seen[r.Unit] = r.Row
		}
		if len(bad) > 0 {
			e := apperr.New(apperr.Invalid, "rating.import_bad", i18n.M("unit.row", bad[0].Row), bad[0].Msg, len(bad))
			e.Field, e.Rows = bad[0].Field, bad
			return nil, e
		}
		now := s.now().UTC()
		for _, r := range rows {
			rt := &report.Rating{Unit: r.Unit, Level: r.In.Level, Decision: r.In.Decision, Date: r.In.Date, Reason: r.In.Reason, By: p.Name, At: now}
			if err := tx.PutRating(rid, rt); err != nil {
				return nil, err
			}
		}
		return ratingsAnchored(tx, rid, map[string]any{"round": rid, "ratings": len(rows)})
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

// SetCap sets the cap on excellent ratings of a deciding unit's peer group.
func (s *Service) SetCap(p auth.Principal, rid string, cin report.CapIn) (*report.Cap, error) {
	h, err := report.ParsePercent(cin.CapPercent)
	if err != nil {
		return nil, err
	}
	c := &report.Cap{Unit: cin.Unit, Group: cin.Group, Hundredths: h}
	err = s.update(p, "cap.put", func(tx *storage.Tx) (any, error) {
		_, in, err := ratingInput(tx, rid)
		if err != nil {
			return nil, err
		}
		if in.Tree.Unit(cin.Unit) == nil {
			return nil, apperr.New(apperr.NotFound, "not_found.unit", cin.Unit)
		}
		if !in.Tree.Within(cin.Unit, p.Unit) {
			return nil, apperr.New(apperr.Forbidden, "auth.subtree", cin.Unit)
		}
		if by := in.LockedBy(cin.Unit); by != "" {
			return nil, apperr.New(apperr.Conflict, "rating.locked", by)
		}
		found := false
		for _, u := range in.Tree.Children(cin.Unit) {
			found = found || u.IsTarget() && u.Group == cin.Group
		}
		if !found {
			return nil, apperr.Field("group", "cap.no_group", cin.Group, cin.Unit)
		}
		if err := tx.PutCap(rid, c); err != nil {
			return nil, err
		}
		return ratingsAnchored(tx, rid, map[string]any{"round": rid, "unit": cin.Unit, "group": cin.Group, "cap": report.FormatHundredths(h)})
	})
	return c, err
}

// MarkFinal locks the ratings of p's subtree.
func (s *Service) MarkFinal(p auth.Principal, rid string) (*report.Final, error) {
	f := &report.Final{Unit: p.Unit, By: p.Name, At: s.now().UTC()}
	err := s.update(p, "report.final", func(tx *storage.Tx) (any, error) {
		_, in, err := ratingInput(tx, rid)
		if err != nil {
			return nil, err
		}
		if in.Tree.Unit(p.Unit) == nil {
			return nil, apperr.New(apperr.NotFound, "not_found.unit", p.Unit)
		}
		if _, done := in.Finals[p.Unit]; done {
			return nil, apperr.New(apperr.Conflict, "rating.locked", p.Unit)
		}
		if err := tx.PutFinal(rid, f); err != nil {
			return nil, err
		}
		return ratingsAnchored(tx, rid, map[string]any{"round": rid, "unit": p.Unit})
	})
	return f, err
}

// ReportQuery names a report: the unit whose subtree it covers (default:
// the authority's unit, or the root), the kind of targets ("" for every
// kind, a section each) and the round to compare with ("" for the latest
// earlier round whose report of the unit is final, NoCompare for none).
type ReportQuery struct {
	Unit, Kind, Compare string
}

// NoCompare asks a report without comparison.
const NoCompare = "none"

// Report returns a report as p may see it, with its comparison and its
// summary paragraphs.
func (s *Service) Report(p auth.Principal, rid string, q ReportQuery) (*report.Report, *rounds.Round, error) {
	var rep *report.Report
	var r *rounds.Round
	err := s.store.View(func(tx *storage.Tx) error {
		var in *report.Input
		var err error
		if r, err = tx.Round(rid); err != nil {
			return err
		}
		if r.Parent {
			rep, err = s.parentReport(tx, p, r, q)
			return err
		}
		if r, in, err = ratingInput(tx, rid); err != nil {
			return err
		}
		unit := q.Unit
		if unit, err = scope(p, in.Tree, unit); err != nil {
			return err
		}
		if unit == "" {
			roots := in.Tree.Roots()
			if len(roots) != 1 {
				return apperr.Field("unit", "field.required")
			}
			unit = roots[0].ID
		}
		rep = report.Make(in, rid, unit, q.Kind)
		if q.Compare != NoCompare {
			prev, c, err := earlier(tx, r, unit, q.Compare)
			if err != nil {
				return err
			}
			if prev != nil {
				in.Compare(rep, prev, *c)
			}
		}
		rep.Summarize(report.NamesOf(r.Documents), r.Year)
		return nil
	})
	return rep, r, err
}

// earlier finds the round a report of unit in r is compared with: the one
// asked for (a counted round holding unit, not of a later year), or else
// the latest earlier round (by year, then counting time) whose report of
// unit is final. It returns nil if there is none.
func earlier(tx *storage.Tx, r *rounds.Round, unit, asked string) (*report.Input, *report.Compared, error) {
	load := func(c *rounds.Round) (*report.Input, error) {
		if c.State != rounds.Counted {
			return nil, nil
		}
		_, in, err := ratingInput(tx, c.ID)
		if err != nil || in.Tree.Unit(unit) == nil {
			return nil, err
		}
		return in, nil
	}
	if asked != "" {
		c, err := askedEarlier(tx, r, asked)
		if err != nil {
			return nil, nil, err
		}
		if c.State != rounds.Counted {
			return nil, nil, apperr.Field("compare", "report.compare_not_counted", c.ID)
		}
		in, err := load(c)
		if err != nil {
			return nil, nil, err
		}
		if in == nil {
			return nil, nil, apperr.Field("compare", "report.compare_no_unit", c.ID, unit)
		}
		return in, &report.Compared{Round: c.ID, Title: c.Title, Year: c.Year, Final: in.LockedBy(unit) != "", Chosen: true}, nil
	}
	all, err := tx.Rounds()
	if err != nil {
		return nil, nil, err
	}
	var before []rounds.Round
	for _, c := range all {
		if c.ID != r.ID && c.Year < r.Year && c.State == rounds.Counted {
			before = append(before, c)
		}
	}
	// the latest year first, then the latest counted, then the latest made
	// (rounds come in the order they were made)
	slices.Reverse(before)
	sort.SliceStable(before, func(i, j int) bool {
		if before[i].Year != before[j].Year {
			return before[i].Year > before[j].Year
		}
		return before[i].CountedAt.After(*before[j].CountedAt)
	})
	for i := range before {
		in, err := load(&before[i])
		if err != nil {
			return nil, nil, err
		}
		if in != nil && in.LockedBy(unit) != "" {
			c := before[i]
			return in, &report.Compared{Round: c.ID, Title: c.Title, Year: c.Year, Final: true}, nil
		}
	}
	return nil, nil, nil
}

// Ratings returns a counted round's ratings, by target.
func (s *Service) Ratings(rid string) (map[string]report.Rating, error) {
	var out map[string]report.Rating
	err := s.store.View(func(tx *storage.Tx) (err error) {
		_, in, err := ratingInput(tx, rid)
		if in != nil {
			out = in.Ratings
		}
		return err
	})
	return out, err
}

// askedEarlier is the round a report asks to be compared with, if it may
// be: another round, not of a later year.
func askedEarlier(tx *storage.Tx, r *rounds.Round, asked string) (*rounds.Round, error) {
	c, err := tx.Round(asked)
	if err != nil {
		return nil, err
	}
	switch {
	case c.ID == r.ID:
		return nil, apperr.Field("compare", "report.compare_self")
	case c.Year > r.Year:
		return nil, apperr.Field("compare", "report.compare_later", c.ID, c.Year)
	}
	return c, nil
}
