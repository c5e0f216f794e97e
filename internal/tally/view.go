package tally

import (
	"ballot/internal/forms"
	"ballot/internal/rounds"
)

// View is a tally as published for a subtree: every target strictly below
// the unit and every roll-up of the subtree, with withheld figures absent.
type View struct {
	Round      string            `json:"round"`
	Unit       string            `json:"unit"`
	FormHashes map[string]string `json:"form_hashes"`
	Targets    []TargetView      `json:"targets"`
	Rollups    []RollupView      `json:"rollups"`
}

// TargetView is one target's published tally.
type TargetView struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Form      string         `json:"form"`
	Issued    int            `json:"issued"`
	Ballots   int            `json:"ballots"`
	Withheld  bool           `json:"withheld"`
	Questions []QuestionView `json:"questions"`
	// Comments are the target's comments in a random order fixed at
	// counting; absent when the target is withheld.
	Comments []string `json:"comments,omitempty"`
}

// RollupView is one roll-up's published tally.
type RollupView struct {
	Unit      string         `json:"unit"`
	Name      string         `json:"name"`
	Form      string         `json:"form"`
	Targets   int            `json:"targets"`
	Ballots   int            `json:"ballots"`
	Withheld  bool           `json:"withheld"`
	Questions []QuestionView `json:"questions"`
}

// QuestionView is one question's published figures; when withheld only
// answered remains.
type QuestionView struct {
	ID       string       `json:"id"`
	Type     string       `json:"type"`
	Answered int          `json:"answered"`
	Withheld bool         `json:"withheld"`
	Options  []OptionView `json:"options,omitempty"`
	Score    *ScoreView   `json:"score,omitempty"`
}

// OptionView is an option's count and its share of the answers.
type OptionView struct {
	ID      string `json:"id"`
	Count   int    `json:"count"`
	Percent string `json:"percent"`
}

// ScoreView is a score question's statistics.
type ScoreView struct {
	Mean      string `json:"mean"`
	Min       int    `json:"min"`
	Max       int    `json:"max"`
	Histogram []int  `json:"histogram"`
}

// Source gives a counted round's per-target data one target at a time, so
// a view never needs them all in memory.
type Source interface {
	// Target returns the counted aggregate of target id, or nil.
	Target(id string) (*Target, error)
	// Comments returns a target's comments in their stored (shuffled) order.
	Comments(id string) ([]string, error)
}

// MapSource is a Source held in memory: aggregates and comments by target.
type MapSource struct {
	Aggregates map[string]*Target
	Notes      map[string][]string
}

// Target returns the aggregate of id.
func (m MapSource) Target(id string) (*Target, error) { return m.Aggregates[id], nil }

// Comments returns the comments of id.
func (m MapSource) Comments(id string) ([]string, error) { return m.Notes[id], nil }

// Counted is what views of a counted round read: the tree, the forms, the
// withholding decision made at counting, and the per-target data.
type Counted struct {
	Tree     *Tree
	Forms    map[string]*forms.Form
	Source   Source
	Withheld Withheld
	Issued   map[string]int
	MinGroup int
	// Published, for a parent round, gives its children's published
	// figures instead of aggregates (Source is then unused).
	Published Published
}

// Walk streams the published tally of the subtree of unit ("" for all):
// each target strictly below unit as it is reached, and each roll-up once
// its subtree is summed. Only the sums along the current path are held.
func (c *Counted) Walk(unit string, target func(TargetView) error, rollup func(RollupView) error) error {
	if c.Published != nil {
		return c.walkPublished(unit, func(u *rounds.Unit, f *Figures) error {
			return target(f.targetView(u.Name))
		}, func(u *rounds.Unit, f *Figures) error {
			return rollup(f.rollupView(u.Name))
		})
	}
	return c.walkCounted(unit, func(u *rounds.Unit, t *Target) error {
		tv := c.targetView(u.ID, u.Name, t)
		if !tv.Withheld {
			var err error
			if tv.Comments, err = c.Source.Comments(u.ID); err != nil {
				return err
			}
		}
		return target(tv)
	}, func(id RollupID, u *rounds.Unit, r *Rollup) error {
		return rollup(c.rollupView(id, u.Name, r))
	})
}

