package report

import (
	"sort"

	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/tally"
)

// Figure is a count and its percentage, rounded half-up from the exact
// fraction.
type Figure struct {
	Count   int    `json:"count"`
	Percent string `json:"percent"`
}

func figure(n, of int) Figure { return Figure{Count: n, Percent: tally.Ratio(int64(n)*100, int64(of))} }

// Row is the report of one set of targets: a subtree's targets of a kind.
type Row struct {
	Unit            string            `json:"unit"`
	Name            string            `json:"name"`
	Kind            string            `json:"kind,omitempty"`
	Total           int               `json:"total"`
	Rated           int               `json:"rated"`
	NotRated        int               `json:"not_rated"`
	RatedPercent    string            `json:"rated_percent"`
	NotRatedPercent string            `json:"not_rated_percent"`
	Levels          map[string]Figure `json:"levels"`
	GoodOrBetter    Figure            `json:"good_or_better"`
	ExcellentOfGood Figure            `json:"excellent_of_good"`
}

// Quota is the status of one deciding unit's peer group.
type Quota struct {
	Unit         string `json:"unit"`
	Name         string `json:"name"`
	Group        string `json:"group"`
	Excellent    int    `json:"excellent"`
	GoodOrBetter int    `json:"good_or_better"`
	// ExcellentPercent is excellent of good-or-better, rounded half-up; the
	// breach is decided on the integers, not on this.
	ExcellentPercent string `json:"excellent_percent"`
	CapPercent       string `json:"cap_percent"`
	Breach           bool   `json:"breach"`
}

// Report is the published report of a subtree and a kind.
type Report struct {
	Row
	Round    string  `json:"round"`
	Quota    []Quota `json:"quota"`
	Children []Row   `json:"children"`
	Final    bool    `json:"final"`
	// Pending are, in a parent round's report, the children below the unit
	// whose result is not in yet: the figures leave them out.
	Pending []UnitRef `json:"pending,omitempty"`
	// Sections are the report of each kind of target in the subtree (the
	// asked kind alone when one is asked), as provincial reports give
	// them: each kind has its own figures, its own comparison with the year
	// before and its own paragraph.
	Sections []Section `json:"sections"`
	// Compared is the earlier round the sections are compared with.
	Compared *Compared `json:"compared,omitempty"`
	// Summary is the report's figures as sentences, a paragraph per
	// section, in every language ("vi", "en").
	Summary map[string][]string `json:"summary,omitempty"`
}

// Section is the report of the targets of one kind.
type Section struct {
	Kind     string `json:"kind"`
	Total    Row    `json:"total"`
	Children []Row  `json:"children"`
	// Previous, Change, Added and Gone compare with the earlier round:
	// its figures, the change of each count and percentage, and the
	// targets that are new or no longer there.
	Previous *Row      `json:"previous,omitempty"`
	Change   *Change   `json:"change,omitempty"`
	Added    []UnitRef `json:"added,omitempty"`
	Gone     []UnitRef `json:"gone,omitempty"`
}

// UnitRef names a unit.
type UnitRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Input is what a report is made from.
type Input struct {
	Tree    *tally.Tree
	Ratings map[string]Rating
	Caps    map[string]int // by CapKey
	Finals  map[string]Final
}

// CapKey names the cap of a deciding unit's peer group.
func CapKey(unit, group string) string { return unit + "|" + group }

// isTarget reports whether u is a target of kind (any kind if "").
func isTarget(u *rounds.Unit, kind string) bool {
	return u.IsTarget() && (kind == "" || u.Kind == kind)
}

// row sums the targets of kind in the subtree of id (id itself only if
// self).
func (in *Input) row(id, kind string, self bool) Row {
	u := in.Tree.Unit(id)
	r := Row{Unit: id, Name: u.Name, Kind: kind, Levels: map[string]Figure{}}
	counts := map[string]int{}
	in.Tree.Walk(id, func(t *rounds.Unit) {
		if !isTarget(t, kind) || (t.ID == id && !self) {
			return
		}
		r.Total++
		if rt, ok := in.Ratings[t.ID]; ok && rt.Level != NotRated {
			r.Rated++
			counts[rt.Level]++
		}
	})
	r.figures(counts)
	return r
}

