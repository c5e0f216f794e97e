package service

import (
	"ballot/internal/auth"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// RoundFigures are the totals at the top of a round's page.
type RoundFigures struct {
	Units   int
	Targets int
	// Kinds counts the targets of each kind.
	Kinds map[string]int
	// Codes are those of the whole round, or of an authority's subtree.
	Codes   Codes
	Batches int
	// After counting: the submissions counted (one receipt each, in the
	// whole round) and the ballots, one per target of each (a code for two
	// targets gives two), of the targets p may see — counted from the
	// batches' used codes, which is what counting opened.
	Receipts int
	Ballots  int
	// Closing and Count anchored the sealed ballots at closing and what
	// counting stored: entries of the audit chain to keep (docs/design.md §3.10).
	Closing, Count *Anchor
}

// Figures returns the totals of round rid as p may see them.
func (s *Service) Figures(p auth.Principal, rid string) (*RoundFigures, error) {
	f := &RoundFigures{Kinds: map[string]int{}}
	err := s.store.View(func(tx *storage.Tx) error {
		r, tree, err := roundTree(tx, rid)
		if err != nil {
			return err
		}
		within, err := scope(p, tree, "")
		if err != nil {
			return err
		}
		f.Units = len(tree.Units())
		for _, u := range tree.Units() {
			if u.IsTarget() {
				f.Targets++
				f.Kinds[u.Kind]++
			}
		}
		batches, err := tx.Batches(rid)
		if err != nil {
			return err
		}
		f.Batches = len(batches)
		a, err := roundAnchors(tx, rid)
		if err != nil {
			return err
		}
		f.Closing, f.Count = a.sealed.public(), a.counted.public()
		counted := r.State == rounds.Counted
		if counted {
			if f.Receipts, err = tx.CountReceipts(rid); err != nil {
				return err
			}
		}
		f.Codes = of(sumCodes(tree, batches).below, within)
		for i := range batches {
			b := &batches[i]
			if !counted {
				continue
			}
			// A code is used if and only if its ballots were stored, one a
			// target (docs/design.md §3.1), and counting opened them all.
			for _, t := range b.Targets {
				if within == "" || t != within && tree.Within(t, within) {
					f.Ballots += b.Used
				}
			}
		}
		return nil
	})
	return f, err
}
