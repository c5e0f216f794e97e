package export

import (
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"ballot/internal/i18n"
	"ballot/internal/tally"
)

// column widths of the tally sheets, in characters
var widths = []float64{12, 16, 40, 20, 9, 10, 50, 10, 12, 30, 10, 10, 8}

// TallyXLSX writes a view as an Excel workbook through excelize's streaming
// writer: a sheet of targets, one of roll-ups and one of comments, with
// Vietnamese (or English) headers, numbers as number cells and set widths.
func TallyXLSX(w io.Writer, c *tally.Counted, unit string, lang i18n.Lang) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEEEEE"}}})
	if err != nil {
		return err
	}
	twoDecimals, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	if err != nil {
		return err
	}
	header := make([]any, len(headerKeys))
	for i, k := range headerKeys {
		header[i] = excelize.Cell{StyleID: bold, Value: i18n.M(k).In(lang)}
	}
	sheets := map[string]*excelize.StreamWriter{}
	rows := map[string]int{}
	names := map[string]string{"target": i18n.M("export.sheet_targets").In(lang), "rollup": i18n.M("export.sheet_rollups").In(lang)}
	for i, kind := range []string{"target", "rollup"} {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", names[kind]); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(names[kind]); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(names[kind])
		if err != nil {
			return err
		}
		for c, width := range widths {
			if err := sw.SetColWidth(c+1, c+1, width); err != nil {
				return err
			}
		}
		if err := sw.SetRow("A1", header); err != nil {
			return err
		}
		sheets[kind], rows[kind] = sw, 1
	}
	comments, err := commentSheet(f, lang, bold)
	if err != nil {
		return err
	}
	commentRow := 1
	yes := i18n.M("export.yes").In(lang)
	err = Rows(c, unit, lang, func(r Row) error {
		rec := []any{i18n.M("export.kind_" + r.Kind).In(lang), r.Unit, r.Name, r.Form, r.Ballots,
			r.Question, r.Text, r.Answered, r.Option, r.Label, nil, nil, nil}
		if r.Count != nil {
			rec[10] = *r.Count
		}
		if r.Percent != nil {
			p, _ := strconv.ParseFloat(*r.Percent, 64)
			rec[11] = excelize.Cell{StyleID: twoDecimals, Value: p}
		}
		if r.Withheld {
			rec[12] = yes
		}
		rows[r.Kind]++
		cell, _ := excelize.CoordinatesToCellName(1, rows[r.Kind])
		return sheets[r.Kind].SetRow(cell, rec)
	}, func(t tally.TargetView) error {
		for _, text := range t.Comments {
			commentRow++
			cell, _ := excelize.CoordinatesToCellName(1, commentRow)
			if err := comments.SetRow(cell, []any{t.ID, t.Name, text}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, sw := range []*excelize.StreamWriter{sheets["target"], sheets["rollup"], comments} {
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	_, err = f.WriteTo(w)
	return err
}

// commentSheet starts the sheet of each published target's comments, in
// their shuffled order.
func commentSheet(f *excelize.File, lang i18n.Lang, bold int) (*excelize.StreamWriter, error) {
	name := i18n.M("export.sheet_comments").In(lang)
	if _, err := f.NewSheet(name); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	for c, width := range []float64{16, 40, 100} {
		if err := sw.SetColWidth(c+1, c+1, width); err != nil {
			return nil, err
		}
	}
	head := []any{excelize.Cell{StyleID: bold, Value: i18n.M("export.unit").In(lang)},
		excelize.Cell{StyleID: bold, Value: i18n.M("export.name").In(lang)},
		excelize.Cell{StyleID: bold, Value: i18n.M("export.comment").In(lang)}}
	return sw, sw.SetRow("A1", head)
}
