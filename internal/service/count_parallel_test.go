package service

import (
	"reflect"
	"testing"

	"ballot/internal/storage"
)

// TestParallelTallyEqualsOneByOne counts several full batches (and a partial
// one) on all cores and compares every target with counting the same ballots
// one by one: a batch lost or counted twice, or a part not merged, shows.
func TestParallelTallyEqualsOneByOne(t *testing.T) {
	const ballots, targets = 5000, 7
	s, rid, o := closedRound(t, ballots, targets)
	err := s.store.View(func(tx *storage.Tx) error {
		parallel, err := newAggregates(tx, rid)
		if err != nil {
			return err
		}
		done, err := tallyGrades(tx, rid, o, parallel, func(int) {})
		if err != nil {
			return err
		}
		if done != ballots {
			t.Errorf("counted %d ballots, sealed %d", done, ballots)
		}
		serial, err := newAggregates(tx, rid)
		if err != nil {
			return err
		}
		d := newGradesDecoder()
		err = openEach(tx, rid, storage.Grades, o, func(plain []byte) error {
			target, choices, scores, err := d.decode(plain)
			if err != nil {
				return err
			}
			a := serial[target]
			a.Add(a.form, choices, scores)
			return nil
		})
		if err != nil {
			return err
		}
		sum := 0
		for id, a := range serial {
			sum += a.Ballots
			if !reflect.DeepEqual(a.Target, parallel[id].Target) {
				t.Errorf("target %s: on all cores %+v, one by one %+v", id, parallel[id].Target, a.Target)
			}
		}
		if sum != ballots {
			t.Errorf("one by one counted %d ballots, sealed %d", sum, ballots)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
