package ballots

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/seal"
)

// sealedRound seals n random ballots over t targets of one form, as the
// intake would, and returns them with an opener for their key.
func sealedRound(tb testing.TB, n, t int) (values [][]byte, o *seal.Opener, units []rounds.Unit, fs map[string]*forms.Form) {
	tb.Helper()
	f, _ := forms.Template("to-chuc-co-so-dang")
	fs = map[string]*forms.Form{f.ID: &f}
	units = []rounds.Unit{{ID: "p", Name: "P", Kind: "province"}}
	for i := 0; i < t; i++ {
		units = append(units, rounds.Unit{ID: fmt.Sprintf("c%05d", i), Parent: "p", Kind: "grassroots", Form: f.ID})
	}
	kp, err := seal.GenerateKeyPair()
	if err != nil {
		tb.Fatal(err)
	}
	recipient, _ := seal.ParseRecipient(kp.Public)
	dk, err := seal.NewDataKey(recipient)
	if err != nil {
		tb.Fatal(err)
	}
	identity, _ := seal.ParseIdentity(kp.Private)
	o = seal.NewOpener(identity)
	if err := o.AddKey(dk.ID, dk.Wrapped); err != nil {
		tb.Fatal(err)
	}
	rng, size := rand.New(rand.NewPCG(1, 2)), GradesSize([]*forms.Form{&f})
	for i := 0; i < n; i++ {
		v, err := dk.Seal(EncodeGrades(randomGrades(rng, units[1+i%t].ID, &f)), AAD("r1", []byte("grades")), size)
		if err != nil {
			tb.Fatal(err)
		}
		values = append(values, v)
	}
	return values, o, units, fs
}

// eachOf walks values as storage would.
func eachOf(values [][]byte) Each {
	return func(fn func(key, value []byte) error) error {
		for _, v := range values {
			if err := fn(nil, v); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestParallelTallyEqualsOneByOne counts several full batches (and a partial
// one) on all cores and compares every target with counting the same ballots
// one by one: a batch lost or counted twice, or a part not merged, shows.
func TestParallelTallyEqualsOneByOne(t *testing.T) {
	t.Parallel()
	const ballots, targets = 5000, 7
	values, o, units, fs := sealedRound(t, ballots, targets)
	aad := AAD("r1", []byte("grades"))
	parallel := NewAggregates(units, fs)
	done, err := CountGrades(eachOf(values), o, aad, parallel, func(int) {})
	if err != nil {
		t.Fatal(err)
	}
	if done != ballots {
		t.Errorf("counted %d ballots, sealed %d", done, ballots)
	}
	serial := NewAggregates(units, fs)
	d := newGradesDecoder()
	err = OpenEach(eachOf(values), o, aad, func(plain []byte) error {
		target, choices, scores, err := d.decode(plain)
		if err != nil {
			return err
		}
		a := serial[target]
		a.Add(a.Form, choices, scores)
		return nil
	})
	if err != nil {
		t.Fatal(err)
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
}
