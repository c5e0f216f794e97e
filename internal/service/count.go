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
// done leaves it to the next start). The key is held in memory only while
// counting. A key that is not the round's counts nothing; nor do sealed
// records other than those the audit chain anchored at closing.
func (s *Service) Count(p auth.Principal, rid, privateKey string, progress Progress) (*rounds.Round, error) {
	if progress == nil {
		progress = func(string, int, int) {}
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
	c, err := s.recount(r, privateKey, progress, true)
	if err != nil {
		return nil, err
	}
	list := make([]*tally.Target, 0, len(c.targets))
	for _, t := range c.targets {
		list = append(list, &t.Target)
	}
	progress("store", 0, 1)
	err = s.update(p, "round.count", func(tx *storage.Tx) (_ any, err error) {
		if r, err = tx.Round(rid); err != nil {
			return nil, err
		}
		if err := r.MarkCounted(s.now()); err != nil {
			return nil, err
		}
		if err := tx.PutCounted(rid, list, c.comments, c.receipts); err != nil {
			return nil, err
		}
		if err := tx.PutWithheld(rid, c.withheld); err != nil {
			return nil, err
		}
		if err := tx.EraseCodes(rid); err != nil {
			return nil, err
		}
		counted, err := tx.CountedDigest(rid)
		if err != nil {
			return nil, err
		}
		return map[string]any{"round": rid, "receipts": len(c.receipts), "counted_sha256": counted}, tx.PutRound(r)
	})
	if err != nil {
		return nil, err
	}
	progress("compact", 0, 1)
	s.settle("counting " + rid)
	progress("done", 1, 1)
	return r, nil
}

// countedRound is what counting finds in a round's sealed records.
type countedRound struct {
	targets  map[string]*ballots.Aggregate
	comments map[string][]string
	receipts [][32]byte
	withheld tally.Withheld
}

// recount opens and counts round r's sealed records with privateKey —
// after checking them against what the audit chain anchored — and decides
// what to withhold; with receipts, it also collects the receipt hashes of
// the used codes (which exist only until counting).
func (s *Service) recount(r *rounds.Round, privateKey string, progress Progress, receipts bool) (*countedRound, error) {
	identity, err := seal.ParseIdentity(privateKey)
	if err != nil {
		return nil, err
	}
	if identity.Recipient().String() != r.PublicKey {
		return nil, apperr.Field("private_key", "key.wrong_round")
	}
	opener := seal.NewOpener(identity)
	defer opener.Close()
	rid, c := r.ID, &countedRound{}
	err = s.store.View(func(tx *storage.Tx) error {
		units, err := tx.Units(rid)
		if err != nil {
			return err
		}
		fs, err := tx.Forms(rid)
		if err != nil {
			return err
		}
		c.targets = ballots.NewAggregates(units, fs)
		if err := checkSealed(tx, rid, opener); err != nil {
			return err
		}
		total, _ := tx.CountSealed(rid, storage.Grades)
		done, err := ballots.CountGrades(sealed(tx, rid, storage.Grades), opener, ballots.AAD(rid, storage.Grades), c.targets,
			func(n int) { progress("ballots", n, total) })
		if err != nil {
			return err
		}
		progress("ballots", done, total)
		if c.comments, err = ballots.CountNotes(sealed(tx, rid, storage.Notes), opener, ballots.AAD(rid, storage.Notes), c.targets); err != nil {
			return err
		}
		// What to withhold is decided once, here, over every published view.
		progress("withhold", 0, 1)
		byID := make(map[string]*tally.Target, len(c.targets))
		for id, t := range c.targets {
			byID[id] = &t.Target
		}
		tree := tally.NewTree(units)
		c.withheld = tally.Decide(tree, byID, tally.Rollups(tree, byID, fs), fs, r.MinGroupSize, true)
		if !receipts {
			return nil
		}
		return tx.EachCode(rid, func(_ []byte, rec *codes.Record) error {
			if rec.State == codes.Used {
				c.receipts = append(c.receipts, codes.ReceiptHash(codes.ReceiptString(rec.Receipt)))
			}
			return nil
		})
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return c, nil
}

// checkSealed refuses to count round rid unless its state, kind and public
// key are those its audit history leaves it (life) and its records are what
// the audit chain anchored: every record under a data key the chain
// registers (those go to o), and all of them as they were when the round
// closed.
func checkSealed(tx *storage.Tx, rid string, o *seal.Opener) error {
	a, err := roundAnchors(tx, rid)
	if err != nil {
		return err
	}
	r, err := tx.Round(rid)
	if err != nil {
		return err
	}
	if len(a.life.edits(r)) > 0 {
		return apperr.New(apperr.Conflict, "count.life_edited")
	}
	foreign, err := trustedKeys(tx, rid, a, o)
	if err != nil {
		return err
	}
	if foreign > 0 {
		return apperr.New(apperr.Conflict, "count.foreign_keys", foreign)
	}
	if a.frozen != nil {
		units, err := tx.FrozenDigest(rid)
		if err != nil {
			return err
		}
		if units != a.frozen.digest {
			return apperr.New(apperr.Conflict, "count.frozen_changed", a.frozen.seq)
		}
	}
	now, err := tx.SealedDigest(rid)
	if err != nil {
		return err
	}
	switch {
	case a.sealed == nil:
		return apperr.New(apperr.Conflict, "count.no_seal_digest")
	case a.sealed.digest != now:
		return apperr.New(apperr.Conflict, "count.sealed_changed", a.sealed.seq)
	}
	return nil
}

// sealed walks round rid's sealed records of one kind within tx.
func sealed(tx *storage.Tx, rid string, kind storage.Kind) ballots.Each {
	return func(fn func(key, value []byte) error) error { return tx.EachSealed(rid, kind, fn) }
}
