package service

import (
	"ballot/internal/auth"
	"ballot/internal/rounds"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

// Tree returns a round's organization tree.
func (s *Service) Tree(rid string) (*tally.Tree, error) {
	var t *tally.Tree
	err := s.store.View(func(tx *storage.Tx) (err error) {
		_, t, err = roundTree(tx, rid)
		return err
	})
	return t, err
}

// roundTree reads round rid and its organization tree within tx.
func roundTree(tx *storage.Tx, rid string) (*rounds.Round, *tally.Tree, error) {
	r, err := tx.Round(rid)
	if err != nil {
		return nil, nil, err
	}
	units, err := tx.Units(rid)
	if err != nil {
		return nil, nil, err
	}
	return r, tally.NewTree(units), nil
}

// Find narrows a unit search.
type Find string

// What a unit search may keep.
const (
	FindAny      Find = ""
	FindTargets  Find = "targets"
	FindDeciding Find = "deciding" // units with targets right below them
	FindSheet    Find = "sheet"    // deciding units and targets: what a rating sheet opens on
)

// ParseFind reads a Find (anything else is FindAny).
func ParseFind(s string) Find {
	switch f := Find(s); f {
	case FindTargets, FindDeciding, FindSheet:
		return f
	}
	return FindAny
}

// UnitHit is a unit a search found, with its parent's name.
type UnitHit struct {
	rounds.Unit
	ParentName string `json:"parent_name,omitempty"`
}

// SearchUnits returns up to limit units of round rid that answer q and
// find, as p may see them (an authority its own subtree), and how many
// there are in all.
func (s *Service) SearchUnits(p auth.Principal, rid, q string, find Find, limit int) ([]UnitHit, int, error) {
	tree, err := s.Tree(rid)
	if err != nil {
		return nil, 0, err
	}
	within, err := scope(p, tree, "")
	if err != nil {
		return nil, 0, err
	}
	keep := func(u *rounds.Unit) bool {
		switch find {
		case FindTargets:
			return u.IsTarget()
		case FindDeciding:
			return tree.Decides(u.ID)
		case FindSheet:
			return u.IsTarget() || tree.Decides(u.ID)
		}
		return true
	}
	found, n := tree.Search(within, rounds.ParseQuery(q), keep, limit)
	hits := make([]UnitHit, len(found))
	for i, u := range found {
		hits[i] = UnitHit{Unit: u}
		if parent := tree.Unit(u.Parent); parent != nil {
			hits[i].ParentName = parent.Name
		}
	}
	return hits, n, nil
}

// UnitName is the name of unit id in the newest round that has it (unit
// ids are stable across rounds), or "".
func (s *Service) UnitName(id string) string {
	name := ""
	_ = s.store.View(func(tx *storage.Tx) error {
		all, err := tx.Rounds()
		for i := len(all) - 1; i >= 0; i-- {
			if u, err := tx.Unit(all[i].ID, id); err == nil {
				name = u.Name
				return nil
			}
		}
		return err
	})
	return name
}
