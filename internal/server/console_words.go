package server

import (
	"html/template"
	"strconv"
	"strings"

	"ballot/internal/auth"
	"ballot/internal/forms"
	"ballot/internal/i18n"
	"ballot/internal/report"
	"ballot/internal/rounds"
	"ballot/internal/tally"
)

// consoleFuncs are the console templates' words for ids: roles, kinds and
// groups of units, levels, and numbers in the reader's style.
func consoleFuncs() template.FuncMap {
	return template.FuncMap{
		"role":  func(l i18n.Lang, r auth.Role) string { return named(l, "role.", string(r)) },
		"kind":  func(l i18n.Lang, id string) string { return named(l, "unitkind.", id) },
		"group": func(l i18n.Lang, id string) string { return named(l, "unitgroup.", id) },
		"level": levelName,
		"title": func(l i18n.Lang, f any) string {
			switch f := f.(type) {
			case *forms.Form:
				return pick(l, f.Title, f.TitleEN)
			case forms.Form:
				return pick(l, f.Title, f.TitleEN)
			}
			return ""
		},
		"crumbs": func(l i18n.Lang, link string, path []rounds.Unit, unit any) crumbs {
			c := crumbs{Lang: l, Link: link, Path: path}
			switch u := unit.(type) {
			case *rounds.Unit:
				c.Unit = u
			case rounds.Unit:
				c.Unit = &u
			}
			return c
		},
		"num": number,
		"pct": percent,
		"dec": decimal,
		"add": func(a, b int) int { return a + b },
		"sub": func(a, b int) int { return a - b },
		"share": func(l i18n.Lang, part, whole int) string {
			if whole == 0 {
				return "—"
			}
			return percent(l, tally.Ratio(int64(part)*100, int64(whole)))
		},
	}
}

// crumbs is a unit's place in the tree, each ancestor a link to page
// Link for it.
type crumbs struct {
	Lang i18n.Lang
	Link string
	Path []rounds.Unit
	Unit *rounds.Unit
}

// named is the catalog's name for an id under prefix, or the id itself: an
// organization may use kinds and groups the catalog does not know.
func named(l i18n.Lang, prefix, id string) string {
	if id == "" {
		return ""
	}
	if i18n.Has(prefix + id) {
		return i18n.M(prefix + id).In(l)
	}
	return id
}

// levelName is a rating level's label (level4, or not rated).
func levelName(l i18n.Lang, id string) string {
	if id == report.NotRated {
		return i18n.M("console.not_rated").In(l)
	}
	for _, o := range forms.OptionSets["level4"] {
		if o.ID == id {
			return pick(l, o.Label, o.LabelEN)
		}
	}
	return id
}

// number writes n with thousands grouped: 61.567 in Vietnamese, 61,567 in
// English.
func number(l i18n.Lang, n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := "."
	if l == i18n.EN {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// decimal writes a figure with decimals ("87.40") as the reader writes it:
// 87,40 in Vietnamese.
func decimal(l i18n.Lang, figure string) string {
	if l == i18n.VI {
		return strings.Replace(figure, ".", ",", 1)
	}
	return figure
}

// percent writes a percentage figure ("16.13") as the reader writes it:
// 16,13% in Vietnamese, 16.13% in English.
func percent(l i18n.Lang, figure string) string { return decimal(l, figure) + "%" }

// consoleMsg renders m for a console page: a field's error names the field
// as the page labels it ("Khóa bí mật: bắt buộc phải có"), not by its id;
// a field of a part ("documents.place") by its own name.
func consoleMsg(m i18n.Msg, l i18n.Lang) string {
	if m.Key == "invalid.field" && len(m.Args) == 2 {
		field, _ := m.Args[0].(string)
		inner, ok := m.Args[1].(i18n.Msg)
		base, _, _ := strings.Cut(field, "[")
		if i := strings.LastIndexByte(base, '.'); i >= 0 && !i18n.Has("label."+base) {
			base = base[i+1:]
		}
		if ok && i18n.Has("label."+base) {
			return i18n.M("label."+base).In(l) + ": " + consoleMsg(inner, l)
		}
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		if inner, ok := a.(i18n.Msg); ok {
			args[i] = consoleMsg(inner, l)
		} else {
			args[i] = a
		}
	}
	return i18n.M(m.Key, args...).In(l)
}