// walkCounted walks the counted aggregates of the subtree of unit as Walk
// does, passing each target's and each roll-up's sums.
func (c *Counted) walkCounted(unit string, target func(*rounds.Unit, *Target) error, rollup func(RollupID, *rounds.Unit, *Rollup) error) error {
	// visit returns the sums, per form, of the targets in the subtree of id
	// including id itself.
	var visit func(id string) (map[string]*Rollup, error)
	visit = func(id string) (map[string]*Rollup, error) {
		u := c.Tree.Unit(id)
		t, err := c.Source.Target(id)
		if err != nil {
			return nil, err
		}
		if t != nil && id != unit {
			if err := target(u, t); err != nil {
				return nil, err
			}
		}
		below := map[string]*Rollup{}
		add := func(f string, part *Target, targets int) {
			r := below[f]
			if r == nil {
				r = &Rollup{Target: *NewTarget("", c.Forms[f]), Unit: id}
				below[f] = r
			}
			r.merge(part)
			r.Targets += targets
		}
		for _, ch := range c.Tree.Children(id) {
			sums, err := visit(ch.ID)
			if err != nil {
				return nil, err
			}
			for f, r := range sums {
				add(f, &r.Target, r.Targets)
			}
		}
		for _, f := range sortedForms(c.Forms) {
			if r := below[f.ID]; r != nil {
				if err := rollup(RollupID{id, f.ID}, u, r); err != nil {
					return nil, err
				}
			}
		}
		if t != nil {
			add(t.Form, t, 1)
		}
		return below, nil
	}
	for _, r := range c.roots(unit) {
		if _, err := visit(r); err != nil {
			return err
		}
	}
	return nil
}

// roots are the units a walk of unit starts from: unit, or every root.
func (c *Counted) roots(unit string) []string {
	if unit != "" {
		return []string{unit}
	}
	var roots []string
	for _, u := range c.Tree.Roots() {
		roots = append(roots, u.ID)
	}
	return roots
}

// View builds the whole published tally of the subtree of unit in memory
// (for JSON answers and tests; files are written with Walk).
func (c *Counted) View(round, unit string) (*View, error) {
	v := &View{Round: round, Unit: unit, FormHashes: map[string]string{}, Targets: []TargetView{}, Rollups: []RollupView{}}
	err := c.Walk(unit, func(t TargetView) error {
		v.Targets = append(v.Targets, t)
		v.FormHashes[t.Form] = c.Forms[t.Form].Hash
		return nil
	}, func(r RollupView) error {
		v.Rollups = append(v.Rollups, r)
		v.FormHashes[r.Form] = c.Forms[r.Form].Hash
		return nil
	})
	return v, err
}

func (c *Counted) targetView(id, name string, t *Target) TargetView {
	tv := TargetView{ID: id, Name: name, Form: t.Form, Issued: c.Issued[id], Ballots: t.Ballots, Withheld: t.Ballots < c.MinGroup}
	for _, q := range t.Questions {
		tv.Questions = append(tv.Questions, questionView(q, tv.Withheld || c.Withheld[TargetKey(id, q.ID)]))
	}
	return tv
}

func (c *Counted) rollupView(id RollupID, name string, r *Rollup) RollupView {
	rv := RollupView{Unit: id.Unit, Name: name, Form: id.Form, Targets: r.Targets, Ballots: r.Ballots, Withheld: r.Ballots < c.MinGroup}
	for _, q := range r.Questions {
		rv.Questions = append(rv.Questions, questionView(q, rv.Withheld || c.Withheld[RollupKey(id, q.ID)]))
	}
	return rv
}

func questionView(q Question, withheld bool) QuestionView {
	qv := QuestionView{ID: q.ID, Type: q.Type, Answered: q.Answered, Withheld: withheld && q.Type != forms.Text}
	if qv.Withheld {
		return qv
	}
	if q.Type == forms.Choice {
		counts := make([]int, len(q.Options))
		for i, o := range q.Options {
			counts[i] = o.Count
		}
		for i, p := range Percents(counts) {
			qv.Options = append(qv.Options, OptionView{ID: q.Options[i].ID, Count: counts[i], Percent: p})
		}
	}
	if q.Score != nil && q.Answered > 0 {
		qv.Score = &ScoreView{Mean: Ratio(q.Score.Sum, int64(q.Answered)), Min: q.Score.Min, Max: q.Score.Max, Histogram: q.Score.Histogram}
	}
	return qv
}
