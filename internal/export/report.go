package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"ballot/internal/forms"
	"ballot/internal/i18n"
	"ballot/internal/report"
)

// ReportFormats are the formats a report is written in.
var ReportFormats = []string{"json", "csv", "xlsx", "html"}

// ReportTables are the tables of a report's CSV: one table a file, so that
// each stays one header and rows of one shape.
var ReportTables = []string{"report", "quota", "compare"}

// A report table is made once, of cells that know what they hold, and
// written as HTML (print), XLSX (people) and CSV (programs) from the same
// cells, so the three cannot disagree.
type cellKind int

const (
	plainText cellKind = iota
	countCell
	percentCell // two decimals with a dot: "85.71"
	changeCell  // a signed count: +3, -2
	pointsCell  // signed percentage points: "+1.28"
)

// rcell is one cell of a report table; Mark sets it apart (a quota
// breach).
type rcell struct {
	Text  string
	Count int
	kind  cellKind
	Mark  bool
}

func rtext(s string) rcell    { return rcell{Text: s} }
func rcount(n int) rcell      { return rcell{Count: n, kind: countCell} }
func rpercent(p string) rcell { return rcell{Text: p, kind: percentCell} }
func rchange(n int) rcell     { return rcell{Count: n, kind: changeCell} }
func rpoints(p string) rcell  { return rcell{Text: p, kind: pointsCell} }

// In is the cell as print writes it in lang: 1.234; 85,71; +3; +1,28.
func (c rcell) In(lang i18n.Lang) string {
	switch c.kind {
	case countCell:
		return i18n.Int(c.Count, lang)
	case percentCell, pointsCell:
		return i18n.Decimal(c.Text, lang)
	case changeCell:
		if c.Count > 0 {
			return "+" + i18n.Int(c.Count, lang)
		}
		return i18n.Int(c.Count, lang)
	}
	return c.Text
}

// csv is the cell as a CSV field: numbers plain, with a dot.
func (c rcell) csv() Cell {
	switch c.kind {
	case countCell, changeCell:
		return Int(c.Count)
	case percentCell, pointsCell:
		return Number(c.Text)
	}
	return Text(c.Text)
}

// reportGroups head the report table's column pairs (count, percent),
// after the unit and the total, as provincial committees publish them.
var reportGroups = []string{"report.rated", "report.not_rated", "report.htxs", "report.htt", "report.htnv", "report.khtnv",
	"report.good", "report.excellent_of_good"}

// reportColumns is how many columns the report table has.
var reportColumns = 2 + 2*len(reportGroups)

// rowCells lays out one row of the report table.
func rowCells(r report.Row, name string) []rcell {
	row := []rcell{rtext(name), rcount(r.Total), rcount(r.Rated), rpercent(r.RatedPercent), rcount(r.NotRated), rpercent(r.NotRatedPercent)}
	for _, l := range forms.Levels {
		row = append(row, rcount(r.Levels[l].Count), rpercent(r.Levels[l].Percent))
	}
	return append(row, rcount(r.GoodOrBetter.Count), rpercent(r.GoodOrBetter.Percent), rcount(r.ExcellentOfGood.Count), rpercent(r.ExcellentOfGood.Percent))
}

// sectionRows are a section's child rows and its total row.
func sectionRows(s report.Section, unitName string, lang i18n.Lang) [][]rcell {
	var rows [][]rcell
	for _, c := range s.Children {
		rows = append(rows, rowCells(c, c.Name))
	}
	return append(rows, rowCells(s.Total, i18n.M("report.total_row", unitName).In(lang)))
}

// compareRows compare a section's figures with the earlier round's: a row
// per measure with both counts and percentages and their change.
func compareRows(s report.Section, lang i18n.Lang) [][]rcell {
	if s.Previous == nil || s.Change == nil {
		return nil
	}
	p, n, c := s.Previous, s.Total, s.Change
	row := func(key string, pc int, pp string, nc int, np string, d report.Delta) []rcell {
		return []rcell{rtext(i18n.M(key).In(lang)), rcount(pc), rpercent(pp), rcount(nc), rpercent(np), rchange(d.Count), rpoints(d.Points)}
	}
	rows := [][]rcell{{rtext(i18n.M("report.total").In(lang)), rcount(p.Total), rtext(""), rcount(n.Total), rtext(""), rchange(c.Total), rtext("")},
		row("report.rated", p.Rated, p.RatedPercent, n.Rated, n.RatedPercent, c.Rated),
		row("report.not_rated", p.NotRated, p.NotRatedPercent, n.NotRated, n.NotRatedPercent, c.NotRated)}
	for _, l := range forms.Levels {
		rows = append(rows, row("report."+l, p.Levels[l].Count, p.Levels[l].Percent, n.Levels[l].Count, n.Levels[l].Percent, c.Levels[l]))
	}
	return append(rows, row("report.good", p.GoodOrBetter.Count, p.GoodOrBetter.Percent, n.GoodOrBetter.Count, n.GoodOrBetter.Percent, c.GoodOrBetter),
		row("report.excellent_of_good_pct", p.ExcellentOfGood.Count, p.ExcellentOfGood.Percent, n.ExcellentOfGood.Count, n.ExcellentOfGood.Percent, c.ExcellentOfGood))
}

