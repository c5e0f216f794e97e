package intake

import (
	"errors"

	"ballot/internal/apperr"
	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/storage"
)

// DataKey returns the round's data key, making a new one on first use in
// this process: stored wrapped to the round's public key and registered in
// the audit chain in one transaction, so counting can refuse records under
// any key the server did not make. Keys are made when a round opens and
// when the server starts (MakeKeys), so a key's registration time is never
// a ballot's.
func (in *Intake) DataKey(r *rounds.Round) (*seal.DataKey, error) {
	in.keys.mu.Lock()
	defer in.keys.mu.Unlock()
	if dk := in.keys.m[r.ID]; dk != nil {
		return dk, nil
	}
	recipient, err := seal.ParseRecipient(r.PublicKey)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	dk, err := seal.NewDataKey(recipient)
	if err != nil {
		return nil, err
	}
	err = in.store.Update(func(tx *storage.Tx) error {
		if in.opt.Vouch != nil {
			if err := in.opt.Vouch(tx, r); err != nil {
				return err
			}
		}
		if err := tx.PutDataKey(r.ID, dk.ID, dk.Wrapped); err != nil {
			return err
		}
		_, err := tx.Audit(storage.DataKeyEvent("datakey.create", r.ID, dk.ID[:], dk.Wrapped), in.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	in.keys.m[r.ID] = dk
	return dk, nil
}

// MakeKeys makes this process's data key of every open round.
func (in *Intake) MakeKeys() error {
	var open []rounds.Round
	err := in.store.View(func(tx *storage.Tx) error {
		all, err := tx.Rounds()
		for _, r := range all {
			if r.Check(rounds.ActSubmit) == nil { // open, taking ballots
				open = append(open, r)
			}
		}
		return err
	})
	for i := range open {
		if _, kerr := in.DataKey(&open[i]); kerr != nil {
			err = errors.Join(err, kerr)
		}
	}
	return err
}
