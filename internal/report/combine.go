package report

import (
	"sort"

	"ballot/internal/rounds"
	"ballot/internal/tally"
)

// Part is what one child's result adds to a parent round's reports: the
// report rows of the child's root per kind ("" for every kind together),
// its quota per kind, and how deep below the root each kind's targets are
// first met. A parent keeps parts, not trees, so its reports need memory
// for rows only (docs/federation.md).
type Part struct {
	Root  string             `json:"root"`
	Rows  map[string]Row     `json:"rows"`
	Quota map[string][]Quota `json:"quota"`
	Depth map[string]int     `json:"depth"`
}

// PartOf is the part of the subtree of root.
func (in *Input) PartOf(root string) Part {
	p := Part{Root: root, Rows: map[string]Row{}, Quota: map[string][]Quota{}, Depth: in.depths(root)}
	for _, k := range append(in.kinds(root), "") {
		rep := Make(in, "", root, k)
		p.Rows[k], p.Quota[k] = rep.Row, rep.Quota
	}
	return p
}

// depths gives, for each kind of target strictly below unit, the depth at
// which it is first met (0: children of unit).
func (in *Input) depths(unit string) map[string]int {
	depth := map[string]int{}
	var walk func(id string, d int)
	walk = func(id string, d int) {
		for _, c := range in.Tree.Children(id) {
			if c.IsTarget() {
				if old, ok := depth[c.Kind]; !ok || d < old {
					depth[c.Kind] = d
				}
			}
			walk(c.ID, d+1)
		}
	}
	walk(unit, 0)
	return depth
}

// Sum is the row of unit made of rows: counts added, every percentage
// computed again from the sums, as one row over all their targets.
func Sum(unit, name, kind string, rows []Row) Row {
	r := Row{Unit: unit, Name: name, Kind: kind, Levels: map[string]Figure{}}
	counts := map[string]int{}
	for _, x := range rows {
		r.Total += x.Total
		r.Rated += x.Rated
		for l, f := range x.Levels {
			counts[l] += f.Count
		}
	}
	r.figures(counts)
	return r
}

// Combine makes the report of unit and kind in a parent round whose tree
// holds the parent's own units, with parts at the children's roots (its
// leaves): each row the sum of the parts below, the quota every part's.
func Combine(tree *tally.Tree, parts map[string]Part, round, unit, kind string, final bool) *Report {
	// below lists the parts in the subtree of id with their distance.
	type placed struct {
		part *Part
		dist int
	}
	below := func(id string) []placed {
		var out []placed
		var walk func(id string, d int)
		walk = func(id string, d int) {
			if p, ok := parts[id]; ok {
				out = append(out, placed{&p, d})
			}
			for _, c := range tree.Children(id) {
				walk(c.ID, d+1)
			}
		}
		walk(id, 0)
		return out
	}
	row := func(id, kind string) Row {
		var rows []Row
		for _, p := range below(id) {
			if r, ok := p.part.Rows[kind]; ok {
				rows = append(rows, r)
			}
		}
		name := id
		if u := tree.Unit(id); u != nil {
			name = u.Name
		}
		return Sum(id, name, kind, rows)
	}
	children := func(kind string) []Row {
		out := []Row{}
		for _, c := range tree.Children(unit) {
			if r := row(c.ID, kind); r.Total > 0 {
				out = append(out, r)
			}
		}
		return out
	}
	rep := &Report{Row: row(unit, kind), Round: round, Children: children(kind), Quota: []Quota{}, Sections: []Section{}, Final: final}
	tree.Walk(unit, func(u *rounds.Unit) {
		if _, in := parts[u.ID]; !in && len(tree.Children(u.ID)) == 0 {
			rep.Pending = append(rep.Pending, UnitRef{ID: u.ID, Name: u.Name})
		}
	})
	all := below(unit)
	for _, p := range all {
		rep.Quota = append(rep.Quota, p.part.Quota[kind]...)
	}
	sort.Slice(rep.Quota, func(i, j int) bool {
		if rep.Quota[i].Unit != rep.Quota[j].Unit {
			return rep.Quota[i].Unit < rep.Quota[j].Unit
		}
		return rep.Quota[i].Group < rep.Quota[j].Group
	})
	if kind != "" {
		rep.Sections = append(rep.Sections, Section{Kind: kind, Total: rep.Row, Children: rep.Children})
		return rep
	}
	depth := map[string]int{}
	for _, p := range all {
		for k, d := range p.part.Depth {
			// a part's root n levels below unit: the root's children are
			// at depth n of unit's (whose own children are at 0)
			d += p.dist
			if old, ok := depth[k]; !ok || d < old {
				depth[k] = d
			}
		}
	}
	kinds := byDepth(depth)
	for _, k := range kinds {
		rep.Sections = append(rep.Sections, Section{Kind: k, Total: row(unit, k), Children: children(k)})
	}
	return rep
}

// TargetsOf lists the names of the targets of kind strictly below unit (a
// comparison's targets added and gone).
func TargetsOf(tree *tally.Tree, unit, kind string) map[string]string {
	return targetsOf(tree, unit, kind)
}

// Moved lists the targets of now not in before (added) and those of before
// not in now (gone), by id.
func Moved(now, before map[string]string) (added, gone []UnitRef) {
	added, gone = []UnitRef{}, []UnitRef{}
	for id, name := range now {
		if _, ok := before[id]; !ok {
			added = append(added, UnitRef{id, name})
		}
	}
	for id, name := range before {
		if _, ok := now[id]; !ok {
			gone = append(gone, UnitRef{id, name})
		}
	}
	byID := func(l []UnitRef) { sort.Slice(l, func(i, j int) bool { return l[i].ID < l[j].ID }) }
	byID(added)
	byID(gone)
	return added, gone
}

// CompareWith adds to each section of rep the earlier round's figures of
// its kind (prev), their change, and the targets added and gone (moved).
func (rep *Report) CompareWith(c Compared, prev func(kind string) Row, moved func(kind string) (added, gone []UnitRef)) {
	rep.Compared = &c
	for i := range rep.Sections {
		s := &rep.Sections[i]
		p := prev(s.Kind)
		s.Previous = &p
		s.Change = change(s.Total, p)
		s.Added, s.Gone = moved(s.Kind)
	}
}