// quotaRows are the quota status of every deciding unit and peer group.
func quotaRows(rep *report.Report, names report.Names, lang i18n.Lang) [][]rcell {
	var rows [][]rcell
	for _, q := range rep.Quota {
		breach := i18n.M("report.no").In(lang)
		if q.Breach {
			breach = i18n.M("report.yes").In(lang)
		}
		rows = append(rows, []rcell{rtext(q.Name), rtext(names.Group(q.Group, lang)), rcount(q.Excellent), rcount(q.GoodOrBetter),
			rpercent(q.ExcellentPercent), rpercent(q.CapPercent), {Text: breach, Mark: q.Breach}})
	}
	return rows
}

var quotaColumns = []string{"report.deciding_unit", "report.group", "report.htxs", "report.good",
	"report.excellent_pct", "report.cap", "report.breach"}

func headers(keys []string, lang i18n.Lang) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = i18n.M(k).In(lang)
	}
	return out
}

// reportDoc is what the printed report and the workbook show.
type reportDoc struct {
	Lang     i18n.Lang
	Head     letterhead
	Title    string // "Kết quả đánh giá, xếp loại chất lượng … năm 2026"
	Sub      string // the round and the unit
	Sections []sectionDoc
	Quota    [][]rcell
	// PrintQuota is the quota table laid out for print. EndAlone tells that
	// no table carries the document's end (there is no table).
	PrintQuota printTable
	EndAlone   bool
	// Before and Now head the comparison's columns ("Năm 2025"); Since
	// names the earlier round in a sentence ("năm 2025").
	Before, Now, Since string
	Signer             signer
	Recipients         []string
	Note               string
	// Groups head the report table's column pairs; QuotaHeading and
	// QuotaHeads the quota table.
	Groups       []string
	QuotaHeading string
	QuotaHeads   []string
}

type sectionDoc struct {
	Heading string // "I. Tổ chức cơ sở đảng"
	Name    string // the kind's name, capitalised
	Summary string
	Rows    [][]rcell
	Compare [][]rcell
	// PrintRows and PrintCompare are the tables laid out for print.
	PrintRows, PrintCompare printTable
	Added                   string // the new targets' names, joined
	Gone                    string
	// NewCount and GoneCount are how many targets are new and gone.
	NewCount, GoneCount int
	s                   report.Section
}

func newReportDoc(rep *report.Report, lang i18n.Lang, m Meta) *reportDoc {
	names := report.NamesOf(m.Documents)
	d := &reportDoc{Lang: lang, Head: newLetterhead(m.Documents, m.Documents.Issuer, m.Generated, lang),
		Quota: quotaRows(rep, names, lang), Recipients: m.Documents.Recipients,
		Signer: signer{For: m.Documents.SignerFor, Title: m.Documents.SignerTitle, Name: m.Documents.SignerName}}
	what := i18n.M("report.of_all").In(lang)
	if len(rep.Sections) == 1 {
		what = names.Kind(rep.Sections[0].Kind, lang)
	}
	d.Title = i18n.M("report.subtitle", what, m.Year).In(lang)
	d.Sub = i18n.M("report.scope", m.Round, rep.Name).In(lang)
	if rep.Final {
		d.Sub += " — " + i18n.M("report.final").In(lang)
	}
	if len(rep.Pending) > 0 {
		d.Sub += " — " + i18n.M("report.pending", len(rep.Pending), unitNames(rep.Pending)).In(lang)
	}
	if c := rep.Compared; c != nil {
		d.Before, d.Now = i18n.M("report.year", c.Year).In(lang), i18n.M("report.year", m.Year).In(lang)
		d.Since = i18n.M("summary.since_year", c.Year).In(lang)
		if c.Year == m.Year {
			d.Before, d.Now, d.Since = c.Title, m.Round, i18n.M("summary.since_round", c.Title).In(lang)
		}
	}
	summary := rep.Summary[string(lang)]
	for i, s := range rep.Sections {
		name := report.Capital(names.Kind(s.Kind, lang))
		sd := sectionDoc{Heading: roman(i+1) + ". " + name, Name: name, Rows: sectionRows(s, rep.Name, lang), Compare: compareRows(s, lang), s: s}
		if i < len(summary) {
			sd.Summary = summary[i]
		}
		sd.Added, sd.Gone, sd.NewCount, sd.GoneCount = unitNames(s.Added), unitNames(s.Gone), len(s.Added), len(s.Gone)
		d.Sections = append(d.Sections, sd)
	}
	d.Note = i18n.M("report.footer", m.Round, i18n.Time(m.Generated)).In(lang)
	// the document's end goes with the last table: the quota's, or the
	// last section's comparison, or its table
	last := len(d.Sections) - 1
	d.EndAlone = last < 0 && len(d.Quota) == 0
	d.PrintQuota = newPrintTable(d.Quota, false, len(d.Quota) > 0, lang)
	for i := range d.Sections {
		sd := &d.Sections[i]
		endsHere := i == last && len(d.Quota) == 0
		sd.PrintRows = newPrintTable(sd.Rows, true, endsHere && sd.Compare == nil, lang)
		sd.PrintCompare = newPrintTable(sd.Compare, false, endsHere && sd.Compare != nil, lang)
	}
	d.Groups, d.QuotaHeads = headers(reportGroups, lang), headers(quotaColumns, lang)
	d.QuotaHeading = roman(len(d.Sections)+1) + ". " + i18n.M("report.quota_heading").In(lang)
	return d
}

