package service

import (
	"bytes"
	"slices"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/codes"
	"ballot/internal/i18n"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// unitsByID indexes a round's units.
func unitsByID(units []rounds.Unit) map[string]*rounds.Unit {
	m := make(map[string]*rounds.Unit, len(units))
	for i := range units {
		m[units[i].ID] = &units[i]
	}
	return m
}

// IssueBatch makes a batch of codes for a set of targets and returns the
// codes in clear. In draft they can be downloaded again until the round
// opens; a batch made while open is shown only now.
func (s *Service) IssueBatch(p auth.Principal, rid string, in rounds.NewBatch) (*rounds.Batch, []string, error) {
	bs, lists, err := s.IssueBatches(p, rid, []rounds.NewBatch{in})
	if err != nil {
		return nil, nil, err
	}
	return bs[0], lists[0], nil
}

// IssueBatches makes several batches in one transaction, all or nothing
// (the error of a bad one names its row).
func (s *Service) IssueBatches(p auth.Principal, rid string, ins []rounds.NewBatch) ([]*rounds.Batch, [][]string, error) {
	var bs []*rounds.Batch
	var lists [][]string
	err := s.update(p, "batch.create", func(tx *storage.Tx) (any, error) {
		r, err := tx.Round(rid)
		if err != nil {
			return nil, err
		}
		if err := r.Check(rounds.ActAddBatch); err != nil {
			return nil, err
		}
		units, err := tx.Units(rid)
		if err != nil {
			return nil, err
		}
		byID := unitsByID(units)
		for i := range ins {
			if err := ins[i].Check(byID); err != nil {
				if len(ins) > 1 {
					e := apperr.Wrap(err)
					return nil, apperr.New(apperr.Invalid, "unit.at", i18n.M("unit.row", i+2), e.Msg)
				}
				return nil, err
			}
		}
		key, err := tx.CodeKey(rid)
		if err != nil {
			return nil, err
		}
		var detail []map[string]any
		// Codes are put in key order at the end: random keys put one by one
		// into a large transaction move bbolt's node contents on every put
		// (61,567 codes took 9 s; sorted, a fraction of that).
		type newCode struct {
			key []byte
			rec codes.Record
		}
		var made []newCode
		drawn := map[string]bool{}
		for _, in := range ins {
			b := &rounds.Batch{Label: in.Label, Targets: in.Targets, Count: in.Count, CreatedAt: s.now().UTC(), WhileOpen: r.State == rounds.Open}
			if err := tx.CreateBatch(rid, b); err != nil {
				return nil, err
			}
			list := make([]string, 0, in.Count)
			for len(list) < in.Count {
				digits := codes.New()
				k := codes.Key(key, digits)
				if drawn[string(k)] {
					continue // a collision among 10^15: draw again
				}
				if old, err := tx.Code(rid, k); err != nil {
					return nil, err
				} else if old != nil {
					continue
				}
				drawn[string(k)] = true
				made = append(made, newCode{k, codes.Record{State: codes.Unused, Batch: b.ID}})
				list = append(list, codes.Format(digits))
			}
			if r.State == rounds.Draft {
				if err := tx.PutClearCodes(rid, b.ID, list); err != nil {
					return nil, err
				}
			}
			bs, lists = append(bs, b), append(lists, list)
			detail = append(detail, map[string]any{"batch": b.ID, "targets": b.Targets, "count": b.Count, "label": b.Label})
		}
		slices.SortFunc(made, func(a, b newCode) int { return bytes.Compare(a.key, b.key) })
		for i := range made {
			if err := tx.PutCode(rid, made[i].key, &made[i].rec); err != nil {
				return nil, err
			}
		}
		return map[string]any{"round": rid, "batches": detail}, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return bs, lists, nil
}

// BatchCodes returns a draft batch's codes again.
func (s *Service) BatchCodes(p auth.Principal, rid, bid string) (*rounds.Batch, []string, error) {
	var b *rounds.Batch
	var list []string
	err := s.update(p, "batch.download", func(tx *storage.Tx) (_ any, err error) {
		r, err := tx.Round(rid)
		if err != nil {
			return nil, err
		}
		if b, err = tx.Batch(rid, bid); err != nil {
			return nil, err
		}
		if err := r.Check(rounds.ActShowCodes); err != nil {
			return nil, err
		}
		if list, err = tx.ClearCodes(rid, bid); err != nil {
			return nil, err
		}
		return map[string]string{"round": rid, "batch": bid}, nil
	})
	return b, list, err
}

// RevokeBatch stops every unused code of a batch.
func (s *Service) RevokeBatch(p auth.Principal, rid, bid string) (*rounds.Batch, error) {
	var b *rounds.Batch
	err := s.update(p, "batch.revoke", func(tx *storage.Tx) (_ any, err error) {
		r, err := tx.Round(rid)
		if err != nil {
			return nil, err
		}
		if err := r.Check(rounds.ActRevoke); err != nil {
			return nil, err
		}
		if b, err = tx.Batch(rid, bid); err != nil {
			return nil, err
		}
		var doomed [][]byte
		err = tx.EachCode(rid, func(k []byte, rec *codes.Record) error {
			if rec.Batch == bid && rec.State == codes.Unused {
				doomed = append(doomed, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for _, k := range doomed {
			if err := tx.PutCode(rid, k, &codes.Record{State: codes.Revoked, Batch: bid}); err != nil {
				return nil, err
			}
		}
		b.Revoked += len(doomed)
		return map[string]any{"round": rid, "batch": bid, "revoked": len(doomed)}, tx.PutBatch(rid, b)
	})
	return b, err
}

// RevokeCode stops one unused code (a returned slip).
func (s *Service) RevokeCode(p auth.Principal, rid, code string) error {
	digits, err := codes.Normalize(code)
	if err != nil {
		return err
	}
	return s.update(p, "code.revoke", func(tx *storage.Tx) (any, error) {
		r, err := tx.Round(rid)
		if err != nil {
			return nil, err
		}
		if err := r.Check(rounds.ActRevoke); err != nil {
			return nil, err
		}
		key, err := tx.CodeKey(rid)
		if err != nil {
			return nil, err
		}
		k := codes.Key(key, digits)
		rec, err := tx.Code(rid, k)
		switch {
		case err != nil:
			return nil, err
		case rec == nil || rec.State == codes.Revoked:
			return nil, apperr.New(apperr.AccessCodeUnknown, "code.unknown")
		case rec.State == codes.Used:
			return nil, apperr.New(apperr.AccessCodeUsed, "code.used")
		}
		b, err := tx.Batch(rid, rec.Batch)
		if err != nil {
			return nil, err
		}
		b.Revoked++
		if err := tx.PutBatch(rid, b); err != nil {
			return nil, err
		}
		// The audit names the batch, never the code.
		return map[string]string{"round": rid, "batch": rec.Batch}, tx.PutCode(rid, k, &codes.Record{State: codes.Revoked, Batch: rec.Batch})
	})
}

// checkKeepsBatchedUnits refuses a unit import that would drop a target
// that has code batches.
func checkKeepsBatchedUnits(tx *storage.Tx, rid string, units []rounds.Unit) error {
	batches, err := tx.Batches(rid)
	if err != nil {
		return err
	}
	byID := unitsByID(units)
	for _, b := range batches {
		for _, t := range b.Targets {
			if u := byID[t]; u == nil || !u.IsTarget() {
				return apperr.New(apperr.Conflict, "unit.has_batches", t, b.ID)
			}
		}
	}
	return nil
}

// Batches lists a round's batches.
func (s *Service) Batches(rid string) ([]rounds.Batch, error) {
	out := []rounds.Batch{}
	err := s.store.View(func(tx *storage.Tx) error {
		if _, err := tx.Round(rid); err != nil {
			return err
		}
		bs, err := tx.Batches(rid)
		out = append(out, bs...)
		return err
	})
	return out, err
}
