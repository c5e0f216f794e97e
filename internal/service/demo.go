package service

import (
	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// Demo reports whether the database is a demo one, made by `ballot demo`
// (storage/demo.go): it keeps codes in clear after opening.
func (s *Service) Demo() bool { return s.store.Demo() }

// DemoCodes returns, in a demo database only, the batches of open round rid
// that cover a target in the subtree of unit with their codes still unused,
// unit after unit: the codes a demo keeps so that they can be tried. In
// any other database there are none to show: not_found.
func (s *Service) DemoCodes(rid, unit string) ([]*rounds.Batch, [][]string, error) {
	if !s.store.Demo() {
		return nil, nil, apperr.New(apperr.NotFound, "not_found.route")
	}
	var bs []*rounds.Batch
	var lists [][]string
	err := s.store.View(func(tx *storage.Tx) error {
		r, tree, err := roundTree(tx, rid)
		if err != nil {
			return err
		}
		if err := r.Check(rounds.ActSubmit); err != nil {
			return err
		}
		bs, lists, err = subtreeCodes(tx, tree, rid, unit, tx.DemoCodes)
		return err
	})
	return bs, lists, err
}

// KeepDemoCodes keeps the codes of batches made in round rid (as IssueBatches
// answered them) in clear beyond opening, so that a demo's admin can try
// them: a demo database only, in a round not yet closed.
func (s *Service) KeepDemoCodes(p auth.Principal, rid string, bs []*rounds.Batch, lists [][]string) error {
	return s.update(p, "demo.codes", func(tx *storage.Tx) (any, error) {
		r, err := tx.Round(rid)
		if err != nil {
			return nil, err
		}
		if err := r.Check(rounds.ActAddBatch); err != nil {
			return nil, err
		}
		n := 0
		for i, b := range bs {
			if err := tx.PutDemoCodes(rid, b.ID, lists[i]); err != nil {
				return nil, err
			}
			n += len(lists[i])
		}
		return map[string]any{"round": rid, "count": n}, nil
	})
}

// SaveDemo keeps v as the demo's record name (a demo database only).
func (s *Service) SaveDemo(name string, v any) error {
	return s.store.Update(func(tx *storage.Tx) error { return tx.PutDemo(name, v) })
}

// LoadDemo reads the demo's record name into v; false if there is none.
func (s *Service) LoadDemo(name string, v any) (ok bool, err error) {
	err = s.store.View(func(tx *storage.Tx) error {
		ok, err = tx.GetDemo(name, v)
		return err
	})
	return ok, err
}
