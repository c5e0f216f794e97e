// Package tally turns opened ballots into counted aggregates per target —
// option counts, score statistics, bands — and (in later views) into the
// tallies and roll-ups that authorities read. Individual ballots never
// leave counting: only these aggregates are stored.
package tally

import (
	"ballot/internal/forms"
)

// Target is the counted aggregate of one target's ballots.
type Target struct {
	ID        string     `json:"id"`
	Form      string     `json:"form"`
	FormHash  string     `json:"form_hash"`
	Ballots   int        `json:"ballots"`
	Questions []Question `json:"questions"`
	// Total is the statistics of the total score of ballots that answered
	// every score question; Bands counts those totals by level (diem-100).
	Total *Score         `json:"total,omitempty"`
	Bands map[string]int `json:"bands,omitempty"`
}

// Question is the counted aggregate of one question.
type Question struct {
	ID       string   `json:"id"`
	Type     string   `json:"type"`
	Answered int      `json:"answered"`
	Options  []Option `json:"options,omitempty"`
	Score    *Score   `json:"score,omitempty"`
}

// Option is how many ballots chose an option.
type Option struct {
	ID    string `json:"id"`
	Count int    `json:"count"`
}

// Score is the statistics of a score question's answers.
type Score struct {
	Sum       int64 `json:"sum"`
	Min       int   `json:"min"`
	Max       int   `json:"max"`
	Histogram []int `json:"histogram"`
}

func newScore(max int) *Score { return &Score{Min: -1, Histogram: make([]int, max/10+1)} }

func (s *Score) add(v int) {
	s.Sum += int64(v)
	if s.Min < 0 || v < s.Min {
		s.Min = v
	}
	if v > s.Max {
		s.Max = v
	}
	s.Histogram[min(v/10, len(s.Histogram)-1)]++
}

// NewTarget starts the aggregate of a target rated with f.
func NewTarget(id string, f *forms.Form) *Target {
	t := &Target{ID: id, Form: f.ID, FormHash: f.Hash, Questions: make([]Question, len(f.Questions))}
	for i, q := range f.Questions {
		t.Questions[i] = Question{ID: q.ID, Type: q.Type}
		switch q.Type {
		case forms.Choice:
			for _, o := range q.Options {
				t.Questions[i].Options = append(t.Questions[i].Options, Option{ID: o.ID})
			}
		case forms.Score:
			t.Questions[i].Score = newScore(q.Max)
		}
	}
	if total := f.TotalMax(); total > 0 {
		t.Total = newScore(total)
	}
	if len(f.Bands) > 0 {
		t.Bands = map[string]int{}
		for _, b := range f.Bands {
			t.Bands[b.Level] = 0
		}
	}
	return t
}

// Add counts one ballot's choices and scores. f must be the target's form;
// answers were validated against it when the ballot was submitted.
func (t *Target) Add(f *forms.Form, choices map[string]string, scores map[string]int) {
	t.Ballots++
	total, complete := 0, true
	for i := range t.Questions {
		q := &t.Questions[i]
		switch q.Type {
		case forms.Choice:
			id, ok := choices[q.ID]
			if !ok {
				continue
			}
			for j := range q.Options {
				if q.Options[j].ID == id {
					q.Options[j].Count++
					q.Answered++
				}
			}
		case forms.Score:
			v, ok := scores[q.ID]
			if !ok {
				complete = false
				continue
			}
			q.Answered++
			q.Score.add(v)
			total += v
		}
	}
	if t.Total != nil && complete {
		t.Total.add(total)
		if t.Bands != nil {
			t.Bands[f.BandOf(total)]++
		}
	}
}

// AddText counts one answer to text question qid.
func (t *Target) AddText(qid string) {
	for i := range t.Questions {
		if t.Questions[i].ID == qid {
			t.Questions[i].Answered++
		}
	}
}
