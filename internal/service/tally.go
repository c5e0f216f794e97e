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
	if r.Parent {
		c, err := parentCounted(tx, r)
		return r, c, err
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

// SubtreeTally is the counted tally of a subtree as p may see it, which its
// views and exports are made from.
type SubtreeTally struct {
	Counted  *tally.Counted
	Round    *rounds.Round
	Unit     string
	UnitName string
}

// Tally returns the tally of unit as p may see it (sealed before
// counting). The tree, the forms and what to withhold are read at once;
// each target's figures as a view or an export walks to it, in a short
// read transaction of its own (storage.Store.CountedSource), so files are
// written straight from storage with flat memory, at any pace.
func (s *Service) Tally(p auth.Principal, rid, unit string) (*SubtreeTally, error) {
	var t *SubtreeTally
	err := s.store.View(func(tx *storage.Tx) error {
		r, c, err := s.counted(tx, rid)
		if err != nil {
			return err
		}
		if unit, err = scope(p, c.Tree, unit); err != nil {
			return err
		}
		if c.Published != nil {
			c.Published = s.store.PublishedSource(rid)
		} else {
			c.Source = s.store.CountedSource(rid)
		}
		t = &SubtreeTally{Counted: c, Round: r, Unit: unit}
		if u := c.Tree.Unit(unit); u != nil {
			t.UnitName = u.Name
		}
		return nil
	})
	return t, err
}

// TallyView is the tally of unit as p may see it, as one view: its
// targets and roll-ups decoded (the API's JSON; tests compare them).
func (s *Service) TallyView(p auth.Principal, rid, unit string) (*tally.View, error) {
	t, err := s.Tally(p, rid, unit)
	if err != nil {
		return nil, err
	}
	return t.Counted.View(rid, t.Unit)
}
