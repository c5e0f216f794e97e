package tally

import (
	"sort"

	"ballot/internal/rounds"
)

// Tree is a round's organization tree as tallies walk it.
type Tree struct {
	Units    map[string]*rounds.Unit
	Children map[string][]string // sorted by id
	Roots    []string
}

// NewTree indexes units (already checked to form a tree).
func NewTree(units []rounds.Unit) *Tree {
	t := &Tree{Units: map[string]*rounds.Unit{}, Children: map[string][]string{}}
	for i := range units {
		u := &units[i]
		t.Units[u.ID] = u
		if u.Parent == "" {
			t.Roots = append(t.Roots, u.ID)
		} else {
			t.Children[u.Parent] = append(t.Children[u.Parent], u.ID)
		}
	}
	sort.Strings(t.Roots)
	for _, c := range t.Children {
		sort.Strings(c)
	}
	return t
}

// Walk visits the subtree of id in pre-order (id first).
func (t *Tree) Walk(id string, fn func(u *rounds.Unit)) {
	if u := t.Units[id]; u != nil {
		fn(u)
	}
	for _, c := range t.Children[id] {
		t.Walk(c, fn)
	}
}

// Within reports whether id is scope or below it.
func (t *Tree) Within(id, scope string) bool {
	for u := t.Units[id]; u != nil; u = t.Units[u.Parent] {
		if u.ID == scope {
			return true
		}
	}
	return false
}

// postOrder lists every unit, children before parents.
func (t *Tree) postOrder() []string {
	var out []string
	var walk func(id string)
	walk = func(id string) {
		for _, c := range t.Children[id] {
			walk(c)
		}
		out = append(out, id)
	}
	for _, r := range t.Roots {
		walk(r)
	}
	return out
}
