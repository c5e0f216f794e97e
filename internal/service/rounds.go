package service

import (
	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/storage"
)

// CreateRound makes a draft round (one whose key the counting committee
// must set, if the server requires it of every round).
func (s *Service) CreateRound(p auth.Principal, in rounds.NewRound) (*rounds.Round, error) {
	in.CommitteeKey = (in.CommitteeKey || s.committeeKey) && !in.Parent
	r, err := rounds.New(in, s.now())
	if err != nil {
		return nil, err
	}
	err = s.update(p, "round.create", func(tx *storage.Tx) (any, error) {
		if err := tx.CreateRound(r); err != nil {
			return nil, err
		}
		return map[string]any{"round": r.ID, "title": r.Title, "year": r.Year, "committee_key_required": r.CommitteeKey, "parent": r.Parent}, nil
	})
	return r, err
}

// Rounds lists every round.
func (s *Service) Rounds() ([]rounds.Round, error) {
	var out []rounds.Round
	err := s.store.View(func(tx *storage.Tx) (err error) {
		out, err = tx.Rounds()
		return err
	})
	return out, err
}

// Round returns one round.
func (s *Service) Round(id string) (*rounds.Round, error) {
	var r *rounds.Round
	err := s.store.View(func(tx *storage.Tx) (err error) {
		r, err = tx.Round(id)
		return err
	})
	return r, err
}

// PatchRound changes a round as its state allows.
func (s *Service) PatchRound(p auth.Principal, id string, patch rounds.Patch) (*rounds.Round, error) {
	var r *rounds.Round
	err := s.update(p, "round.patch", func(tx *storage.Tx) (_ any, err error) {
		if r, err = tx.Round(id); err != nil {
			return nil, err
		}
		if err := r.Apply(patch, s.now()); err != nil {
			return nil, err
		}
		return map[string]any{"round": id, "title": patch.Title, "opens_at": patch.OpensAt, "closes_at": patch.ClosesAt,
			"min_group_size": patch.MinGroupSize, "clear_opens_at": patch.ClearOpensAt, "clear_closes_at": patch.ClearCloses,
			"documents": patch.Documents}, tx.PutRound(r)
	})
	return r, err
}

// SetDocuments replaces the settings of a round's printed documents.
func (s *Service) SetDocuments(p auth.Principal, id string, d rounds.Documents) (*rounds.Round, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	var r *rounds.Round
	err := s.update(p, "round.documents", func(tx *storage.Tx) (_ any, err error) {
		if r, err = tx.Round(id); err != nil {
			return nil, err
		}
		if err := r.Check(rounds.ActDocuments); err != nil {
			return nil, err
		}
		r.Documents = d
		return map[string]any{"round": id, "documents": d}, tx.PutRound(r)
	})
	return r, err
}

// SetKey sets a draft round's public key.
func (s *Service) SetKey(p auth.Principal, id, publicKey string) (*rounds.Round, error) {
	recipient, err := seal.ParseRecipient(publicKey)
	if err != nil {
		return nil, err
	}
	var r *rounds.Round
	err = s.update(p, "round.set_key", func(tx *storage.Tx) (_ any, err error) {
		if r, err = tx.Round(id); err != nil {
			return nil, err
		}
		if err := r.Check(rounds.ActSetKey); err != nil {
			return nil, err
		}
		if err := vouchForKey(tx, r); err != nil { // its flag as created, not as edited
			return nil, err
		}
		if err := r.MaySetKey(p.Role == auth.Committee); err != nil {
			return nil, err
		}
		r.PublicKey = recipient.String()
		return map[string]string{"round": id, "public_key": r.PublicKey}, tx.PutRound(r)
	})
	return r, err
}

// OpenRound opens a draft round. If it has no key, a pair is generated and
// the private key returned, once: it is never stored.
func (s *Service) OpenRound(p auth.Principal, id string) (r *rounds.Round, privateKey string, err error) {
	err = s.update(p, "round.open", func(tx *storage.Tx) (_ any, err error) {
		if r, err = tx.Round(id); err != nil {
			return nil, err
		}
		if err := r.Check(rounds.ActOpen); err != nil {
			return nil, err
		}
		if r.Parent {
			return openParent(tx, r, s.now)
		}
		if err := vouchForKey(tx, r); err != nil {
			return nil, err
		}
		n, err := tx.CountTargets(id)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, apperr.New(apperr.Conflict, "round.no_targets")
		}
		generated := false
		if r.PublicKey == "" && r.CommitteeKey {
			return nil, apperr.New(apperr.Conflict, "round.key_by_committee")
		}
		if r.PublicKey == "" {
			kp, err := seal.GenerateKeyPair()
			if err != nil {
				return nil, err
			}
			r.PublicKey, privateKey, generated = kp.Public, kp.Private, true
		}
		if err := r.MarkOpen(s.now()); err != nil {
			return nil, err
		}
		// The clear codes of draft batches are erased for good; the
		// compaction that keeps them out of free pages is owed in this
		// transaction and done below (or at the next start).
		if err := tx.EraseClearCodes(id); err != nil {
			return nil, err
		}
		// The units and forms are frozen now: check and counting compare
		// them with this digest.
		frozen, err := tx.FrozenDigest(id)
		if err != nil {
			return nil, err
		}
		return map[string]any{"round": id, "targets": n, "key_generated": generated, "public_key": r.PublicKey,
			"frozen_sha256": frozen}, tx.PutRound(r)
	})
	if err != nil {
		return nil, "", err
	}
	if r.Parent {
		return r, "", nil // nothing to erase, no data key
	}
	s.settle("opening " + id)
	// This process's data key is made now, so its registration time is
	// the opening's, not the first ballot's.
	if _, err := s.intake.DataKey(r); err != nil {
		s.log.Error("data key at opening", "round", id, "err", err)
	}
	return r, privateKey, nil
}

// CloseRound closes an open round and anchors a digest of its sealed
// records in the audit chain, in the same transaction.
func (s *Service) CloseRound(p auth.Principal, id string) (*rounds.Round, error) {
	var r *rounds.Round
	err := s.update(p, "round.close", func(tx *storage.Tx) (_ any, err error) {
		if r, err = tx.Round(id); err != nil {
			return nil, err
		}
		if err := r.MarkClosed(s.now()); err != nil {
			return nil, err
		}
		if r.Parent {
			return closeParent(tx, r)
		}
		// What the round holds is anchored now: counting checks it.
		sealed, err := tx.SealedDigest(id)
		if err != nil {
			return nil, err
		}
		grades, err := tx.CountSealed(id, storage.Grades)
		if err != nil {
			return nil, err
		}
		notes, err := tx.CountSealed(id, storage.Notes)
		if err != nil {
			return nil, err
		}
		return map[string]any{"round": id, "sealed_sha256": sealed, "ballots": grades, "comments": notes}, tx.PutRound(r)
	})
	return r, err
}
