package tally

import (
	"slices"

	"ballot/internal/forms"
	"ballot/internal/rounds"
)

// Figures are the published figures of one target or roll-up in counts,
// with nothing where the views withhold: what a signed result file
// carries and a parent round stores (docs/federation.md). Percentages
// and means are computed from them as views compute them, and a parent
// adds them exactly.
type Figures struct {
	// Unit is the target, or the unit of a roll-up.
	Unit string `json:"unit"`
	Form string `json:"form"`
	// Issued is a target's codes; Targets a roll-up's targets.
	Issued    int              `json:"issued,omitempty"`
	Targets   int              `json:"targets,omitempty"`
	Ballots   int              `json:"ballots"`
	Withheld  bool             `json:"withheld,omitempty"`
	Questions []FigureQuestion `json:"questions"`
}

// FigureQuestion is one question's published figures: when withheld only
// the number of answers remains.
type FigureQuestion struct {
	ID       string   `json:"id"`
	Type     string   `json:"type"`
	Answered int      `json:"answered"`
	Withheld bool     `json:"withheld,omitempty"`
	Options  []Option `json:"options,omitempty"`
	Score    *Score   `json:"score,omitempty"`
}

// Published gives a parent round's figures: each target's as its child
// published it, and each roll-up a child published — nil for the parent's
// own units, whose roll-ups are the sums of their children's.
type Published interface {
	Target(id string) (*Figures, error)
	Rollup(unit, form string) (*Figures, error)
}

// WalkFigures walks the published figures of the subtree of unit as Walk
// walks the views: each target strictly below unit, then each roll-up
// once its subtree is done.
func (c *Counted) WalkFigures(unit string, target func(*Figures) error, rollup func(*Figures) error) error {
	if c.Published != nil {
		return c.walkPublished(unit, func(_ *rounds.Unit, f *Figures) error { return target(f) },
			func(_ *rounds.Unit, f *Figures) error { return rollup(f) })
	}
	return c.walkCounted(unit, func(u *rounds.Unit, t *Target) error {
		withheld := t.Ballots < c.MinGroup
		f := &Figures{Unit: u.ID, Form: t.Form, Issued: c.Issued[u.ID], Ballots: t.Ballots, Withheld: withheld}
		for _, q := range t.Questions {
			f.Questions = append(f.Questions, figureOf(q, withheld || c.Withheld[TargetKey(u.ID, q.ID)]))
		}
		return target(f)
	}, func(id RollupID, _ *rounds.Unit, r *Rollup) error {
		withheld := r.Ballots < c.MinGroup
		f := &Figures{Unit: id.Unit, Form: id.Form, Targets: r.Targets, Ballots: r.Ballots, Withheld: withheld}
		for _, q := range r.Questions {
			f.Questions = append(f.Questions, figureOf(q, withheld || c.Withheld[RollupKey(id, q.ID)]))
		}
		return rollup(f)
	})
}

// figureOf is what a view publishes of q, in counts.
func figureOf(q Question, withheld bool) FigureQuestion {
	fq := FigureQuestion{ID: q.ID, Type: q.Type, Answered: q.Answered, Withheld: withheld && q.Type != forms.Text}
	if fq.Withheld {
		return fq
	}
	fq.Options = slices.Clone(q.Options)
	if q.Score != nil {
		s := *q.Score
		s.Histogram = slices.Clone(q.Score.Histogram)
		fq.Score = &s
	}
	return fq
}

// walkPublished walks a parent round's figures: targets as published,
// roll-ups as a child published them, and for the parent's own units the
// sum of what lies below (withheld wherever a part is).
func (c *Counted) walkPublished(unit string, target func(*rounds.Unit, *Figures) error, rollup func(*rounds.Unit, *Figures) error) error {
	// visit returns, per form, the parts of the subtree of id that a
	// roll-up above adds: id's own roll-ups, and id itself as a target.
	var visit func(id string) (map[string][]*Figures, error)
	visit = func(id string) (map[string][]*Figures, error) {
		u := c.Tree.Unit(id)
		t, err := c.Published.Target(id)
		if err != nil {
			return nil, err
		}
		if t != nil && id != unit {
			if err := target(u, t); err != nil {
				return nil, err
			}
		}
		parts := map[string][]*Figures{}
		for _, ch := range c.Tree.Children(id) {
			below, err := visit(ch.ID)
			if err != nil {
				return nil, err
			}
			for f, ps := range below {
				parts[f] = append(parts[f], ps...)
			}
		}
		out := map[string][]*Figures{}
		for _, f := range sortedForms(c.Forms) {
			if len(parts[f.ID]) == 0 {
				continue
			}
			r, err := c.Published.Rollup(id, f.ID)
			if err != nil {
				return nil, err
			}
			if r == nil {
				r = Combine(id, f, parts[f.ID])
			}
			if err := rollup(u, r); err != nil {
				return nil, err
			}
			out[f.ID] = []*Figures{r}
		}
		if t != nil {
			out[t.Form] = append(out[t.Form], t)
		}
		return out, nil
	}
	for _, r := range c.roots(unit) {
		if _, err := visit(r); err != nil {
			return err
		}
	}
	return nil
}

// Combine is the roll-up of unit for form f made of parts (roll-ups and
// targets of f, each with its questions in the form's order): counts are
// added; a question is withheld if it is in any part, and everything is
// if any part is withheld whole. A withheld part's figures are absent, so
// a sum with one cannot be published without reconstructing it.
func Combine(unit string, f *forms.Form, parts []*Figures) *Figures {
	r := &Figures{Unit: unit, Form: f.ID, Questions: make([]FigureQuestion, len(f.Questions))}
	agg := NewTarget("", f)
	for i, q := range agg.Questions {
		r.Questions[i] = FigureQuestion{ID: q.ID, Type: q.Type}
	}
	for _, p := range parts {
		r.Ballots += p.Ballots
		if p.Targets > 0 {
			r.Targets += p.Targets
		} else {
			r.Targets++ // a target
		}
		r.Withheld = r.Withheld || p.Withheld
		for i := range r.Questions {
			rq, pq, aq := &r.Questions[i], &p.Questions[i], &agg.Questions[i]
			rq.Answered += pq.Answered
			aq.Answered += pq.Answered
			if pq.Withheld || p.Withheld {
				rq.Withheld = rq.Type != forms.Text
				continue
			}
			for j := range aq.Options {
				aq.Options[j].Count += pq.Options[j].Count
			}
			if aq.Score != nil && pq.Score != nil {
				aq.Score.mergeScore(pq.Score)
			}
		}
	}
	for i := range r.Questions {
		r.Questions[i] = figureOf(agg.Questions[i], r.Withheld || r.Questions[i].Withheld)
	}
	return r
}

// view turns a figure into the view a reader sees.
func (f *Figures) questionViews() []QuestionView {
	out := make([]QuestionView, 0, len(f.Questions))
	for _, fq := range f.Questions {
		out = append(out, questionView(Question{ID: fq.ID, Type: fq.Type, Answered: fq.Answered, Options: fq.Options, Score: fq.Score}, fq.Withheld))
	}
	return out
}

func (f *Figures) targetView(name string) TargetView {
	return TargetView{ID: f.Unit, Name: name, Form: f.Form, Issued: f.Issued, Ballots: f.Ballots, Withheld: f.Withheld, Questions: f.questionViews()}
}

func (f *Figures) rollupView(name string) RollupView {
	return RollupView{Unit: f.Unit, Name: name, Form: f.Form, Targets: f.Targets, Ballots: f.Ballots, Withheld: f.Withheld, Questions: f.questionViews()}
}
