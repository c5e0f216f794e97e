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

// Counted is everything counting decided for a round: what views read.
type Counted struct {
	Tree     *Tree
	Forms    map[string]*forms.Form
	Targets  map[string]*Target
	Rollups  map[RollupID]*Rollup
	Withheld Withheld
	Issued   map[string]int
	Comments map[string][]string
	MinGroup int
}

// View builds the published tally of the subtree of unit ("" for all).
func (c *Counted) View(round, unit string) *View {
	v := &View{Round: round, Unit: unit, FormHashes: map[string]string{}, Targets: []TargetView{}, Rollups: []RollupView{}}
	roots := c.Tree.Roots
	if unit != "" {
		roots = []string{unit}
	}
	for _, r := range roots {
		c.Tree.Walk(r, func(u *rounds.Unit) {
			if t := c.Targets[u.ID]; t != nil && u.ID != unit {
				v.Targets = append(v.Targets, c.targetView(u.ID, u.Name, t))
				v.FormHashes[t.Form] = t.FormHash
			}
			for _, f := range sortedForms(c.Forms) {
				if r := c.Rollups[RollupID{u.ID, f.ID}]; r != nil {
					v.Rollups = append(v.Rollups, c.rollupView(RollupID{u.ID, f.ID}, u.Name, r))
					v.FormHashes[f.ID] = f.Hash
				}
			}
		})
	}
	return v
}

func (c *Counted) targetView(id, name string, t *Target) TargetView {
	tv := TargetView{ID: id, Name: name, Form: t.Form, Issued: c.Issued[id], Ballots: t.Ballots, Withheld: t.Ballots < c.MinGroup}
	for _, q := range t.Questions {
		tv.Questions = append(tv.Questions, questionView(q, tv.Withheld || c.Withheld[TargetKey(id, q.ID)]))
	}
	if !tv.Withheld {
		tv.Comments = c.Comments[id]
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
