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

// printTable is a table laid out for print. The last table of a document
// keeps its last rows in a tail with the document's end (the note and the
// signatures), printed as one block that no page break splits, so the
// signatures never stand alone on a page. (Chromium does not reliably keep
// a block with a table before it by break-before: avoid when the table
// continues from an earlier page; a table body that avoids breaks inside
// it is kept.) When every row is in the tail, the table is kept whole
// (Whole), so that its header and the heading above it go with the rows
// rather than stand at the foot of the page before.
type printTable struct {
	Body, Tail []printRow
	End        bool
}

// Whole tells that the table has no rows before its tail.
func (t printTable) Whole() bool { return t.End && len(t.Body) == 0 }

type printRow struct {
	Cells []printCell
	Total bool
}

type printCell struct {
	Text, Class string
	// Bar, when set, is drawn instead of Text (which labels it): a stacked
	// bar of shares summing to 100.
	Bar []barPart
}

// barPart is one share of a stacked bar, from X, W wide, of 100.
type barPart struct {
	X, W float64
	Fill string
}

// tailRows is how many rows of the last table go with the document's end.
const tailRows = 3

func newPrintTable(rows [][]rcell, total, end bool, lang i18n.Lang) printTable {
	pr := make([]printRow, len(rows))
	for i, r := range rows {
		pr[i].Total = total && i == len(rows)-1
		for _, c := range r {
			class := ""
			switch {
			case c.Mark:
				class = "breach"
			case c.kind != plainText:
				class = "n"
			}
			pr[i].Cells = append(pr[i].Cells, printCell{Text: c.In(lang), Class: class})
		}
	}
	if !end {
		return printTable{Body: pr}
	}
	k := max(0, len(pr)-tailRows)
	return printTable{Body: pr[:k], Tail: pr[k:], End: true}
}
