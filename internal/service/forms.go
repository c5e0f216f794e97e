package service

import (
	"ballot/internal/auth"
	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// AddForm adds a form to a draft round, replacing one with its id.
func (s *Service) AddForm(p auth.Principal, rid string, f *forms.Form) (*forms.Form, error) {
	err := s.update(p, "form.put", func(tx *storage.Tx) (any, error) {
		r, err := tx.Round(rid)
		if err != nil {
			return nil, err
		}
		if err := r.Check(rounds.ActAddForm); err != nil {
			return nil, err
		}
		f.Version = 1
		if old, err := tx.Form(rid, f.ID); err == nil {
			f.Version = old.Version + 1
		}
		return map[string]any{"round": rid, "form": f.ID, "version": f.Version, "hash": f.Hash}, tx.PutForm(rid, f)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Form returns a round's form.
func (s *Service) Form(rid, fid string) (*forms.Form, error) {
	var f *forms.Form
	err := s.store.View(func(tx *storage.Tx) (err error) {
		if _, err = tx.Round(rid); err != nil {
			return err
		}
		f, err = tx.Form(rid, fid)
		return err
	})
	return f, err
}

// Forms returns a round's forms, by id.
func (s *Service) Forms(rid string) ([]*forms.Form, error) {
	var out []*forms.Form
	err := s.store.View(func(tx *storage.Tx) error {
		if _, err := tx.Round(rid); err != nil {
			return err
		}
		fs, err := tx.Forms(rid)
		for _, id := range forms.TemplateIDs() {
			if f := fs[id]; f != nil {
				out = append(out, f)
				delete(fs, id)
			}
		}
		for _, f := range fs {
			out = append(out, f)
		}
		return err
	})
	return out, err
}
