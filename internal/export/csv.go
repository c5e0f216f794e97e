package export

import (
	"encoding/csv"
	"io"
	"strconv"

	"ballot/internal/i18n"
	"ballot/internal/tally"
)

// BOM makes Excel on Windows read a CSV file as UTF-8.
const BOM = "\xef\xbb\xbf"

// headerKeys are the columns of a tally, as message keys.
var headerKeys = []string{"export.kind", "export.unit", "export.name", "export.form", "export.ballots",
	"export.question", "export.question_text", "export.answered", "export.option", "export.label",
	"export.count", "export.percent", "export.withheld"}

// TallyCSV writes a view as CSV, one row per target (or roll-up) ×
// question × option. Numbers use a dot for decimals: CSV is for programs;
// people open the XLSX.
func TallyCSV(w io.Writer, c *tally.Counted, unit string, lang i18n.Lang) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := make([]string, len(headerKeys))
	for i, k := range headerKeys {
		header[i] = i18n.M(k).In(lang)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	yes := i18n.M("export.yes").In(lang)
	err := Rows(c, unit, lang, func(r Row) error {
		rec := []string{i18n.M("export.kind_" + r.Kind).In(lang), r.Unit, r.Name, r.Form, strconv.Itoa(r.Ballots),
			r.Question, r.Text, strconv.Itoa(r.Answered), r.Option, r.Label, "", "", ""}
		if r.Count != nil {
			rec[10] = strconv.Itoa(*r.Count)
		}
		if r.Percent != nil {
			rec[11] = *r.Percent
		}
		if r.Withheld {
			rec[12] = yes
		}
		return cw.Write(rec)
	}, nil)
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
