package service

import (
	"slices"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/codes"
	"ballot/internal/rounds"
	"ballot/internal/storage"
	"ballot/internal/tally"
	"ballot/internal/valid"
)

// Limits of a batch plan: what one transaction makes, and what may be shown
// at once while a round is open (its codes are shown only then, as slips).
const (
	MaxPlanCodes  = 200_000
	MaxShownCodes = 10_000
)

// Selection picks targets: every target in the subtree of Unit (the unit
// included), of Kind and of Group when they are given.
type Selection struct {
	Unit  string `json:"unit" validate:"required,id"`
	Kind  string `json:"kind" validate:"omitempty,id"`
	Group string `json:"group" validate:"omitempty,id"`
}

// PlanIn is a batch plan: Count codes for each selected target, in one
// batch per target, or (Together) one batch whose codes rate them all.
type PlanIn struct {
	Selection
	Count    int    `json:"count" validate:"required,gte=1,lte=10000"`
	Together bool   `json:"together"`
	Label    string `json:"label" validate:"max=200,text"`
}

// Plan is what a plan would make: its targets, its batches and how many
// codes, checked against the round as it is now.
type Plan struct {
	In        PlanIn
	Round     *rounds.Round
	Unit      rounds.Unit
	Targets   []rounds.Unit
	Batches   []rounds.NewBatch
	Codes     int
	WhileOpen bool
}

// PlanBatches checks a batch plan and returns what it would make, making
// nothing.
func (s *Service) PlanBatches(rid string, in PlanIn) (*Plan, error) {
	var plan *Plan
	err := s.store.View(func(tx *storage.Tx) (err error) {
		plan, err = makePlan(tx, rid, in)
		return err
	})
	return plan, err
}

func makePlan(tx *storage.Tx, rid string, in PlanIn) (*Plan, error) {
	if err := valid.Struct(&in, ""); err != nil {
		return nil, err
	}
	r, tree, err := roundTree(tx, rid)
	if err != nil {
		return nil, err
	}
	if err := r.Check(rounds.ActAddBatch); err != nil {
		return nil, err
	}
	u := tree.Unit(in.Unit)
	if u == nil {
		return nil, apperr.New(apperr.NotFound, "not_found.unit", in.Unit)
	}
	plan := &Plan{In: in, Round: r, Unit: *u, WhileOpen: r.State == rounds.Open}
	tree.Walk(in.Unit, func(t *rounds.Unit) {
		if t.IsTarget() && (in.Kind == "" || t.Kind == in.Kind) && (in.Group == "" || t.Group == in.Group) {
			plan.Targets = append(plan.Targets, *t)
		}
	})
	if len(plan.Targets) == 0 {
		return nil, apperr.New(apperr.Invalid, "plan.empty")
	}
	if in.Together {
		if len(plan.Targets) > rounds.MaxBatchTargets {
			return nil, apperr.Field("together", "plan.too_many_together", len(plan.Targets), rounds.MaxBatchTargets)
		}
		b := rounds.NewBatch{Count: in.Count, Label: in.Label}
		for _, t := range plan.Targets {
			b.Targets = append(b.Targets, t.ID)
		}
		plan.Batches = []rounds.NewBatch{b}
	} else {
		for _, t := range plan.Targets {
			plan.Batches = append(plan.Batches, rounds.NewBatch{Targets: []string{t.ID}, Count: in.Count, Label: in.Label})
		}
	}
	plan.Codes = in.Count * len(plan.Batches)
	limit := MaxPlanCodes
	if plan.WhileOpen {
		limit = MaxShownCodes
	}
	if plan.Codes > limit {
		return nil, apperr.Field("count", "plan.too_many_codes", plan.Codes, limit)
	}
	return plan, nil
}

