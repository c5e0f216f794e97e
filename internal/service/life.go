package service

import (
	"fmt"

	"ballot/internal/apperr"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// life is a round's history as the audit chain records it (docs/design.md
// §3.10): whether it was made a parent round or one whose key only the
// committee sets, how often it was opened,
// closed and counted, and the public key audited when it was set and when
// opening used it. A round's state, kind and key in the file are only what
// was last written there; an edit of them (a closed round opened again to
// take more ballots, a counted one made countable again, a key swapped so
// that the server's next data key is wrapped to someone else's) leaves the
// chain as it was: check names the difference, counting refuses it, and no
// data key is made for such a round, nor is it opened.
type life struct {
	created, parent         bool
	committeeKey            bool // created as a round whose key only the committee sets
	opened, closed, counted int
	setKey, openKey         string // the public key last set, and the one opening used
}

// add takes one audit entry of the round.
func (l *life) add(action string, d digestDetail) {
	switch action {
	case "round.create":
		l.created, l.parent, l.committeeKey = true, d.Parent, d.CommitteeKey
	case "round.set_key":
		l.setKey = d.Public
	case "round.open":
		l.opened++
		if l.openKey == "" {
			l.openKey = d.Public
		}
	case "round.close":
		l.closed++
	case "round.count":
		l.counted++
	}
}

// state is the state the chain leaves a round that takes ballots in.
func (l *life) state() rounds.State {
	switch {
	case l.counted > 0:
		return rounds.Counted
	case l.closed > 0:
		return rounds.Closed
	case l.opened > 0:
		return rounds.Open
	}
	return rounds.Draft
}

// edits describes each way round r as stored differs from its history.
func (l *life) edits(r *rounds.Round) []string {
	var out []string
	if l.created && l.parent != r.Parent {
		out = append(out, fmt.Sprintf("it is stored as a parent round: %t, but was created as one: %t (edited in the file)", r.Parent, l.parent))
	}
	if r.Parent || l.parent {
		return out // a parent round's life is checked with its results
	}
	if l.created && l.committeeKey && !r.CommitteeKey {
		out = append(out, "it was created as a round whose key only the counting committee sets, and is no longer stored as one (edited in the file)")
	}
	if want := l.state(); r.State != want {
		out = append(out, fmt.Sprintf("its state is %s, but the audit chain leaves it %s (edited in the file)", r.State, want))
	}
	for i, n := range []int{l.opened, l.closed, l.counted} {
		if n > 1 {
			out = append(out, fmt.Sprintf("the audit chain records it %s %d times (its state was edited in the file in between)",
				[]string{"opened", "closed", "counted"}[i], n))
		}
	}
	key := l.setKey
	if l.openKey != "" {
		key = l.openKey
		if l.setKey != "" && l.openKey != l.setKey {
			out = append(out, "it was opened with a public key other than the one set (edited in the file before opening)")
		}
	}
	if key != "" && r.PublicKey != key {
		out = append(out, "its public key is not the one the audit chain recorded (edited in the file)")
	}
	return out
}

// vouchForKey refuses round r unless it is what its audit history leaves:
// asked before a new data key is stored (intake.Options.Vouch), before a key
// is set and before opening, so a server started on a file whose round was
// given another public key, or opened again, seals nothing under it, and a
// round made to require the committee's key takes none from an admin.
func vouchForKey(tx *storage.Tx, r *rounds.Round) error {
	a, err := roundAnchors(tx, r.ID)
	if err != nil {
		return err
	}
	if len(a.life.edits(r)) > 0 {
		return apperr.New(apperr.Conflict, "round.life_edited", r.ID)
	}
	return nil
}
