package service

import (
	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/report"
	"ballot/internal/rounds"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

// SheetRow is one target of a rating sheet: its rating so far and what its
// ballots say.
type SheetRow struct {
	Unit rounds.Unit
	// Rating is nil while the target is not rated.
	Rating *report.Rating
	// Summary is nil if no ballot of the target was counted.
	Summary *tally.Summary
}

// Sheet is what an authority rates in one go: the targets right below one
// deciding unit, with the quota status of its peer groups.
type Sheet struct {
	Round *rounds.Round
	Unit  rounds.Unit
	Path  []rounds.Unit
	Rows  []SheetRow
	// Quota is the status of each peer group of the unit; Caps their caps
	// in hundredths of a percent, by group.
	Quota []report.Quota
	Caps  map[string]int
	// Decision and Date are those every rated row shares, if they do.
	Decision, Date string
	// LockedBy is the unit whose final report locks the sheet, or "".
	LockedBy string
	// Scored tells whether some row has a total score (diem-100).
	Scored bool
}

// RatingSheet returns the sheet of deciding unit as authority p may rate
// it. A target that decides nothing stands for its deciding unit.
func (s *Service) RatingSheet(p auth.Principal, rid, unit string) (*Sheet, error) {
	var sh *Sheet
	err := s.store.View(func(tx *storage.Tx) error {
		r, in, err := ratingInput(tx, rid)
		if err != nil {
			return err
		}
		if unit, err = sheetUnit(p, in.Tree, unit); err != nil {
			return err
		}
		_, c, err := s.counted(tx, rid)
		if err != nil {
			return err
		}
		u := in.Tree.Unit(unit)
		sh = &Sheet{Round: r, Unit: *u, Path: in.Tree.Path(unit), Caps: map[string]int{}, LockedBy: in.LockedBy(unit)}
		shared := true
		first := true
		for _, ch := range in.Tree.Children(unit) {
			if !ch.IsTarget() {
				continue
			}
			row := SheetRow{Unit: ch}
			if rt, ok := in.Ratings[ch.ID]; ok {
				row.Rating = &rt
				if first {
					sh.Decision, sh.Date, first = rt.Decision, rt.Date, false
				} else if rt.Decision != sh.Decision || rt.Date != sh.Date {
					shared = false
				}
			}
			if row.Summary, err = c.Summary(ch.ID); err != nil {
				return err
			}
			sh.Scored = sh.Scored || row.Summary != nil && row.Summary.Scored
			sh.Rows = append(sh.Rows, row)
		}
		if !shared {
			sh.Decision, sh.Date = "", ""
		}
		for _, q := range report.Make(in, rid, unit, "").Quota {
			if q.Unit == unit {
				sh.Quota = append(sh.Quota, q)
				h, ok := in.Caps[report.CapKey(unit, q.Group)]
				if !ok {
					h = report.DefaultCap
				}
				sh.Caps[q.Group] = h
			}
		}
		return nil
	})
	return sh, err
}

// sheetUnit is the deciding unit of a sheet asked for id ("" is p's own
// unit): id itself if targets lie right below it, else the parent of the
// target id. It must lie within p's subtree.
func sheetUnit(p auth.Principal, tree *tally.Tree, id string) (string, error) {
	if id == "" {
		id = p.Unit
	}
	u := tree.Unit(id)
	if u == nil {
		return "", apperr.New(apperr.NotFound, "not_found.unit", id)
	}
	if !tree.Decides(id) && u.IsTarget() {
		id = u.Parent
	}
	if !tree.Within(id, p.Unit) {
		return "", apperr.New(apperr.Forbidden, "auth.subtree", id)
	}
	return id, nil
}

// SheetEntry is one deciding unit in an authority's list of sheets: how
// far its rating has come.
type SheetEntry struct {
	Unit     rounds.Unit
	Targets  int
	Rated    int // with a level
	NotRated int // decided not to rate
	Breaches int // peer groups over their cap
}

// Sheets is an authority's list of sheets: every deciding unit of its
// subtree, in tree order, and the report of the whole subtree.
type Sheets struct {
	Round   *rounds.Round
	Entries []SheetEntry
	Report  *report.Report
}

// RatingSheets returns the sheets authority p rates.
func (s *Service) RatingSheets(p auth.Principal, rid string) (*Sheets, error) {
	out := &Sheets{}
	err := s.store.View(func(tx *storage.Tx) error {
		r, in, err := ratingInput(tx, rid)
		if err != nil {
			return err
		}
		if in.Tree.Unit(p.Unit) == nil {
			return apperr.New(apperr.NotFound, "not_found.unit", p.Unit)
		}
		out.Round, out.Report = r, report.Make(in, rid, p.Unit, "")
		breaches := map[string]int{}
		for _, q := range out.Report.Quota {
			if q.Breach {
				breaches[q.Unit]++
			}
		}
		in.Tree.Walk(p.Unit, func(u *rounds.Unit) {
			e := SheetEntry{Unit: *u, Breaches: breaches[u.ID]}
			for _, ch := range in.Tree.Children(u.ID) {
				if !ch.IsTarget() {
					continue
				}
				e.Targets++
				switch rt, ok := in.Ratings[ch.ID]; {
				case !ok:
				case rt.Level == report.NotRated:
					e.NotRated++
				default:
					e.Rated++
				}
			}
			if e.Targets > 0 {
				out.Entries = append(out.Entries, e)
			}
		})
		return nil
	})
	return out, err
}

// SheetIn is one save of a sheet: a level (and reason) per target, and the
// decision that rates them all.
type SheetIn struct {
	Decision string
	Date     string
	Rows     []SheetRowIn
}

// SheetRowIn is one row of a sheet as saved; an empty level leaves the
// target as it is (a rating is changed, never removed).
type SheetRowIn struct {
	Unit   string
	Level  string
	Reason string
}

// RateSheet saves a sheet of deciding unit in one transaction, all or
// nothing: every row with a level gets it, with the sheet's decision and
// date; unchanged rows are left alone. A bad row stores nothing, and the
// answer lists every bad row by its place in the sheet. It returns how
// many ratings changed.
func (s *Service) RateSheet(p auth.Principal, rid, unit string, sin SheetIn) (int, error) {
	// The decision and date are checked once, for the whole sheet.
	head := report.RatingIn{Level: report.NotRated, Reason: "-", Decision: sin.Decision, Date: sin.Date}
	if err := head.Check(); err != nil {
		return 0, err
	}
	changed := 0
	err := s.update(p, "rating.sheet", func(tx *storage.Tx) (any, error) {
		_, in, err := ratingInput(tx, rid)
		if err != nil {
			return nil, err
		}
		if unit, err = sheetUnit(p, in.Tree, unit); err != nil {
			return nil, err
		}
		if by := in.LockedBy(unit); by != "" {
			return nil, apperr.New(apperr.Conflict, "rating.locked", by)
		}
		var bad []apperr.RowError
		var put []*report.Rating
		now := s.now().UTC()
		for i, row := range sin.Rows {
			if row.Level == "" {
				continue
			}
			rin := report.RatingIn{Level: row.Level, Reason: row.Reason, Decision: head.Decision, Date: head.Date}
			err := rin.Check()
			if err == nil {
				if u := in.Tree.Unit(row.Unit); u == nil || u.Parent != unit {
					err = apperr.Field("unit", "sheet.not_in_sheet", row.Unit)
				} else {
					err = mayRate(p, in, row.Unit)
				}
			}
			if err != nil {
				if e := apperr.Wrap(err); len(bad) < apperr.MaxRowErrors {
					bad = append(bad, apperr.RowError{Row: i + 1, Field: e.Field, Msg: e.Msg})
				}
				continue
			}
			if old, ok := in.Ratings[row.Unit]; ok && old.Level == rin.Level && old.Reason == rin.Reason &&
				old.Decision == rin.Decision && old.Date == rin.Date {
				continue
			}
			put = append(put, &report.Rating{Unit: row.Unit, Level: rin.Level, Decision: rin.Decision, Date: rin.Date, Reason: rin.Reason, By: p.Name, At: now})
		}
		if len(bad) > 0 {
			e := apperr.New(apperr.Invalid, "sheet.bad", len(bad))
			e.Field, e.Rows = bad[0].Field, bad
			return nil, e
		}
		if len(put) == 0 {
			return nil, errNothing
		}
		detail := make([]map[string]string, len(put))
		for i, rt := range put {
			if err := tx.PutRating(rid, rt); err != nil {
				return nil, err
			}
			detail[i] = map[string]string{"unit": rt.Unit, "level": rt.Level, "reason": rt.Reason}
		}
		changed = len(put)
		return ratingsAnchored(tx, rid, map[string]any{"round": rid, "unit": unit, "decision": head.Decision, "date": head.Date, "ratings": detail})
	})
	if err == errNothing {
		return 0, nil
	}
	return changed, err
}
