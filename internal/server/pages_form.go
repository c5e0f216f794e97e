package server

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/forms"
	"ballot/internal/i18n"
	"ballot/internal/intake"
)

// Answer fields are named "a|TARGET|QUESTION"; ids never hold "|".
func fieldName(target, question string) string { return "a|" + target + "|" + question }

// missingFields marks every required question left blank, on every target.
func missingFields(b *intake.Ballot, answers map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, t := range b.Targets {
		for _, q := range t.Form.Questions {
			f := fieldName(t.Unit.ID, q.ID)
			if q.Required && strings.TrimSpace(answers[f]) == "" {
				out[f] = true
			}
		}
	}
	return out
}

type targetView struct {
	Name     string
	Sections []sectionView
}

type sectionView struct {
	Title     string
	Questions []questionView
}

type questionView struct {
	Field, Type, Text, Value string
	Required, Missing        bool
	Max, MaxLen              int
	Options                  []optionView
}

type optionView struct{ ID, Label string }

func pick(lang i18n.Lang, vi, en string) string {
	if lang == i18n.EN && en != "" {
		return en
	}
	return vi
}

// targetViews lays out each target's form, in the language, with answers.
func targetViews(b *intake.Ballot, lang i18n.Lang, answers map[string]string, missing map[string]bool) []targetView {
	var out []targetView
	for _, t := range b.Targets {
		tv := targetView{Name: t.Unit.Name}
		index := map[string]int{}
		if len(t.Form.Sections) == 0 || hasUnsectioned(t.Form) {
			tv.Sections = append(tv.Sections, sectionView{})
			index[""] = 0
		}
		for _, s := range t.Form.Sections {
			index[s.ID] = len(tv.Sections)
			tv.Sections = append(tv.Sections, sectionView{Title: pick(lang, s.Title, s.TitleEN)})
		}
		for _, q := range t.Form.Questions {
			f := fieldName(t.Unit.ID, q.ID)
			qv := questionView{Field: f, Type: q.Type, Text: pick(lang, q.Text, q.TextEN), Value: answers[f],
				Required: q.Required, Missing: missing[f], Max: q.Max, MaxLen: q.MaxLen}
			for _, o := range q.Options {
				qv.Options = append(qv.Options, optionView{ID: o.ID, Label: pick(lang, o.Label, o.LabelEN)})
			}
			i := index[q.Section]
			tv.Sections[i].Questions = append(tv.Sections[i].Questions, qv)
		}
		out = append(out, tv)
	}
	return out
}

func hasUnsectioned(f *forms.Form) bool {
	for _, q := range f.Questions {
		if q.Section == "" {
			return true
		}
	}
	return false
}

// formAnswers collects the answer fields of a posted ballot form.
func formAnswers(c *fiber.Ctx) map[string]string {
	out := map[string]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if key := string(k); strings.HasPrefix(key, "a|") && len(out) < 5000 {
			out[key] = string(v)
		}
	})
	return out
}

// ballotsFrom turns posted answers into the service's ballots, one per
// target of the code, each answer a JSON string (scores are read from
// strings by the form's validation).
func ballotsFrom(b *intake.Ballot, answers map[string]string) []intake.BallotIn {
	var out []intake.BallotIn
	for _, t := range b.Targets {
		bi := intake.BallotIn{Target: t.Unit.ID, Answers: map[string]json.RawMessage{}}
		for _, q := range t.Form.Questions {
			if v, ok := answers[fieldName(t.Unit.ID, q.ID)]; ok && strings.TrimSpace(v) != "" {
				raw, _ := json.Marshal(v)
				bi.Answers[q.ID] = raw
			}
		}
		out = append(out, bi)
	}
	return out
}
