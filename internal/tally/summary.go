package tally

import (
	"ballot/internal/forms"
)

// Summary is what the ballots say of one target, as the authority that
// rates it reads it beside its decision: the published figures only.
type Summary struct {
	Ballots  int
	Issued   int
	Withheld bool
	// Levels are the participants' proposed levels (level4 order); nil when
	// withheld or when the form asks none (LevelsWithheld tells which).
	Levels         []OptionView
	LevelsWithheld bool
	// MeanTotal is the mean total score ("87.40") and Band its level, for a
	// form with bands (diem-100); empty unless every score question is
	// published and was answered by every ballot, so that the mean adds
	// nothing to the published means (it is their sum).
	MeanTotal string
	Band      string
	// Scored tells whether the form has a total score at all.
	Scored bool
}

// Summary returns the summary of target id (nil if it has no ballots
// counted).
func (c *Counted) Summary(id string) (*Summary, error) {
	t, err := c.Source.Target(id)
	if err != nil || t == nil {
		return nil, err
	}
	u := c.Tree.Unit(id)
	name := id
	if u != nil {
		name = u.Name
	}
	tv := c.targetView(id, name, t)
	f := c.Forms[t.Form]
	s := &Summary{Ballots: tv.Ballots, Issued: tv.Issued, Withheld: tv.Withheld, Scored: t.Total != nil && len(f.Bands) > 0}
	if lq := f.LevelQuestion(); lq != nil {
		for _, q := range tv.Questions {
			if q.ID == lq.ID {
				s.Levels, s.LevelsWithheld = q.Options, q.Withheld
			}
		}
	}
	if !s.Scored || tv.Withheld {
		return s, nil
	}
	for i, q := range tv.Questions {
		if q.Type == forms.Score && (q.Withheld || t.Questions[i].Answered != t.Ballots) {
			return s, nil
		}
	}
	if n := int64(t.Ballots); n > 0 {
		s.MeanTotal = Ratio(t.Total.Sum, n)
		for _, b := range f.Bands { // highest first
			if t.Total.Sum >= int64(b.Min)*n {
				s.Band = b.Level
				break
			}
		}
	}
	return s, nil
}
