package storage

import (
	"ballot/internal/report"
)

var (
	bRatings = []byte("ratings")
	bCaps    = []byte("caps")
	bFinals  = []byte("finals")
)

// PutRating stores a target's rating.
func (t *Tx) PutRating(rid string, r *report.Rating) error {
	b, err := t.sub(rid, bRatings)
	if err != nil {
		return err
	}
	return putJSON(b, []byte(r.Unit), r)
}

// Ratings returns the ratings of round rid by target.
func (t *Tx) Ratings(rid string) (map[string]report.Rating, error) {
	b, err := t.sub(rid, bRatings)
	if err != nil {
		return nil, err
	}
	out := map[string]report.Rating{}
	err = eachJSON(b, func(r *report.Rating) error { out[r.Unit] = *r; return nil })
	return out, err
}

// PutCap stores a cap.
func (t *Tx) PutCap(rid string, c *report.Cap) error {
	b, err := t.sub(rid, bCaps)
	if err != nil {
		return err
	}
	return putJSON(b, []byte(report.CapKey(c.Unit, c.Group)), c)
}

// Caps returns the caps of round rid by report.CapKey.
func (t *Tx) Caps(rid string) (map[string]int, error) {
	b, err := t.sub(rid, bCaps)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	err = eachJSON(b, func(c *report.Cap) error { out[report.CapKey(c.Unit, c.Group)] = c.Hundredths; return nil })
	return out, err
}

// PutFinal records a final report.
func (t *Tx) PutFinal(rid string, f *report.Final) error {
	b, err := t.sub(rid, bFinals)
	if err != nil {
		return err
	}
	return putJSON(b, []byte(f.Unit), f)
}

// Finals returns the final reports of round rid by unit.
func (t *Tx) Finals(rid string) (map[string]report.Final, error) {
	b, err := t.sub(rid, bFinals)
	if err != nil {
		return nil, err
	}
	out := map[string]report.Final{}
	err = eachJSON(b, func(f *report.Final) error { out[f.Unit] = *f; return nil })
	return out, err
}
