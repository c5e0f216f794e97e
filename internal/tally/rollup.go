package tally

import (
	"ballot/internal/forms"
)

// RollupID names the roll-up of a form's targets strictly below a unit.
type RollupID struct{ Unit, Form string }

// Rollup is the sum of the counted aggregates of a form's targets strictly
// below a unit.
type Rollup struct {
	Target
	Unit    string `json:"unit"`
	Targets int    `json:"targets"`
}

// Rollups sums the counted targets over every subtree: one roll-up per unit
// and form that has targets of that form below the unit.
func Rollups(tree *Tree, counted map[string]*Target, fs map[string]*forms.Form) map[RollupID]*Rollup {
	out := map[RollupID]*Rollup{}
	for _, id := range tree.postOrder() {
		for _, u := range tree.Children(id) {
			c := u.ID
			var parts []*Target
			var targets []int
			if t := counted[c]; t != nil {
				parts, targets = append(parts, t), append(targets, 1)
			}
			for f := range fs {
				if r := out[RollupID{c, f}]; r != nil {
					parts, targets = append(parts, &r.Target), append(targets, r.Targets)
				}
			}
			for i, p := range parts {
				key := RollupID{id, p.Form}
				r := out[key]
				if r == nil {
					r = &Rollup{Target: *NewTarget("", fs[p.Form]), Unit: id}
					out[key] = r
				}
				r.merge(p)
				r.Targets += targets[i]
			}
		}
	}
	return out
}

// Merge adds another aggregate of the same form (counting splits the work
// and merges the parts).
func (t *Target) Merge(o *Target) { t.merge(o) }

// merge adds another aggregate of the same form.
func (t *Target) merge(o *Target) {
	t.Ballots += o.Ballots
	for i := range t.Questions {
		q, oq := &t.Questions[i], &o.Questions[i]
		q.Answered += oq.Answered
		for j := range q.Options {
			q.Options[j].Count += oq.Options[j].Count
		}
		if q.Score != nil {
			q.Score.mergeScore(oq.Score)
		}
	}
	if t.Total != nil {
		t.Total.mergeScore(o.Total)
	}
	for l, n := range o.Bands {
		t.Bands[l] += n
	}
}

func (s *Score) mergeScore(o *Score) {
	if o == nil || o.Min < 0 {
		return
	}
	s.Sum += o.Sum
	if s.Min < 0 || o.Min < s.Min {
		s.Min = o.Min
	}
	if o.Max > s.Max {
		s.Max = o.Max
	}
	for i := range s.Histogram {
		s.Histogram[i] += o.Histogram[i]
	}
}
