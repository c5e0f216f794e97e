package export

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"ballot/internal/forms"
	"ballot/internal/i18n"
	"ballot/internal/report"
)

// ReportFormats are the formats a report is written in.
var ReportFormats = []string{"json", "csv", "xlsx", "html"}

// reportColumns are the columns of a report table: the unit, then pairs of
// count and percent, as provincial committees publish them.
var reportColumns = []string{"report.unit", "report.total", "report.rated",
	"report.not_rated", "report.pct", "report.htxs", "report.pct", "report.htt", "report.pct",
	"report.htnv", "report.pct", "report.khtnv", "report.pct",
	"report.good", "report.pct", "report.excellent_of_good", "report.pct_of_good"}

// reportRow lays out one row: the name, then numbers (ints) and percents
// (strings) alternating as in reportColumns.
func reportRow(r report.Row, name string) []any {
	row := []any{name, r.Total, r.Rated, r.NotRated, r.NotRatedPercent}
	for _, l := range forms.Levels {
		row = append(row, r.Levels[l].Count, r.Levels[l].Percent)
	}
	return append(row, r.GoodOrBetter.Count, r.GoodOrBetter.Percent, r.ExcellentOfGood.Count, r.ExcellentOfGood.Percent)
}

// reportRows lists the child rows and the total row.
func reportRows(rep *report.Report, lang i18n.Lang) [][]any {
	var rows [][]any
	for _, c := range rep.Children {
		rows = append(rows, reportRow(c, c.Name))
	}
	return append(rows, reportRow(rep.Row, i18n.M("report.total_row", rep.Name).In(lang)))
}

var quotaColumns = []string{"report.deciding_unit", "report.group", "report.htxs", "report.good",
	"report.excellent_pct", "report.cap", "report.breach"}

func quotaRows(rep *report.Report, lang i18n.Lang) [][]any {
	var rows [][]any
	for _, q := range rep.Quota {
		breach := i18n.M("report.no").In(lang)
		if q.Breach {
			breach = i18n.M("report.yes").In(lang)
		}
		rows = append(rows, []any{q.Name, q.Group, q.Excellent, q.GoodOrBetter, q.ExcellentPercent, q.CapPercent, breach})
	}
	return rows
}

func headers(keys []string, lang i18n.Lang) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = i18n.M(k).In(lang)
	}
	return out
}

// Report writes a report in format.
func Report(w io.Writer, format string, rep *report.Report, lang i18n.Lang, m Meta) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(rep)
	case "csv":
		return reportCSV(w, rep, lang)
	case "xlsx":
		return reportXLSX(w, rep, lang)
	case "html":
		return printTemplates.ExecuteTemplate(w, "report.html", map[string]any{
			"Lang": lang, "Round": m.Round, "Report": rep, "Rows": reportRows(rep, lang), "Quota": quotaRows(rep, lang),
			"Generated": i18n.Time(m.Generated),
		})
	}
	return fmt.Errorf("unknown format %q", format)
}

func cells(row []any) []string {
	out := make([]string, len(row))
	for i, v := range row {
		switch v := v.(type) {
		case int:
			out[i] = strconv.Itoa(v)
		default:
			out[i] = fmt.Sprint(v)
		}
	}
	return out
}

func reportCSV(w io.Writer, rep *report.Report, lang i18n.Lang) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(headers(reportColumns, lang))
	for _, r := range reportRows(rep, lang) {
		_ = cw.Write(cells(r))
	}
	_ = cw.Write(nil)
	_ = cw.Write(headers(quotaColumns, lang))
	for _, r := range quotaRows(rep, lang) {
		_ = cw.Write(cells(r))
	}
	cw.Flush()
	return cw.Error()
}

func reportXLSX(w io.Writer, rep *report.Report, lang i18n.Lang) error {
	f := newWorkbook(w)
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEEEEE"}}})
	if err != nil {
		return err
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 2})
	if err != nil {
		return err
	}
	sheet := func(name string, first bool, cols []string, rows [][]any, widths []float64) error {
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return err
		}
		for i, wd := range widths {
			if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
				return err
			}
		}
		head := make([]any, len(cols))
		for i, h := range headers(cols, lang) {
			head[i] = excelize.Cell{StyleID: bold, Value: h}
		}
		if err := sw.SetRow("A1", head); err != nil {
			return err
		}
		for i, r := range rows {
			out := make([]any, len(r))
			for j, v := range r {
				out[j] = v
				if s, ok := v.(string); ok && j > 0 {
					if p, err := strconv.ParseFloat(s, 64); err == nil {
						out[j] = excelize.Cell{StyleID: pct, Value: p}
					}
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := sw.SetRow(cell, out); err != nil {
				return err
			}
		}
		return sw.Flush()
	}
	widths := []float64{36}
	for range reportColumns[1:] {
		widths = append(widths, 10)
	}
	if err := sheet(i18n.M("report.sheet").In(lang), true, reportColumns, reportRows(rep, lang), widths); err != nil {
		return err
	}
	if err := sheet(i18n.M("report.sheet_quota").In(lang), false, quotaColumns, quotaRows(rep, lang), []float64{36, 12, 10, 14, 12, 10, 10}); err != nil {
		return err
	}
	return saveWorkbook(f)
}

// newWorkbook starts an excelize workbook that is written straight to w
// when saved: excelize otherwise builds the whole file in a buffer of its
// own before copying it out; its documented zip-writer hook hands it
// fastZip on w instead.
func newWorkbook(w io.Writer) *excelize.File {
	f := excelize.NewFile()
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return fastZip(w) })
	return f
}

// saveWorkbook writes f to the writer given to newWorkbook (what excelize
// passes through its own buffer is nothing).
func saveWorkbook(f *excelize.File) error {
	_, err := f.WriteTo(io.Discard)
	return err
}
