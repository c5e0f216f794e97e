package service

import (
	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

// counted loads what counting stored for round rid, refusing before
// counting (sealed).
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
	c := &tally.Counted{Tree: tally.NewTree(units), MinGroup: r.MinGroupSize, Issued: map[string]int{}}
	if c.Forms, err = tx.Forms(rid); err != nil {
		return nil, nil, err
	}
	if c.Targets, err = tx.Counted(rid); err != nil {
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
	c.Comments = map[string][]string{}
	for id := range c.Targets {
		if c.Comments[id], err = tx.Comments(rid, id); err != nil {
			return nil, nil, err
		}
	}
	c.Rollups = tally.Rollups(c.Tree, c.Targets, c.Forms)
	return r, c, nil
}

// scope returns the unit whose subtree p may see: the asked one if p may
// see it, an authority's own unit by default, everything ("") for others.
func scope(p auth.Principal, tree *tally.Tree, unit string) (string, error) {
	if unit != "" && tree.Units[unit] == nil {
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

// Tally is a published tally with what exports need to label it.
type Tally struct {
	View     *tally.View
	Forms    map[string]*forms.Form
	Round    *rounds.Round
	UnitName string
}

// Tally returns the published tally of a counted round for the subtree of
// unit, as p may see it.
func (s *Service) Tally(p auth.Principal, rid, unit string) (*Tally, error) {
	var out *Tally
	err := s.store.View(func(tx *storage.Tx) error {
		r, c, err := s.counted(tx, rid)
		if err != nil {
			return err
		}
		if unit, err = scope(p, c.Tree, unit); err != nil {
			return err
		}
		out = &Tally{View: c.View(rid, unit), Forms: c.Forms, Round: r}
		if u := c.Tree.Units[unit]; u != nil {
			out.UnitName = u.Name
		}
		return nil
	})
	return out, err
}
