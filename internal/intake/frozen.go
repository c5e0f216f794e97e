package intake

import (
	"maps"
	"slices"
	"sync"

	"ballot/internal/ballots"
	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// frozen is what cannot change once a round is open: its targets' units and
// forms (imports and forms are refused after draft). Submissions read them
// from here instead of decoding them again.
type frozen struct {
	mu    sync.RWMutex
	m     map[string]*frozenEntry // by round + "\x00" + target
	sizes map[string]int          // sealed grades, by round
}

type frozenEntry struct {
	unit rounds.Unit
	form *forms.Form
}

// frozenTarget returns target's unit and form, cached once r is past draft.
func (in *Intake) frozenTarget(tx *storage.Tx, r *rounds.Round, target string) (*frozenEntry, error) {
	key := r.ID + "\x00" + target
	in.frozen.mu.RLock()
	e := in.frozen.m[key]
	in.frozen.mu.RUnlock()
	if e != nil {
		return e, nil
	}
	u, err := tx.Unit(r.ID, target)
	if err != nil {
		return nil, err
	}
	f, err := tx.Form(r.ID, u.Form)
	if err != nil {
		return nil, err
	}
	e = &frozenEntry{unit: *u, form: f}
	if r.State != rounds.Draft {
		in.frozen.mu.Lock()
		in.frozen.m[key] = e
		in.frozen.mu.Unlock()
	}
	return e, nil
}

// frozenSize returns the size of round r's sealed grades, cached once r is
// past draft.
func (in *Intake) frozenSize(tx *storage.Tx, r *rounds.Round) (int, error) {
	in.frozen.mu.RLock()
	size, ok := in.frozen.sizes[r.ID]
	in.frozen.mu.RUnlock()
	if ok {
		return size, nil
	}
	fs, err := tx.Forms(r.ID)
	if err != nil {
		return 0, err
	}
	size = ballots.GradesSize(slices.Collect(maps.Values(fs)))
	if r.State != rounds.Draft {
		in.frozen.mu.Lock()
		in.frozen.sizes[r.ID] = size
		in.frozen.mu.Unlock()
	}
	return size, nil
}
