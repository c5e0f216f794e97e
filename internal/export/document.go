package export

import (
	"html/template"
	"time"

	"ballot/internal/i18n"
	"ballot/internal/rounds"
	"ballot/web"
)

// printTemplates are the printed documents (web/print). Besides the
// functions of every template they write numbers as print does: num for
// a count (1.234), dec for a decimal given with a dot (85,71; in English
// 85.71).
var printTemplates = template.Must(template.New("").Funcs(i18n.TemplateFuncs()).Funcs(template.FuncMap{
	"num": func(lang i18n.Lang, n int) string { return i18n.Int(n, lang) },
	"dec": func(lang i18n.Lang, s string) string { return i18n.Decimal(s, lang) },
}).ParseFS(web.FS, "print/*.html"))

// Meta is what a printed document says about where it comes from.
type Meta struct {
	Round     string // the round's title
	Year      int
	UnitName  string
	Generated time.Time
	// Documents is who issues and signs the round's documents.
	Documents rounds.Documents
}

// MetaOf is the Meta of a document of round r about unit, made at now.
func MetaOf(r *rounds.Round, unitName string, now time.Time) Meta {
	return Meta{Round: r.Title, Year: r.Year, UnitName: unitName, Generated: now, Documents: r.Documents}
}

// letterhead is the top of an official document: on the left the parent
// body over the issuing body, on the right the Party's name over the place
// and date, as party documents lay them out.
type letterhead struct {
	Upper, Lower string
	DateLine     string
}

func newLetterhead(d rounds.Documents, lower string, at time.Time, lang i18n.Lang) letterhead {
	h := letterhead{Upper: d.IssuerParent, Lower: lower}
	if d.Place != "" {
		h.DateLine = i18n.M("doc.date_line", d.Place, i18n.Date(at, lang)).In(lang)
	} else {
		h.DateLine = i18n.M("doc.date_only", i18n.Date(at, lang)).In(lang)
	}
	return h
}

// signer is one signature block: on whose behalf, the title, the name.
type signer struct {
	For, Title, Name string
}
