package storage

import (
	"ballot/internal/forms"
)

// PutForm stores f in round rid, replacing a form with its id.
func (t *Tx) PutForm(rid string, f *forms.Form) error {
	b, err := t.sub(rid, bForms)
	if err != nil {
		return err
	}
	return putJSON(b, []byte(f.ID), f)
}

// Form returns form fid of round rid, or a not_found error.
func (t *Tx) Form(rid, fid string) (*forms.Form, error) {
	b, err := t.sub(rid, bForms)
	if err != nil {
		return nil, err
	}
	f := new(forms.Form)
	if b != nil {
		ok, err := getJSON(b, []byte(fid), f)
		if err != nil {
			return nil, err
		}
		if ok {
			return f, nil
		}
	}
	return nil, notFound("form", fid)
}

// Forms returns the forms of round rid by id.
func (t *Tx) Forms(rid string) (map[string]*forms.Form, error) {
	b, err := t.sub(rid, bForms)
	if err != nil {
		return nil, err
	}
	out := map[string]*forms.Form{}
	err = eachJSON(b, func(f *forms.Form) error { out[f.ID] = f; return nil })
	return out, err
}
