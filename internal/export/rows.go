// Package export writes what people download and print — tallies (JSON, CSV
// with a BOM, XLSX, HTML), reports, count minutes, code slips — every tally
// format from the same published views, withheld figures blank in all.
package export

import (
	"strconv"

	"ballot/internal/forms"
	"ballot/internal/i18n"
	"ballot/internal/tally"
)

// Row is one figure of a tally: a target's or roll-up's question and
// option (or score statistic).
type Row struct {
	Kind      string // "target" or "rollup"
	Unit      string
	Name      string
	Form      string
	Ballots   int
	Question  string
	Text      string
	Answered  int
	Option    string
	Label     string
	Count     *int    // nil when withheld or not a count
	Percent   *string // option share, or the mean of a score
	Withheld  bool
	Histogram bool
}

// labels resolves question texts and option labels in a language.
type labels struct {
	forms map[string]*forms.Form
	lang  i18n.Lang
}

func (l labels) question(form, q string) (text string, options map[string]string) {
	f := l.forms[form]
	if f == nil {
		return q, nil
	}
	qq := f.Question(q)
	if qq == nil {
		return q, nil
	}
	options = map[string]string{}
	for _, o := range qq.Options {
		options[o.ID] = pick(l.lang, o.Label, o.LabelEN)
	}
	return pick(l.lang, qq.Text, qq.TextEN), options
}

func pick(lang i18n.Lang, vi, en string) string {
	if lang == i18n.EN && en != "" {
		return en
	}
	return vi
}

// Rows walks the tally of the subtree of unit and calls fn for every
// figure: targets as the walk reaches them, then the roll-ups (few: one per
// unit and form). note, if not nil, gets each published target with its
// comments. Nothing else is held.
func Rows(c *tally.Counted, unit string, lang i18n.Lang, fn func(Row) error, note func(tally.TargetView) error) error {
	target := func(t tally.TargetView) error { return nil }
	if note != nil {
		target = func(t tally.TargetView) error {
			if len(t.Comments) == 0 {
				return nil
			}
			return note(t)
		}
	}
	return walk(c, unit, lang, walker{row: fn, target: target, rollup: func(tally.RollupView) error { return nil }})
}

// walker receives a tally as walk goes: each target and each roll-up
// before its figures, and every figure.
type walker struct {
	row    func(Row) error
	target func(tally.TargetView) error
	rollup func(tally.RollupView) error
}

// walk is Rows with a callback for every target and roll-up.
func walk(c *tally.Counted, unit string, lang i18n.Lang, w walker) error {
	l := labels{c.Forms, lang}
	var rollups []tally.RollupView
	err := c.Walk(unit, func(t tally.TargetView) error {
		if err := w.target(t); err != nil {
			return err
		}
		return questionRows(l, Row{Kind: "target", Unit: t.ID, Name: t.Name, Form: t.Form, Ballots: t.Ballots}, t.Questions, w.row)
	}, func(r tally.RollupView) error {
		rollups = append(rollups, r)
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range rollups {
		if err := w.rollup(r); err != nil {
			return err
		}
		if err := questionRows(l, Row{Kind: "rollup", Unit: r.Unit, Name: r.Name, Form: r.Form, Ballots: r.Ballots}, r.Questions, w.row); err != nil {
			return err
		}
	}
	return nil
}

func questionRows(l labels, base Row, qs []tally.QuestionView, fn func(Row) error) error {
	for _, q := range qs {
		text, opts := l.question(base.Form, q.ID)
		row := base
		row.Question, row.Text, row.Answered, row.Withheld = q.ID, text, q.Answered, q.Withheld
		switch {
		case q.Type == forms.Text || q.Withheld:
			if err := fn(row); err != nil {
				return err
			}
		case q.Type == forms.Choice:
			for _, o := range q.Options {
				r := row
				r.Option, r.Label = o.ID, opts[o.ID]
				r.Count, r.Percent = intp(o.Count), strp(o.Percent)
				if err := fn(r); err != nil {
					return err
				}
			}
		case q.Score != nil:
			stats := []struct {
				id      string
				count   *int
				percent *string
			}{{"mean", nil, strp(q.Score.Mean)}, {"min", intp(q.Score.Min), nil}, {"max", intp(q.Score.Max), nil}}
			for _, s := range stats {
				r := row
				r.Option, r.Label, r.Count, r.Percent = s.id, statLabel(l.lang, s.id), s.count, s.percent
				if err := fn(r); err != nil {
					return err
				}
			}
			for i, n := range q.Score.Histogram {
				r := row
				r.Option = strconv.Itoa(i*10) + "-" + strconv.Itoa(i*10+9)
				r.Label, r.Count, r.Histogram = r.Option, intp(n), true
				if err := fn(r); err != nil {
					return err
				}
			}
		default: // a score question nobody answered
			if err := fn(row); err != nil {
				return err
			}
		}
	}
	return nil
}

func statLabel(lang i18n.Lang, id string) string {
	return i18n.M("export.stat_" + id).In(lang)
}

func intp(n int) *int       { return &n }
func strp(s string) *string { return &s }
