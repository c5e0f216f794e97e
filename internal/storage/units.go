package storage

import (
	"ballot/internal/rounds"
)

// ReplaceUnits replaces the whole unit set of round rid.
func (t *Tx) ReplaceUnits(rid string, units []rounds.Unit) error {
	rb, err := t.roundBucket(rid)
	if err != nil {
		return err
	}
	if rb.Bucket(bUnits) != nil {
		if err := rb.DeleteBucket(bUnits); err != nil {
			return err
		}
	}
	b, err := rb.CreateBucket(bUnits)
	if err != nil {
		return err
	}
	for i := range units {
		if err := putJSON(b, []byte(units[i].ID), &units[i]); err != nil {
			return err
		}
	}
	return nil
}

// Units returns the units of round rid, by id.
func (t *Tx) Units(rid string) ([]rounds.Unit, error) {
	b, err := t.sub(rid, bUnits)
	if err != nil {
		return nil, err
	}
	var out []rounds.Unit
	err = eachJSON(b, func(u *rounds.Unit) error { out = append(out, *u); return nil })
	return out, err
}

// Unit returns unit id of round rid, or a not_found error.
func (t *Tx) Unit(rid, id string) (*rounds.Unit, error) {
	b, err := t.sub(rid, bUnits)
	if err != nil {
		return nil, err
	}
	u := new(rounds.Unit)
	if b != nil {
		ok, err := getJSON(b, []byte(id), u)
		if err != nil {
			return nil, err
		}
		if ok {
			return u, nil
		}
	}
	return nil, notFound("unit", id)
}

// CountTargets returns how many units of round rid have a form.
func (t *Tx) CountTargets(rid string) (int, error) {
	n := 0
	units, err := t.Units(rid)
	for i := range units {
		if units[i].IsTarget() {
			n++
		}
	}
	return n, err
}