// figures fills r's percentages and levels from its total, rated and the
// count of each level: each rounded half-up from the exact fraction.
func (r *Row) figures(counts map[string]int) {
	r.NotRated = r.Total - r.Rated
	r.RatedPercent, r.NotRatedPercent = figure(r.Rated, r.Total).Percent, figure(r.NotRated, r.Total).Percent
	for _, l := range forms.Levels {
		r.Levels[l] = figure(counts[l], r.Rated)
	}
	good := counts[forms.LevelHTXS] + counts[forms.LevelHTT]
	r.GoodOrBetter = figure(good, r.Rated)
	r.ExcellentOfGood = figure(counts[forms.LevelHTXS], good)
}

// children lists the rows of unit's children that have targets of kind.
func (in *Input) children(unit, kind string) []Row {
	rows := []Row{}
	for _, c := range in.Tree.Children(unit) {
		if r := in.row(c.ID, kind, true); r.Total > 0 {
			rows = append(rows, r)
		}
	}
	return rows
}

// kinds lists the kinds of the targets strictly below unit, those met
// nearest the top first (district-level before grassroots), then by id.
func (in *Input) kinds(unit string) []string { return byDepth(in.depths(unit)) }

// byDepth lists the kinds of depth, the least deep first, then by id.
func byDepth(depth map[string]int) []string {
	kinds := make([]string, 0, len(depth))
	for k := range depth {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if depth[kinds[i]] != depth[kinds[j]] {
			return depth[kinds[i]] < depth[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	return kinds
}

// Make builds the report of the targets of kind strictly below unit: the
// total row, one row per child unit that has such targets, the quota
// status of every deciding unit and peer group among them, and a section
// per kind.
func Make(in *Input, round, unit, kind string) *Report {
	rep := &Report{Row: in.row(unit, kind, false), Round: round, Children: in.children(unit, kind), Quota: []Quota{}, Sections: []Section{}}
	if kind != "" {
		rep.Sections = append(rep.Sections, Section{Kind: kind, Total: rep.Row, Children: rep.Children})
	} else {
		for _, k := range in.kinds(unit) {
			rep.Sections = append(rep.Sections, Section{Kind: k, Total: in.row(unit, k, false), Children: in.children(unit, k)})
		}
	}
	type key struct{ unit, group string }
	quota := map[key]*Quota{}
	in.Tree.Walk(unit, func(t *rounds.Unit) {
		if !isTarget(t, kind) || t.ID == unit {
			return
		}
		k := key{t.Parent, t.Group}
		q := quota[k]
		if q == nil {
			q = &Quota{Unit: t.Parent, Name: in.Tree.Unit(t.Parent).Name, Group: t.Group}
			quota[k] = q
		}
		switch in.Ratings[t.ID].Level {
		case forms.LevelHTXS:
			q.Excellent++
			q.GoodOrBetter++
		case forms.LevelHTT:
			q.GoodOrBetter++
		}
	})
	for k, q := range quota {
		c, ok := in.Caps[CapKey(k.unit, k.group)]
		if !ok {
			c = DefaultCap
		}
		q.CapPercent, q.Breach = FormatHundredths(c), Breach(q.Excellent, q.GoodOrBetter, c)
		q.ExcellentPercent = figure(q.Excellent, q.GoodOrBetter).Percent
		rep.Quota = append(rep.Quota, *q)
	}
	sort.Slice(rep.Quota, func(i, j int) bool {
		if rep.Quota[i].Unit != rep.Quota[j].Unit {
			return rep.Quota[i].Unit < rep.Quota[j].Unit
		}
		return rep.Quota[i].Group < rep.Quota[j].Group
	})
	rep.Final = in.LockedBy(unit) != ""
	return rep
}

// LockedBy returns the unit whose final report covers id (id itself or an
// ancestor), or "".
func (in *Input) LockedBy(id string) string {
	for u := in.Tree.Unit(id); u != nil; u = in.Tree.Unit(u.Parent) {
		if _, ok := in.Finals[u.ID]; ok {
			return u.ID
		}
	}
	return ""
}
