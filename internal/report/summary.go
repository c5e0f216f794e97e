package report

import (
	"strconv"
	"strings"

	"ballot/internal/forms"
	"ballot/internal/i18n"
)

// Summarize writes the report's figures as sentences in the formula of
// published provincial reports ("… là 957; số được đánh giá, xếp loại là
// 953, chiếm 99,58%; … (trong đó … là 162, chiếm 18,60%)"), a paragraph
// per section, in every language. year is the report's round's year.
func (rep *Report) Summarize(names Names, year int) {
	rep.Summary = map[string][]string{}
	for _, lang := range i18n.Langs {
		ps := []string{}
		for _, s := range rep.Sections {
			ps = append(ps, rep.paragraph(s, names, year, lang))
		}
		rep.Summary[string(lang)] = ps
	}
}

func (rep *Report) paragraph(s Section, names Names, year int, lang i18n.Lang) string {
	m := func(key string, args ...any) string { return i18n.M(key, args...).In(lang) }
	n := func(x int) string { return proseInt(x, lang) }
	pct := func(p string) string { return prosePercent(p, lang) }
	kind := names.Kind(s.Kind, lang)
	t := s.Total
	var b strings.Builder
	b.WriteString(m("summary.total", Capital(kind), kind, rep.Name, n(t.Total)))
	since := ""
	if c := rep.Compared; c != nil && s.Change != nil {
		since = m("summary.since_year", c.Year)
		if c.Year == year {
			since = m("summary.since_round", c.Title)
		}
		switch d := s.Change.Total; {
		case d > 0:
			b.WriteString(m("summary.more", n(d), since))
		case d < 0:
			b.WriteString(m("summary.fewer", n(-d), since))
		default:
			b.WriteString(m("summary.as_many", since))
		}
		var moved []string
		if len(s.Added) > 0 {
			moved = append(moved, m("summary.added", n(len(s.Added))))
		}
		if len(s.Gone) > 0 {
			moved = append(moved, m("summary.gone", n(len(s.Gone))))
		}
		if len(moved) > 0 {
			b.WriteString(" (" + strings.Join(moved, ", ") + ")")
		}
	}
	figure := func(key, noneKey string, f Figure) string {
		if f.Count == 0 {
			return m(noneKey)
		}
		return m(key, n(f.Count), pct(f.Percent))
	}
	b.WriteString(figure("summary.rated", "summary.rated_none", Figure{t.Rated, t.RatedPercent}))
	b.WriteString(figure("summary.not_rated", "summary.not_rated_none", Figure{t.NotRated, t.NotRatedPercent}))
	b.WriteString(".")
	if t.Rated > 0 {
		level := func(id string, f Figure) string {
			name := m("summary.level_" + id)
			if f.Count == 0 {
				return m("summary.level_none", name)
			}
			return m("summary.level", name, n(f.Count), pct(f.Percent))
		}
		good := level("good", t.GoodOrBetter)
		if t.GoodOrBetter.Count > 0 {
			good += m("summary.of_which", level(forms.LevelHTXS, t.ExcellentOfGood))
		}
		items := []string{good, level(forms.LevelHTNV, t.Levels[forms.LevelHTNV]), level(forms.LevelKHTNV, t.Levels[forms.LevelKHTNV])}
		b.WriteString(m("summary.results", strings.Join(items, "; ")))
	}
	if c := s.Change; c != nil && rep.Compared != nil {
		moved := func(id string, d Delta) string {
			return m("summary.moved", m("summary.level_"+id), movement(d, lang))
		}
		// excellent as a share of good-or-better, as the sentence above has it
		items := []string{moved("good", c.GoodOrBetter), moved(forms.LevelHTXS, c.ExcellentOfGood),
			moved(forms.LevelHTNV, c.Levels[forms.LevelHTNV]), moved(forms.LevelKHTNV, c.Levels[forms.LevelKHTNV])}
		b.WriteString(m("summary.compared", since, strings.Join(items, "; ")))
		if !rep.Compared.Final {
			b.WriteString(m("summary.not_final"))
		}
	}
	return b.String()
}

// movement words a change: "tăng 12 (tăng 1,28 điểm phần trăm)".
func movement(d Delta, lang i18n.Lang) string {
	m := func(key string, args ...any) string { return i18n.M(key, args...).In(lang) }
	count := m("summary.same")
	switch {
	case d.Count > 0:
		count = m("summary.up", proseInt(d.Count, lang))
	case d.Count < 0:
		count = m("summary.down", proseInt(-d.Count, lang))
	}
	p := strings.TrimPrefix(strings.TrimPrefix(d.Points, "+"), "-")
	switch {
	case strings.HasPrefix(d.Points, "+"):
		return count + m("summary.points_up", i18n.Decimal(p, lang))
	case strings.HasPrefix(d.Points, "-"):
		return count + m("summary.points_down", i18n.Decimal(p, lang))
	}
	if d.Count == 0 {
		return count
	}
	return count + m("summary.points_same")
}

// proseInt writes a count in a sentence: grouped, and in Vietnamese with a
// leading zero below ten, as administrative texts do ("04", "1.234").
func proseInt(n int, lang i18n.Lang) string {
	if lang == i18n.VI && n > 0 && n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return i18n.Int(n, lang)
}

// prosePercent writes a percentage in a sentence: "99,58", and a whole
// hundred as "100".
func prosePercent(p string, lang i18n.Lang) string {
	if p == "100.00" {
		return "100"
	}
	return i18n.Decimal(p, lang)
}
