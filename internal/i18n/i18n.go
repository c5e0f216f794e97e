// Package i18n holds the messages of the interface and of errors in
// Vietnamese (the default) and English, picks a request's language, and
// writes numbers and dates as each language does.
package i18n

import (
	"fmt"
	"strings"
	"time"
)

// Lang is a user-interface language.
type Lang string

// The languages the service speaks. Vietnamese is the default.
const (
	VI Lang = "vi"
	EN Lang = "en"
)

// Langs lists every supported language, the default first.
var Langs = []Lang{VI, EN}

// Parse returns the language named by s ("vi", "en", "en-US", …), or VI.
func Parse(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	if strings.HasPrefix(s, "en") {
		return EN
	}
	return VI
}

// FromAcceptLanguage picks the first supported language of an
// Accept-Language header, or VI.
func FromAcceptLanguage(h string) Lang {
	for _, part := range strings.Split(h, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "vi"):
			return VI
		case strings.HasPrefix(tag, "en"):
			return EN
		}
	}
	return VI
}

// Msg is a message not yet rendered: a catalog key and its arguments. An
// argument that is itself a Msg is rendered in the same language.
type Msg struct {
	Key  string
	Args []any
}

// M makes a Msg.
func M(key string, args ...any) Msg { return Msg{Key: key, Args: args} }

// In renders m in lang. An unknown key renders as the key itself, so a
// missing translation is visible rather than silent (a test checks none is).
func (m Msg) In(lang Lang) string {
	format, ok := catalog[lang][m.Key]
	if !ok {
		format, ok = catalog[VI][m.Key]
	}
	if !ok {
		return m.Key
	}
	if len(m.Args) == 0 {
		return format // no verbs to fill: a "%" is a percent sign
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		switch a := a.(type) {
		case Msg:
			args[i] = a.In(lang)
		case Time:
			args[i] = a.In(lang)
		default:
			args[i] = a
		}
	}
	return fmt.Sprintf(format, args...)
}

// Has reports whether key has a message in every language.
func Has(key string) bool {
	for _, l := range Langs {
		if _, ok := catalog[l][key]; !ok {
			return false
		}
	}
	return true
}

// Keys lists the keys of lang's catalog.
func Keys(lang Lang) []string {
	keys := make([]string, 0, len(catalog[lang]))
	for k := range catalog[lang] {
		keys = append(keys, k)
	}
	return keys
}

// Vietnam is the time zone of every time shown to people: UTC+7, without
// daylight saving.
var Vietnam = time.FixedZone("ICT", 7*3600)

// Time is a moment as a message argument, shown in Vietnam time in the
// reader's words.
type Time time.Time

// In renders t in lang.
func (t Time) In(lang Lang) string {
	v := time.Time(t).In(Vietnam)
	if lang == EN {
		return v.Format("15:04, 2 Jan 2006") + " (Vietnam time)"
	}
	return v.Format("15:04 ngày 02/01/2006") + " (giờ Việt Nam)"
}

// TemplateFuncs are the functions every template uses: t renders a message
// (t LANG KEY ARGS…), vn a time in Vietnam time (vn LANG TIME), inc adds
// one, seq makes n slots to range over.
func TemplateFuncs() map[string]any {
	return map[string]any{
		"t": func(lang Lang, key string, args ...any) string { return M(key, args...).In(lang) },
		"vn": func(lang Lang, t any) string {
			switch t := t.(type) {
			case *time.Time:
				return Time(*t).In(lang)
			case time.Time:
				return Time(t).In(lang)
			}
			return ""
		},
		"inc": func(i int) int { return i + 1 },
		"seq": func(n int) []int { return make([]int, n) },
	}
}