func unitNames(us []report.UnitRef) string {
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = u.Name
	}
	return strings.Join(names, "; ")
}

// roman writes 1..39 as a Roman numeral, as documents number sections.
func roman(n int) string {
	var b strings.Builder
	for _, p := range []struct {
		v int
		s string
	}{{10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for ; n >= p.v; n -= p.v {
			b.WriteString(p.s)
		}
	}
	return b.String()
}

// Report writes a report in format: JSON as the API answers it, CSV (its
// main table; ReportCSV writes the others), XLSX, or printable HTML.
func Report(w io.Writer, format string, rep *report.Report, lang i18n.Lang, m Meta) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(rep)
	case "csv":
		return ReportCSV(w, rep, "report", lang, m)
	case "xlsx":
		return reportXLSX(w, newReportDoc(rep, lang, m))
	case "html":
		return printTemplates.ExecuteTemplate(w, "report.html", newReportDoc(rep, lang, m))
	}
	return fmt.Errorf("unknown format %q", format)
}

// ReportCSV writes one table of a report as CSV, for programs: "report",
// a row per section and unit (the child units, then the total); "quota",
// a row per deciding unit and group; "compare", a row per section and
// measure with the earlier round's figures and the change.
func ReportCSV(w io.Writer, rep *report.Report, table string, lang i18n.Lang, m Meta) error {
	out := NewCSV(w)
	write := func(head []string, rows [][]Cell) error {
		if err := out.Texts(head...); err != nil {
			return err
		}
		for _, r := range rows {
			if err := out.Row(r...); err != nil {
				return err
			}
		}
		return out.Flush()
	}
	d := newReportDoc(rep, lang, m)
	var rows [][]Cell
	switch table {
	case "report":
		head := append(headers([]string{"report.kind", "report.row", "export.unit", "report.unit", "report.total"}, lang), pairHeads(lang)...)
		for _, s := range d.Sections {
			ids := make([]string, 0, len(s.s.Children)+1)
			for _, c := range s.s.Children {
				ids = append(ids, c.Unit)
			}
			ids = append(ids, rep.Unit)
			for i, r := range s.Rows {
				kind := i18n.M("report.row_child").In(lang)
				if i == len(s.Rows)-1 {
					kind = i18n.M("report.row_total").In(lang)
				}
				rec := []Cell{Text(s.s.Kind), Text(kind), Text(ids[i])}
				for _, c := range r {
					rec = append(rec, c.csv())
				}
				rows = append(rows, rec)
			}
		}
		return write(head, rows)
	case "quota":
		for i, r := range d.Quota {
			rec := []Cell{Text(rep.Quota[i].Unit), Text(rep.Quota[i].Group)}
			for _, c := range r {
				rec = append(rec, c.csv())
			}
			rows = append(rows, rec)
		}
		return write(append(headers([]string{"export.unit", "report.group_id"}, lang), headers(quotaColumns, lang)...), rows)
	case "compare":
		for _, s := range d.Sections {
			for _, r := range s.Compare {
				rec := []Cell{Text(s.s.Kind)}
				for _, c := range r {
					rec = append(rec, c.csv())
				}
				rows = append(rows, rec)
			}
		}
		return write(headers([]string{"report.kind", "report.measure", "report.before_count", "report.before_pct",
			"report.now_count", "report.now_pct", "report.change", "report.points"}, lang), rows)
	}
	return fmt.Errorf("unknown table %q", table)
}

// pairHeads are the CSV headers of the report table's count and percent
// columns, each named on its own so that no two are alike.
func pairHeads(lang i18n.Lang) []string {
	var out []string
	for _, g := range reportGroups {
		name := i18n.M(g).In(lang)
		pct := i18n.M("report.pct_of", report.LowerFirst(name)).In(lang)
		if g == "report.excellent_of_good" {
			pct = i18n.M("report.pct_of_good").In(lang)
		}
		out = append(out, name, pct)
	}
	return out
}

// decimalOf reads "85.71" (or "+1.28") as a number for a workbook.
func decimalOf(p string) float64 {
	v, _ := strconv.ParseFloat(p, 64)
	return v
}
