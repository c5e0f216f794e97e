package export

import (
	"sort"
	"strconv"
	"strings"
	"unicode"

	"ballot/internal/forms"
	"ballot/internal/i18n"
	"ballot/internal/report"
	"ballot/internal/rounds"
	"ballot/internal/tally"
)

// The wide tally: one row per target (or roll-up), a column per figure a
// person compares across targets — for each graded criterion the share of
// ballots that graded it Tốt or better, for each score the mean, the
// shares of each proposed level, how many wrote a comment — as the tally
// XLSX's first sheets and the print view have it. Its figures are sums and
// copies of the published ones, so it withholds what they withhold.

type wideKind int

const (
	wideGood    wideKind = iota // share graded xuat_sac or tot
	wideOption                  // one option's share
	wideMean                    // mean score
	wideAnswers                 // how many answered (a text question)
)

// wideColumn is one figure of the wide tally.
type wideColumn struct {
	Group string // heads a run of columns (the header's first row)
	Head  string // the column's short heading: "I.1", "HTXS"
	Text  string // the question (or option) in full, for the legend
	q     string
	opt   string
	kind  wideKind
}

// wideForm is the wide layout of one form.
type wideForm struct {
	ID, Title string
	Cols      []wideColumn
}

var (
	grade4 = []string{"xuat_sac", "tot", "trung_binh", "kem"}
	// goodGrades are the grades that count as Tốt or better.
	goodGrades = map[string]bool{"xuat_sac": true, "tot": true}
)

// isSet reports whether q's options are exactly ids, in order.
func isSet(q *forms.Question, ids []string) bool {
	if len(q.Options) != len(ids) {
		return false
	}
	for i, o := range q.Options {
		if o.ID != ids[i] {
			return false
		}
	}
	return true
}

func newWideForm(f *forms.Form, lang i18n.Lang) wideForm {
	w := wideForm{ID: f.ID, Title: pick(lang, f.Title, f.TitleEN)}
	m := func(key string) string { return i18n.M(key).In(lang) }
	for i := range f.Questions {
		q := &f.Questions[i]
		// the column's label carries the question's number
		text := pick(lang, q.Text, q.TextEN)
		if n := leadingNumber(text); n != "" {
			text = strings.TrimSpace(text[len(n)+1:])
		}
		switch {
		case q.Type == forms.Choice && isSet(q, grade4):
			w.Cols = append(w.Cols, wideColumn{Group: m("wide.good"), Head: shortLabel(f, q, i), Text: text, q: q.ID, kind: wideGood})
		case q.Type == forms.Choice && isSet(q, forms.Levels):
			for _, o := range q.Options {
				w.Cols = append(w.Cols, wideColumn{Group: m("wide.levels"), Head: m("wide.level_" + o.ID), Text: pick(lang, o.Label, o.LabelEN), q: q.ID, opt: o.ID, kind: wideOption})
			}
		case q.Type == forms.Choice:
			for _, o := range q.Options {
				label := pick(lang, o.Label, o.LabelEN)
				w.Cols = append(w.Cols, wideColumn{Group: shortLabel(f, q, i) + ". " + text, Head: label, Text: label, q: q.ID, opt: o.ID, kind: wideOption})
			}
		case q.Type == forms.Score:
			w.Cols = append(w.Cols, wideColumn{Group: m("wide.mean"), Head: shortLabel(f, q, i), Text: text, q: q.ID, kind: wideMean})
		case q.Type == forms.Text:
			w.Cols = append(w.Cols, wideColumn{Group: m("wide.comments"), Head: m("wide.comments_count"), Text: text, q: q.ID, kind: wideAnswers})
		}
	}
	return w
}

// shortLabel names question i of f as forms print it: the section's Roman
// numeral and the question's number ("I.1", "II.2", "III"), or its number,
// or its place in the form.
func shortLabel(f *forms.Form, q *forms.Question, i int) string {
	num := leadingNumber(q.Text)
	sec := ""
	for _, s := range f.Sections {
		if s.ID == q.Section {
			sec = romanPrefix(s.Title)
		}
	}
	switch {
	case sec != "" && num != "":
		return sec + "." + num
	case sec != "":
		return sec
	case num != "":
		return num
	}
	return strconv.Itoa(i + 1)
}

// leadingNumber is the "3" of "3. Lãnh đạo …".
func leadingNumber(s string) string {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n == 0 || n >= len(s) || s[n] != '.' {
		return ""
	}
	return s[:n]
}

// romanPrefix is the "II" of "II. Thực hiện …".
func romanPrefix(s string) string {
	head, _, ok := strings.Cut(s, ".")
	if !ok || head == "" {
		return ""
	}
	for _, r := range head {
		if !strings.ContainsRune("IVXLC", unicode.ToUpper(r)) || !unicode.IsUpper(r) {
			return ""
		}
	}
	return head
}

// wideValue is one figure: a percentage ("85.71"), a mean ("16.40"), a
// count, or withheld.
type wideValue struct {
	Text     string
	Count    int
	IsCount  bool
	Withheld bool
	Empty    bool // nobody answered
}

// values appends to out the figures of one target's or roll-up's
// questions, a column each.
func (w wideForm) values(out []wideValue, qs []tally.QuestionView) []wideValue {
	out = out[:0]
	for _, c := range w.Cols {
		var q *tally.QuestionView
		for i := range qs { // a few questions: no map to build for every row
			if qs[i].ID == c.q {
				q = &qs[i]
			}
		}
		var v wideValue
		switch {
		case q == nil:
			v.Empty = true
		case c.kind == wideAnswers:
			v = wideValue{Count: q.Answered, IsCount: true}
		case q.Withheld:
			v.Withheld = true
		case q.Answered == 0:
			v.Empty = true
		case c.kind == wideMean:
			if q.Score == nil {
				v.Empty = true
			} else {
				v.Text = q.Score.Mean
			}
		default:
			sum := 0
			for _, o := range q.Options {
				if (c.kind == wideGood && goodGrades[o.ID]) || (c.kind == wideOption && o.ID == c.opt) {
					sum += report.Hundredths(o.Percent)
				}
			}
			v.Text = strconv.Itoa(sum/100) + "." + twoDigits(sum%100)
		}
		out = append(out, v)
	}
	return out
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// groupSpans lists the runs of columns under one group heading.
func (w wideForm) groupSpans() []span {
	var out []span
	for i, c := range w.Cols {
		if len(out) > 0 && out[len(out)-1].Text == c.Group {
			out[len(out)-1].N++
			continue
		}
		out = append(out, span{Text: c.Group, From: i, N: 1})
	}
	return out
}

type span struct {
	Text    string
	From, N int
}

// formsIn lists, in id order, the forms of the targets strictly below
// unit ("" for all).
func formsIn(c *tally.Counted, unit string) []*forms.Form {
	used := map[string]bool{}
	visit := func(id string) {
		c.Tree.Walk(id, func(u *rounds.Unit) {
			if u.IsTarget() && u.ID != unit {
				used[u.Form] = true
			}
		})
	}
	if unit != "" {
		visit(unit)
	} else {
		for _, r := range c.Tree.Roots() {
			visit(r.ID)
		}
	}
	var out []*forms.Form
	for id, f := range c.Forms {
		if used[id] {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
