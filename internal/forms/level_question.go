package forms

import "slices"

// LevelQuestion is the form's question on the proposed rating level: a
// choice among exactly the level4 options (nil if the form has none).
func (f *Form) LevelQuestion() *Question {
	for i := range f.Questions {
		q := &f.Questions[i]
		if q.Type != Choice || len(q.Options) != len(Levels) {
			continue
		}
		ids := make([]string, len(q.Options))
		for j, o := range q.Options {
			ids[j] = o.ID
		}
		if slices.Equal(ids, Levels) {
			return q
		}
	}
	return nil
}