// IssuePlan makes a plan's batches in one transaction, all or nothing, and
// returns them with their codes in clear.
func (s *Service) IssuePlan(p auth.Principal, rid string, in PlanIn) (*Plan, []*rounds.Batch, [][]string, error) {
	plan, err := s.PlanBatches(rid, in)
	if err != nil {
		return nil, nil, nil, err
	}
	// IssueBatches checks the round and every target again in its own
	// transaction: nothing changes between the two unnoticed.
	bs, lists, err := s.IssueBatches(p, rid, plan.Batches)
	if err != nil {
		return nil, nil, nil, err
	}
	return plan, bs, lists, nil
}

// DraftSlips returns the codes of a draft round's batches that cover a
// target in the subtree of unit, each batch with its codes still usable
// (revoked ones left out), for printing again; at most MaxShownCodes at
// once. One audit entry names the batches.
func (s *Service) DraftSlips(p auth.Principal, rid, unit string) ([]*rounds.Batch, [][]string, error) {
	var bs []*rounds.Batch
	var lists [][]string
	err := s.update(p, "batch.download", func(tx *storage.Tx) (any, error) {
		r, tree, err := roundTree(tx, rid)
		if err != nil {
			return nil, err
		}
		if err := r.Check(rounds.ActShowCodes); err != nil {
			return nil, err
		}
		if bs, lists, err = subtreeCodes(tx, tree, rid, unit, tx.ClearCodes); err != nil {
			return nil, err
		}
		if len(bs) == 0 {
			return nil, apperr.New(apperr.NotFound, "slips.none")
		}
		ids := make([]string, len(bs))
		for i, b := range bs {
			ids[i] = b.ID
		}
		return map[string]any{"round": rid, "unit": unit, "batches": ids}, nil
	})
	return bs, lists, err
}

// subtreeCodes returns the batches of round rid that cover a target in the
// subtree of unit and still have codes to use, each with those codes (of
// the clear ones that codesOf keeps), in the tree's order so that each
// unit's come together; at most MaxShownCodes in all.
func subtreeCodes(tx *storage.Tx, tree *tally.Tree, rid, unit string, codesOf func(rid, bid string) ([]string, error)) ([]*rounds.Batch, [][]string, error) {
	if tree.Unit(unit) == nil {
		return nil, nil, apperr.New(apperr.NotFound, "not_found.unit", unit)
	}
	all, err := tx.Batches(rid)
	if err != nil {
		return nil, nil, err
	}
	key, err := tx.CodeKey(rid)
	if err != nil {
		return nil, nil, err
	}
	var bs []*rounds.Batch
	var lists [][]string
	n := 0
	for i := range all {
		b := &all[i]
		if b.Used+b.Revoked == b.Count || !slices.ContainsFunc(b.Targets, func(t string) bool { return tree.Within(t, unit) }) {
			continue
		}
		list, err := codesOf(rid, b.ID)
		if err != nil {
			return nil, nil, err
		}
		if b.Used+b.Revoked > 0 {
			if list, err = usable(tx, rid, key, list); err != nil {
				return nil, nil, err
			}
		}
		if len(list) == 0 {
			continue
		}
		if n += len(list); n > MaxShownCodes {
			return nil, nil, apperr.New(apperr.Invalid, "slips.too_many", MaxShownCodes)
		}
		bs, lists = append(bs, b), append(lists, list)
	}
	order := map[string]int{}
	tree.Walk(unit, func(u *rounds.Unit) { order[u.ID] = len(order) })
	idx := make([]int, len(bs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return order[bs[a].Targets[0]] - order[bs[b].Targets[0]] })
	sb, sl := make([]*rounds.Batch, len(bs)), make([][]string, len(bs))
	for i, j := range idx {
		sb[i], sl[i] = bs[j], lists[j]
	}
	return sb, sl, nil
}

// usable keeps the codes of list that are still unused.
func usable(tx *storage.Tx, rid string, key []byte, list []string) ([]string, error) {
	var out []string
	for _, c := range list {
		digits, err := codes.Normalize(c)
		if err != nil {
			return nil, err
		}
		rec, err := tx.Code(rid, codes.Key(key, digits))
		if err != nil {
			return nil, err
		}
		if rec != nil && rec.State == codes.Unused {
			out = append(out, c)
		}
	}
	return out, nil
}
