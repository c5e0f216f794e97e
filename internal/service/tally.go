package service

import (
	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/rounds"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

// counted prepares the views of round rid within tx, refusing before
// counting (sealed). Per-target data is read from tx as views walk.
func (s *Service) counted(tx *storage.Tx, rid string) (*rounds.Round, *tally.Counted, error) {
	r, err := tx.Round(rid)
	if err != nil {
		return nil, nil, err
	}
	if err := r.Check(rounds.ActReadTally); err != nil {
		return nil, nil, err
	}
	units, err := tx.Units(rid)
	if err != nil {
		return nil, nil, err
	}
	c := &tally.Counted{Tree: tally.NewTree(units), MinGroup: r.MinGroupSize, Issued: map[string]int{}, Source: tx.CountedSource(rid)}
	if c.Forms, err = tx.Forms(rid); err != nil {
		return nil, nil, err
	}
	if c.Withheld, err = tx.Withheld(rid); err != nil {
		return nil, nil, err
	}
	batches, err := tx.Batches(rid)
	if err != nil {
		return nil, nil, err
	}
	for _, b := range batches {
		for _, t := range b.Targets {
			c.Issued[t] += b.Count
		}
	}
	return r, c, nil
}

// scope returns the unit whose subtree p may see: the asked one if p may
// see it, an authority's own unit by default, everything ("") for others.
func scope(p auth.Principal, tree *tally.Tree, unit string) (string, error) {
	if unit != "" && tree.Unit(unit) == nil {
		return "", apperr.New(apperr.NotFound, "not_found.unit", unit)
	}
	if p.Role != auth.Authority {
		return unit, nil
	}
	if unit == "" {
		return p.Unit, nil
	}
	if !tree.Within(unit, p.Unit) {
		return "", apperr.New(apperr.Forbidden, "auth.subtree", unit)
	}
	return unit, nil
}

// SubtreeTally is the counted tally of a subtree as p may see it (its
// views and exports are made from it), readable while the transaction that
// made it lasts.
type SubtreeTally struct {
	Counted  *tally.Counted
	Round    *rounds.Round
	Unit     string
	UnitName string
}

// WithTally runs fn with the tally of unit inside one read transaction, so
// files are written straight from storage with flat memory.
func (s *Service) WithTally(p auth.Principal, rid, unit string, fn func(*SubtreeTally) error) error {
	return s.store.View(func(tx *storage.Tx) error {
		r, c, err := s.counted(tx, rid)
		if err != nil {
			return err
		}
		if unit, err = scope(p, c.Tree, unit); err != nil {
			return err
		}
		t := &SubtreeTally{Counted: c, Round: r, Unit: unit}
		if u := c.Tree.Unit(unit); u != nil {
			t.UnitName = u.Name
		}
		return fn(t)
	})
}

// Tally returns the published tally of unit in memory.
func (s *Service) Tally(p auth.Principal, rid, unit string) (*tally.View, error) {
	var v *tally.View
	err := s.WithTally(p, rid, unit, func(t *SubtreeTally) (err error) {
		v, err = t.Counted.View(rid, t.Unit)
		return err
	})
	return v, err
}
