package intake

import (
	"ballot/internal/apperr"
	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/storage"
)

// DataKey returns the round's data key, making and storing (wrapped) a new
// one on first use in this process.
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
	if err := in.store.Update(func(tx *storage.Tx) error { return tx.PutDataKey(r.ID, dk.ID, dk.Wrapped) }); err != nil {
		return nil, err
	}
	in.keys.m[r.ID] = dk
	return dk, nil
}
