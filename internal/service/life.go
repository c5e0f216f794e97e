package service

import (
	"fmt"
	"slices"
	"strings"

	"ballot/internal/rounds"
)

// life is a round's history as the audit chain records it (docs/design.md
// §3.10): whether it was made a parent round, how often it was opened,
// closed and counted, the public key audited when it was set or used at
// opening, and the public key each data key was made for. A round's state,
// kind and key in the file are only what was last written there; an edit
// of them (a closed round opened again to take more ballots, a counted one
// made countable again, a key swapped so that the server's next data key is
// wrapped to someone else's) leaves the chain as it was, and check names
// the difference.
type life struct {
	created, parent         bool
	opened, closed, counted int
	publicKey               string
	recorded                map[string]string // data key id → the public key it was made for
}

// add takes one audit entry of the round.
func (l *life) add(action string, d digestDetail) {
	switch action {
	case "round.create":
		l.created, l.parent = true, d.Parent
	case "round.set_key":
		l.publicKey = d.Public
	case "round.open":
		l.opened++
		if d.Public != "" {
			l.publicKey = d.Public
		}
	case "round.close":
		l.closed++
	case "round.count":
		l.counted++
	case "datakey.create", "datakey.register":
		if d.Public != "" {
			if l.recorded == nil {
				l.recorded = map[string]string{}
			}
			l.recorded[d.Key] = d.Public
		}
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
	if want := l.state(); r.State != want {
		out = append(out, fmt.Sprintf("its state is %s, but the audit chain leaves it %s (edited in the file)", r.State, want))
	}
	for i, n := range []int{l.opened, l.closed, l.counted} {
		if n > 1 {
			out = append(out, fmt.Sprintf("the audit chain records it %s %d times (its state was edited in the file in between)",
				[]string{"opened", "closed", "counted"}[i], n))
		}
	}
	if l.publicKey != "" && r.PublicKey != l.publicKey {
		out = append(out, "its public key is not the one the audit chain recorded (edited in the file)")
	}
	var other []string
	for id, pk := range l.recorded {
		if l.publicKey != "" && pk != l.publicKey {
			other = append(other, id)
		}
	}
	if len(other) > 0 {
		slices.Sort(other)
		out = append(out, fmt.Sprintf("%d data keys were made for a public key other than the round's (the key was edited in the file while the server ran): %s",
			len(other), strings.Join(other, ", ")))
	}
	return out
}
