package service

import (
	"sort"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/codes"
	"ballot/internal/rounds"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

// Turnout is what is visible of a round before counting: codes issued,
// used and revoked — of the whole round, or of the targets strictly below
// a unit (each code once, however many of them it covers) — and per target
// (the codes that cover it).
type Turnout struct {
	Unit    string          `json:"unit,omitempty"`
	Issued  int             `json:"issued"`
	Used    int             `json:"used"`
	Revoked int             `json:"revoked"`
	Targets []TargetTurnout `json:"targets"`
}

// TargetTurnout is the turnout of one target.
type TargetTurnout struct {
	ID      string `json:"id"`
	Issued  int    `json:"issued"`
	Used    int    `json:"used"`
	Revoked int    `json:"revoked"`
}

// Turnout returns a round's turnout as p may see it: the targets strictly
// below unit ("" for the whole round); an authority sees only its own
// subtree, and by default the targets below its unit.
func (s *Service) Turnout(p auth.Principal, rid, unit string) (*Turnout, error) {
	out := &Turnout{Targets: []TargetTurnout{}}
	err := s.store.View(func(tx *storage.Tx) error {
		_, tree, err := roundTree(tx, rid)
		if err != nil {
			return err
		}
		if unit, err = scope(p, tree, unit); err != nil {
			return err
		}
		batches, err := tx.Batches(rid)
		if err != nil {
			return err
		}
		out.Unit = unit
		below := func(id string) bool { return unit == "" || id != unit && tree.Within(id, unit) }
		cover := coverCodes(batches, below)
		out.Issued, out.Used, out.Revoked = cover.Issued, cover.Used, cover.Revoked
		for _, u := range tree.Units() {
			if u.IsTarget() && below(u.ID) {
				c := of(cover.Per, u.ID)
				out.Targets = append(out.Targets, TargetTurnout{ID: u.ID, Issued: c.Issued, Used: c.Used, Revoked: c.Revoked})
			}
		}
		sort.Slice(out.Targets, func(i, j int) bool { return out.Targets[i].ID < out.Targets[j].ID })
		return nil
	})
	return out, err
}

// TurnoutRow is the turnout of one unit's subtree, the unit included: its
// targets and the codes that cover any of them.
type TurnoutRow struct {
	Unit    rounds.Unit
	Targets int
	Codes
	// Below is whether units with targets lie below it (one can drill down).
	Below bool
}

// TurnoutTree is one level of a round's tree with its turnout: a unit, the
// path down to it, the turnout of the targets strictly below it, and a row
// for each child that is a target or has targets below.
type TurnoutTree struct {
	Round *rounds.Round
	// Unit is nil when the round has several roots and none was asked.
	Unit  *rounds.Unit
	Path  []rounds.Unit
	Total TurnoutRow
	// Self is the turnout of Unit itself when it is a target (its own
	// codes, e.g. a district's leadership), which Total leaves out.
	Self *TurnoutRow
	Rows []TurnoutRow
}

// TurnoutTree returns the turnout of unit's children as p may see it (an
// authority by default its own unit, an admin the root).
func (s *Service) TurnoutTree(p auth.Principal, rid, unit string) (*TurnoutTree, error) {
	out := &TurnoutTree{}
	err := s.store.View(func(tx *storage.Tx) (err error) {
		var tree *tally.Tree
		if out.Round, tree, err = roundTree(tx, rid); err != nil {
			return err
		}
		if unit, err = scope(p, tree, unit); err != nil {
			return err
		}
		if roots := tree.Roots(); unit == "" && len(roots) == 1 {
			unit = roots[0].ID
		}
		batches, err := tx.Batches(rid)
		if err != nil {
			return err
		}
		sums := sumCodes(tree, batches)
		targets := map[string]int{} // targets in each subtree, the unit included
		for _, u := range tree.Units() {
			if !u.IsTarget() {
				continue
			}
			for a := tree.Unit(u.ID); a != nil; a = tree.Unit(a.Parent) {
				targets[a.ID]++
			}
		}
		out.Total.Codes = of(sums.below, unit)
		if u := tree.Unit(unit); u != nil {
			out.Unit = u
			out.Path = tree.Path(unit)
			out.Total.Unit, out.Total.Targets = *u, targets[unit]
			if u.IsTarget() {
				out.Total.Targets--
				own := coverCodes(batches, func(id string) bool { return id == unit })
				out.Self = &TurnoutRow{Unit: *u, Targets: 1, Codes: own.Codes}
			}
		}
		for _, ch := range tree.Children(unit) {
			if targets[ch.ID] == 0 {
				continue
			}
			n := targets[ch.ID]
			if ch.IsTarget() {
				n--
			}
			out.Rows = append(out.Rows, TurnoutRow{Unit: ch, Targets: targets[ch.ID], Codes: of(sums.incl, ch.ID), Below: n > 0})
		}
		if out.Unit == nil {
			for _, r := range out.Rows {
				out.Total.Targets += r.Targets
			}
		}
		return nil
	})
	return out, err
}

// Receipts returns the published receipt hashes of a counted round.
func (s *Service) Receipts(rid string) ([]string, error) {
	var out []string
	err := s.store.View(func(tx *storage.Tx) error {
		r, err := tx.Round(rid)
		if err != nil {
			return err
		}
		if err := r.Check(rounds.ActReadCount); err != nil {
			return err
		}
		out, err = tx.ReceiptHashes(rid)
		return err
	})
	return out, err
}

// ReceiptStatus is what checking a receipt tells.
type ReceiptStatus struct {
	Round   string `json:"round,omitempty"`
	Counted bool   `json:"counted"`
}

// CheckReceipt tells whether a receipt is among the counted ones of any
// round. Before counting it says only that it is not counted (yet).
func (s *Service) CheckReceipt(receipt string) (ReceiptStatus, error) {
	norm, ok := codes.NormalizeReceipt(receipt)
	if !ok {
		return ReceiptStatus{}, apperr.Field("receipt", "receipt.bad")
	}
	h := codes.ReceiptHash(norm)
	var st ReceiptStatus
	err := s.store.View(func(tx *storage.Tx) error {
		all, err := tx.Rounds()
		if err != nil {
			return err
		}
		for _, r := range all {
			if r.State != rounds.Counted {
				continue
			}
			if ok, err := tx.HasReceipt(r.ID, h); err != nil || ok {
				st = ReceiptStatus{Round: r.ID, Counted: ok}
				return err
			}
		}
		return nil
	})
	return st, err
}
