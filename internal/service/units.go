package service

import (
	"ballot/internal/auth"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// ImportUnits replaces a draft round's whole unit set, all or nothing.
// csvRows says whether Unit.Row counts CSV lines (for error messages).
func (s *Service) ImportUnits(p auth.Principal, rid string, units []rounds.Unit, csvRows bool) (int, error) {
	err := s.update(p, "units.import", func(tx *storage.Tx) (any, error) {
		if err := checkImport(tx, rid, units, csvRows); err != nil {
			return nil, err
		}
		targets := 0
		for i := range units {
			if units[i].IsTarget() {
				targets++
			}
		}
		return map[string]any{"round": rid, "units": len(units), "targets": targets}, tx.ReplaceUnits(rid, units)
	})
	if err != nil {
		return 0, err
	}
	return len(units), nil
}

// Units returns a round's units.
func (s *Service) Units(rid string) ([]rounds.Unit, error) {
	var out []rounds.Unit
	err := s.store.View(func(tx *storage.Tx) (err error) {
		out, err = tx.Units(rid)
		return err
	})
	return out, err
}

// CheckUnits validates a unit import as ImportUnits would, storing nothing
// (the console's preview).
func (s *Service) CheckUnits(rid string, units []rounds.Unit, csvRows bool) error {
	return s.store.View(func(tx *storage.Tx) error { return checkImport(tx, rid, units, csvRows) })
}

// checkImport is every check of a unit import.
func checkImport(tx *storage.Tx, rid string, units []rounds.Unit, csvRows bool) error {
	r, err := tx.Round(rid)
	if err != nil {
		return err
	}
	if err := r.Check(rounds.ActImportUnits); err != nil {
		return err
	}
	fs, err := tx.Forms(rid)
	if err != nil {
		return err
	}
	known := make(map[string]bool, len(fs))
	for id := range fs {
		known[id] = true
	}
	if err := rounds.CheckTree(units, known, csvRows); err != nil {
		return err
	}
	if r.Parent {
		return rounds.CheckParentUnits(units, csvRows)
	}
	return checkKeepsBatchedUnits(tx, rid, units)
}
