package tally

import (
	"cmp"
	"slices"
	"sort"

	"ballot/internal/rounds"
)

// Tree is a round's organization tree as tallies walk it. The units are
// held once, sorted by parent and then id, so a unit's children are a run
// of them; an index sorted by id finds a unit. A province of 10,000 units
// takes half the memory that maps of ids took.
type Tree struct {
	units []rounds.Unit // by parent, then id
	byID  []int32       // positions in units, by id
}

// NewTree indexes units, which must form a tree (rounds.CheckTree). It
// keeps units and reorders them.
func NewTree(units []rounds.Unit) *Tree {
	slices.SortFunc(units, func(a, b rounds.Unit) int {
		return cmp.Or(cmp.Compare(a.Parent, b.Parent), cmp.Compare(a.ID, b.ID))
	})
	t := &Tree{units: units, byID: make([]int32, len(units))}
	for i := range t.byID {
		t.byID[i] = int32(i)
	}
	slices.SortFunc(t.byID, func(a, b int32) int { return cmp.Compare(units[a].ID, units[b].ID) })
	return t
}

// Unit is the unit id, or nil.
func (t *Tree) Unit(id string) *rounds.Unit {
	i := sort.Search(len(t.byID), func(i int) bool { return t.units[t.byID[i]].ID >= id })
	if i < len(t.byID) && t.units[t.byID[i]].ID == id {
		return &t.units[t.byID[i]]
	}
	return nil
}

// Children are the units whose parent is id, sorted by id; Children("")
// are the roots. The slice is the tree's own: do not change it.
func (t *Tree) Children(id string) []rounds.Unit {
	lo := sort.Search(len(t.units), func(i int) bool { return t.units[i].Parent >= id })
	hi := lo + sort.Search(len(t.units)-lo, func(i int) bool { return t.units[lo+i].Parent > id })
	return t.units[lo:hi]
}

// Roots are the units without a parent, sorted by id.
func (t *Tree) Roots() []rounds.Unit { return t.Children("") }

// Units are every unit, in no particular order. Do not change them.
func (t *Tree) Units() []rounds.Unit { return t.units }

// Walk visits the subtree of id in pre-order (id first).
func (t *Tree) Walk(id string, fn func(u *rounds.Unit)) {
	if u := t.Unit(id); u != nil {
		fn(u)
	}
	ch := t.Children(id)
	for i := range ch {
		t.Walk(ch[i].ID, fn)
	}
}

// Within reports whether id is scope or below it.
func (t *Tree) Within(id, scope string) bool {
	for u := t.Unit(id); u != nil; u = t.Unit(u.Parent) {
		if u.ID == scope {
			return true
		}
	}
	return false
}

// Decides reports whether targets lie right below id: id is their deciding
// unit, the one that rates them.
func (t *Tree) Decides(id string) bool {
	for _, ch := range t.Children(id) {
		if ch.IsTarget() {
			return true
		}
	}
	return false
}

// TargetChoices lists the kinds and the groups of the targets in the
// subtree of id, sorted, for a selection of targets to pick from.
func (t *Tree) TargetChoices(id string) (kinds, groups []string) {
	t.Walk(id, func(u *rounds.Unit) {
		if !u.IsTarget() {
			return
		}
		if !slices.Contains(kinds, u.Kind) {
			kinds = append(kinds, u.Kind)
		}
		if u.Group != "" && !slices.Contains(groups, u.Group) {
			groups = append(groups, u.Group)
		}
	})
	slices.Sort(kinds)
	slices.Sort(groups)
	return kinds, groups
}

// postOrder lists every unit, children before parents.
func (t *Tree) postOrder() []string {
	out := make([]string, 0, len(t.units))
	var walk func(id string)
	walk = func(id string) {
		ch := t.Children(id)
		for i := range ch {
			walk(ch[i].ID)
		}
		out = append(out, id)
	}
	roots := t.Roots()
	for i := range roots {
		walk(roots[i].ID)
	}
	return out
}
