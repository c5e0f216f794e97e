package tally

import (
	"slices"

	"ballot/internal/rounds"
)

// Path lists the ancestors of id from the root down, id excluded.
func (t *Tree) Path(id string) []rounds.Unit {
	var out []rounds.Unit
	for u := t.Unit(id); u != nil && u.Parent != ""; {
		u = t.Unit(u.Parent)
		if u == nil {
			break
		}
		out = append(out, *u)
	}
	slices.Reverse(out)
	return out
}

// Search returns up to limit units of the subtree of scope ("" for the
// whole tree, scope included) that answer q and keep, in tree order, and
// how many there are in all.
func (t *Tree) Search(scope string, q rounds.Query, keep func(*rounds.Unit) bool, limit int) ([]rounds.Unit, int) {
	var out []rounds.Unit
	n := 0
	visit := func(u *rounds.Unit) {
		if q.Matches(u) && (keep == nil || keep(u)) {
			if n++; len(out) < limit {
				out = append(out, *u)
			}
		}
	}
	if scope != "" {
		t.Walk(scope, visit)
		return out, n
	}
	for _, r := range t.Roots() {
		t.Walk(r.ID, visit)
	}
	return out, n
}
