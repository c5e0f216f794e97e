package export

import (
	"io"
	"strconv"

	"ballot/internal/i18n"
	"ballot/internal/tally"
)

// column widths of the tally sheets, in characters
var widths = []float64{12, 16, 40, 20, 9, 10, 50, 10, 12, 30, 10, 10, 8}

// TallyXLSX writes a view as an Excel workbook: a sheet of targets, one of
// roll-ups and one of comments, with Vietnamese (or English) headers,
// numbers as number cells, set widths and the header row frozen. It streams
// (sheetml.go): memory holds the organization tree, never the tally.
func TallyXLSX(w io.Writer, c *tally.Counted, unit string, lang i18n.Lang) (err error) {
	book := newBook(w)
	defer func() {
		if err != nil {
			book.abort(err)
		}
	}()
	header := make([]xcell, len(headerKeys))
	for i, k := range headerKeys {
		header[i] = xcell{text: i18n.M(k).In(lang), style: styleHeader}
	}
	sheets := map[string]*xsheet{}
	names := map[string]string{"target": i18n.M("export.sheet_targets").In(lang), "rollup": i18n.M("export.sheet_rollups").In(lang)}
	for _, kind := range []string{"target", "rollup"} {
		if sheets[kind], err = book.sheet(names[kind], widths); err != nil {
			return err
		}
		if err := sheets[kind].row(header); err != nil {
			return err
		}
	}
	comments, err := book.sheet(i18n.M("export.sheet_comments").In(lang), []float64{16, 40, 100})
	if err != nil {
		return err
	}
	err = comments.row([]xcell{{text: i18n.M("export.unit").In(lang), style: styleHeader},
		{text: i18n.M("export.name").In(lang), style: styleHeader}, {text: i18n.M("export.comment").In(lang), style: styleHeader}})
	if err != nil {
		return err
	}
	yes := i18n.M("export.yes").In(lang)
	kinds := map[string]string{"target": i18n.M("export.kind_target").In(lang), "rollup": i18n.M("export.kind_rollup").In(lang)}
	cells := make([]xcell, len(headerKeys))
	err = Rows(c, unit, lang, func(r Row) error {
		cells = append(cells[:0], textCell(kinds[r.Kind]), textCell(r.Unit), textCell(r.Name), textCell(r.Form), intCell(r.Ballots),
			textCell(r.Question), textCell(r.Text), intCell(r.Answered), textCell(r.Option), textCell(r.Label), xcell{}, xcell{}, xcell{})
		if r.Count != nil {
			cells[10] = intCell(*r.Count)
		}
		if r.Percent != nil {
			if _, err := strconv.ParseFloat(*r.Percent, 64); err == nil {
				cells[11] = xcell{number: *r.Percent, style: styleTwoDecimals}
			}
		}
		if r.Withheld {
			cells[12] = textCell(yes)
		}
		return sheets[r.Kind].row(cells)
	}, func(t tally.TargetView) error {
		for _, text := range t.Comments {
			if err := comments.row([]xcell{textCell(t.ID), textCell(t.Name), textCell(text)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return book.close()
}
