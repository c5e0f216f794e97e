package intake

import (
	"ballot/internal/apperr"
	"ballot/internal/codes"
	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// found is what the read phase learns of a code.
type found struct {
	round   *rounds.Round
	codeKey []byte // the record's key (HMAC of the code)
	record  *codes.Record
	batch   *rounds.Batch
	forms   map[string]*forms.Form // by target
	units   []rounds.Unit          // the batch's targets, in its order
	size    int                    // of the round's sealed grades
}

// lookup finds the round and record of a code. Codes carry no round: each
// round that still has codes is asked, by keyed hash.
func (in *Intake) lookup(digits string) (*found, error) {
	var f *found
	err := in.store.View(func(tx *storage.Tx) error {
		all, err := tx.Rounds()
		if err != nil {
			return err
		}
		for i := range all {
			r := &all[i]
			key, err := tx.CodeKey(r.ID)
			if err != nil || key == nil {
				continue
			}
			k := codes.Key(key, digits)
			rec, err := tx.Code(r.ID, k)
			if err != nil {
				return err
			}
			if rec == nil {
				continue
			}
			f = &found{round: r, codeKey: k, record: rec, forms: map[string]*forms.Form{}}
			if rec.State != codes.Unused {
				return nil
			}
			if f.batch, err = tx.Batch(r.ID, rec.Batch); err != nil {
				return err
			}
			if f.size, err = in.frozenSize(tx, r); err != nil {
				return err
			}
			for _, t := range f.batch.Targets {
				ft, err := in.frozenTarget(tx, r, t)
				if err != nil {
					return err
				}
				f.units = append(f.units, ft.unit)
				f.forms[t] = ft.form
			}
			return nil
		}
		return apperr.New(apperr.AccessCodeUnknown, "code.unknown")
	})
	return f, err
}
