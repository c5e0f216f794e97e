package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"ballot/internal/apperr"
	"ballot/internal/i18n"
	"ballot/internal/rounds"
)

// MaxImportRows bounds one ratings import.
const MaxImportRows = 100_000

// ImportRow is one row of a ratings import.
type ImportRow struct {
	Row  int
	Unit string
	In   RatingIn
}

// columns of a ratings import, with the Vietnamese headers also accepted.
var importColumns = map[string]string{
	"unit": "unit", "don_vi": "unit", "mã đơn vị": "unit", "ma_don_vi": "unit",
	"level": "level", "xep_loai": "level", "xếp loại": "level", "muc_xep_loai": "level",
	"decision": "decision", "so_quyet_dinh": "decision", "số quyết định": "decision",
	"date": "date", "ngay": "date", "ngày": "date", "ngày quyết định": "date",
	"reason": "reason", "ly_do": "reason", "lý do": "reason",
}

// ParseRatings reads a ratings import: CSV (a BOM, commas or semicolons) or
// the first sheet of an XLSX, with a header naming unit and level and
// optionally decision, date and reason. Row numbers are as the file shows
// them (the header is row 1).
func ParseRatings(data []byte, isXLSX bool) ([]ImportRow, error) {
	var records [][]string
	if isXLSX {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return nil, apperr.New(apperr.Invalid, "rating.xlsx")
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, apperr.New(apperr.Invalid, "rating.xlsx")
		}
		if records, err = f.GetRows(sheets[0]); err != nil {
			return nil, apperr.New(apperr.Invalid, "rating.xlsx")
		}
	} else {
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		r := csv.NewReader(bytes.NewReader(data))
		if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
			r.Comma = ';'
		}
		r.FieldsPerRecord = -1
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, apperr.New(apperr.Invalid, "unit.at", i18n.M("unit.row", rounds.CSVErrorLine(err)), i18n.M("unit.csv_syntax"))
			}
			records = append(records, rec)
		}
	}
	if len(records) == 0 {
		return nil, apperr.New(apperr.Invalid, "rating.no_header")
	}
	col := map[string]int{}
	for i, h := range records[0] {
		name, ok := importColumns[strings.ToLower(strings.TrimSpace(h))]
		if !ok {
			return nil, apperr.New(apperr.Invalid, "unit.csv_unknown_column", h)
		}
		col[name] = i
	}
	for _, need := range []string{"unit", "level"} {
		if _, ok := col[need]; !ok {
			return nil, apperr.New(apperr.Invalid, "unit.csv_missing_column", need)
		}
	}
	if len(records)-1 > MaxImportRows {
		return nil, apperr.New(apperr.Invalid, "unit.too_many", MaxImportRows)
	}
	var rows []ImportRow
	for i, rec := range records[1:] {
		get := func(name string) string {
			if c, ok := col[name]; ok && c < len(rec) {
				return strings.TrimSpace(rec[c])
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue // a blank line
		}
		rows = append(rows, ImportRow{Row: i + 2, Unit: get("unit"), In: RatingIn{
			Level: get("level"), Decision: get("decision"), Date: get("date"), Reason: get("reason")}})
	}
	return rows, nil
}
