package service

import (
	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/ballots"
	"ballot/internal/codes"
	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

// Progress reports a long operation's advance: a stage, done of total.
type Progress func(stage string, done, total int)

// Count opens a closed round's ballots with the committee's private key,
// stores the counted aggregates, a shuffled comment list per target and the
// receipt hashes, erases every per-code record and the code key, and
// compacts the file (owed in the same transaction, so a crash before it is
// done leaves it to the next start). The
// key is held in memory only while counting. A key that is not the round's
// counts nothing.
func (s *Service) Count(p auth.Principal, rid, privateKey string, progress Progress) (*rounds.Round, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	identity, err := seal.ParseIdentity(privateKey)
	if err != nil {
		return nil, err
	}
	s.countMu.Lock()
	defer s.countMu.Unlock()
	r, err := s.Round(rid)
	if err != nil {
		return nil, err
	}
	if err := r.Check(rounds.ActCount); err != nil {
		return nil, err
	}
	if identity.Recipient().String() != r.PublicKey {
		return nil, apperr.Field("private_key", "key.wrong_round")
	}
	opener := seal.NewOpener(identity)
	defer opener.Close()

	var targets map[string]*ballots.Aggregate
	var comments map[string][]string
	var receipts [][32]byte
	err = s.store.View(func(tx *storage.Tx) error {
		units, err := tx.Units(rid)
		if err != nil {
			return err
		}
		fs, err := tx.Forms(rid)
		if err != nil {
			return err
		}
		targets = ballots.NewAggregates(units, fs)
		foreign, err := addRegisteredKeys(tx, rid, opener)
		if err != nil {
			return apperr.Wrap(err)
		}
		if foreign > 0 {
			return apperr.New(apperr.Conflict, "count.foreign_keys", foreign)
		}
		total, _ := tx.CountSealed(rid, storage.Grades)
		done, err := ballots.CountGrades(sealed(tx, rid, storage.Grades), opener, ballots.AAD(rid, storage.Grades), targets,
			func(n int) { progress("ballots", n, total) })
		if err != nil {
			return err
		}
		progress("ballots", done, total)
		if comments, err = ballots.CountNotes(sealed(tx, rid, storage.Notes), opener, ballots.AAD(rid, storage.Notes), targets); err != nil {
			return err
		}
		return tx.EachCode(rid, func(_ []byte, rec *codes.Record) error {
			if rec.State == codes.Used {
				receipts = append(receipts, codes.ReceiptHash(codes.ReceiptString(rec.Receipt)))
			}
			return nil
		})
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	list := make([]*tally.Target, 0, len(targets))
	byID := make(map[string]*tally.Target, len(targets))
	for id, t := range targets {
		list = append(list, &t.Target)
		byID[id] = &t.Target
	}
	// What to withhold is decided once, here, over every published view.
	progress("withhold", 0, 1)
	var withheld tally.Withheld
	err = s.store.View(func(tx *storage.Tx) error {
		units, err := tx.Units(rid)
		if err != nil {
			return err
		}
		fs, err := tx.Forms(rid)
		if err != nil {
			return err
		}
		tree := tally.NewTree(units)
		withheld = tally.Decide(tree, byID, tally.Rollups(tree, byID, fs), fs, r.MinGroupSize, true)
		return nil
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	progress("store", 0, 1)
	err = s.update(p, "round.count", func(tx *storage.Tx) (_ any, err error) {
		if r, err = tx.Round(rid); err != nil {
			return nil, err
		}
		if err := r.MarkCounted(s.now()); err != nil {
			return nil, err
		}
		if err := tx.PutCounted(rid, list, comments, receipts); err != nil {
			return nil, err
		}
		if err := tx.PutWithheld(rid, withheld); err != nil {
			return nil, err
		}
		if err := tx.EraseCodes(rid); err != nil {
			return nil, err
		}
		return map[string]any{"round": rid, "receipts": len(receipts)}, tx.PutRound(r)
	})
	if err != nil {
		return nil, err
	}
	progress("compact", 0, 1)
	s.settle("counting " + rid)
	progress("done", 1, 1)
	return r, nil
}

// sealed walks round rid's sealed records of one kind within tx.
func sealed(tx *storage.Tx, rid string, kind storage.Kind) ballots.Each {
	return func(fn func(key, value []byte) error) error { return tx.EachSealed(rid, kind, fn) }
}
