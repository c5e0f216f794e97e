// Package tally is what counting publishes over a round's tree: per-target
// aggregates, roll-ups, the one withholding decision, a parent round's sums of
// its children's figures, and the views every export reads.
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
	// All options in one array: counting a ballot touches them together.
	n := 0
	for _, q := range f.Questions {
		n += len(q.Options)
	}
	options := make([]Option, 0, n)
	for i, q := range f.Questions {
		t.Questions[i] = Question{ID: q.ID, Type: q.Type}
		switch q.Type {
		case forms.Choice:
			from := len(options)
			for _, o := range q.Options {
				options = append(options, Option{ID: o.ID})
			}
			t.Questions[i].Options = options[from:len(options):len(options)]
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
	var answers [16]Answer
	given := answers[:0]
	for i, q := range t.Questions {
		switch q.Type {
		case forms.Choice:
			if id, ok := choices[q.ID]; ok {
				for j := range q.Options {
					if q.Options[j].ID == id {
						given = append(given, Answer{Q: i, V: j})
					}
				}
			}
		case forms.Score:
			if v, ok := scores[q.ID]; ok {
				given = append(given, Answer{Q: i, V: v})
			}
		}
	}
	t.AddAnswers(f, given)
}

// Answer is one answer by position: question Q of the form and, for a
// choice, its option V; for a score, the value V.
type Answer struct{ Q, V int }

// AddAnswers counts one ballot given by position, at most one answer per
// question, each valid for the form f (see Add).
func (t *Target) AddAnswers(f *forms.Form, answers []Answer) {
	t.Ballots++
	total, scored := 0, 0
	for _, a := range answers {
		q := &t.Questions[a.Q]
		switch q.Type {
		case forms.Choice:
			q.Options[a.V].Count++
			q.Answered++
		case forms.Score:
			q.Answered++
			q.Score.add(a.V)
			total += a.V
			scored++
		}
	}
	if t.Total == nil {
		return
	}
	for i := range t.Questions {
		if t.Questions[i].Type == forms.Score {
			scored--
		}
	}
	if scored == 0 {
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
