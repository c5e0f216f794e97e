package forms

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"unicode/utf8"

	"ballot/internal/apperr"
	"ballot/internal/valid"
)

// Answers are one participant's validated answers about one target.
// Choices and scores are sealed together; texts are sealed apart from them.
type Answers struct {
	Choices map[string]string `json:"c,omitempty"`
	Scores  map[string]int    `json:"s,omitempty"`
	Texts   map[string]string `json:"-"`
}

// CheckAnswers validates raw answers (question id → JSON value) against f.
// A null, an empty string or a blank text counts as no answer. The error
// names the first bad or missing field; a missing-answers error lists every
// missing required question in Extra["missing"].
func (f *Form) CheckAnswers(raw map[string]json.RawMessage, prefix string) (Answers, error) {
	a := Answers{Choices: map[string]string{}, Scores: map[string]int{}, Texts: map[string]string{}}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, id := range keys {
		field := prefix + "." + id
		q := f.Question(id)
		if q == nil {
			return a, apperr.Field(field, "answer.unknown_question", id)
		}
		v := bytes.TrimSpace(raw[id])
		if len(v) == 0 || bytes.Equal(v, []byte("null")) {
			continue
		}
		switch q.Type {
		case Choice:
			var s string
			if json.Unmarshal(v, &s) != nil {
				return a, apperr.Field(field, "answer.want_option")
			}
			if s == "" {
				continue
			}
			if !q.HasOption(s) {
				return a, apperr.Field(field, "answer.unknown_option", s)
			}
			a.Choices[id] = s
		case Score:
			n, ok := parseInt(v)
			if !ok || n < 0 || n > q.Max {
				return a, apperr.Field(field, "answer.score_range", q.Max)
			}
			a.Scores[id] = n
		case Text:
			var s string
			if json.Unmarshal(v, &s) != nil {
				return a, apperr.Field(field, "answer.want_text")
			}
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			if !valid.Text(s) {
				return a, apperr.Field(field, "field.text")
			}
			if utf8.RuneCountInString(s) > q.MaxLen {
				return a, apperr.Field(field, "field.max_len", q.MaxLen)
			}
			a.Texts[id] = s
		}
	}
	if missing := f.Missing(a); len(missing) > 0 {
		e := apperr.Field(prefix+"."+missing[0], "answer.required")
		e.Extra = map[string]any{"missing": missing}
		return a, e
	}
	return a, nil
}

// Missing lists the required questions a leaves unanswered, in form order.
func (f *Form) Missing(a Answers) []string {
	var missing []string
	for _, q := range f.Questions {
		if !q.Required {
			continue
		}
		var ok bool
		switch q.Type {
		case Choice:
			_, ok = a.Choices[q.ID]
		case Score:
			_, ok = a.Scores[q.ID]
		case Text:
			_, ok = a.Texts[q.ID]
		}
		if !ok {
			missing = append(missing, q.ID)
		}
	}
	return missing
}

// parseInt accepts a JSON integer (no fraction, no exponent) of at most 9
// digits, or a JSON string holding one (HTML forms post strings).
func parseInt(v []byte) (int, bool) {
	if len(v) >= 2 && v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) != nil {
			return 0, false
		}
		v = []byte(strings.TrimSpace(s))
	}
	if len(v) == 0 || len(v) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
