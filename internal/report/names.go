package report

import (
	"unicode"
	"unicode/utf8"

	"ballot/internal/i18n"
	"ballot/internal/rounds"
)

// Names are how documents name the kinds and peer groups of units: the
// round's own names first (rounds.Documents), then the built-in ones of
// the usual ids, else the id itself. A kind's name is written as inside a
// sentence ("tổ chức cơ sở đảng").
type Names struct{ Kinds, Groups map[string]string }

// NamesOf are the names a round's documents use.
func NamesOf(d rounds.Documents) Names { return Names{Kinds: d.Kinds, Groups: d.Groups} }

// Kind names the kind id in lang.
func (n Names) Kind(id string, lang i18n.Lang) string { return n.name(n.Kinds, "doc.kind.", id, lang) }

// Group names the peer group id in lang.
func (n Names) Group(id string, lang i18n.Lang) string {
	if id == "" {
		return i18n.M("doc.no_group").In(lang)
	}
	return n.name(n.Groups, "doc.group.", id, lang)
}

func (n Names) name(own map[string]string, prefix, id string, lang i18n.Lang) string {
	if s := own[id]; s != "" {
		return s
	}
	if i18n.Has(prefix + id) {
		return i18n.M(prefix + id).In(lang)
	}
	return id
}

// Capital is s with its first letter in upper case, for a heading.
func Capital(s string) string { return withFirst(s, unicode.ToUpper) }

// LowerFirst is s with its first letter in lower case, for a name inside
// a phrase.
func LowerFirst(s string) string { return withFirst(s, unicode.ToLower) }

func withFirst(s string, f func(rune) rune) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(f(r)) + s[n:]
}
