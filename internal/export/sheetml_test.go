package export

import (
	"bytes"
	"errors"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestSheetTextReadsBackAsWritten: markup, spaces at the ends, line
// breaks, Vietnamese, numbers and styles survive; characters XML cannot
// hold (control characters, invalid UTF-8) are dropped instead of making
// the file unreadable.
func TestSheetTextReadsBackAsWritten(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	book := newBook(&buf)
	s, err := book.sheet("Đối tượng & <tổng>", sheetOpts{widths: []float64{10, 10, 10}})
	if err != nil {
		t.Fatal(err)
	}
	cells := []xcell{textCell(`a & b <c> "d"`), textCell("  hai dòng\nđây "), textCell("x\x01y\xffz"), intCell(42), {number: "20.50", style: styleTwoDecimals}}
	if err := s.row(cells); err != nil {
		t.Fatal(err)
	}
	other, _ := book.sheet("Nhận xét", sheetOpts{})
	other.row([]xcell{{}, textCell("B1 only")})
	if err := book.close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "Đối tượng & <tổng>" || got[1] != "Nhận xét" {
		t.Fatalf("sheets: %q", got)
	}
	rows, _ := f.GetRows("Đối tượng & <tổng>", excelize.Options{RawCellValue: true})
	want := []string{`a & b <c> "d"`, "  hai dòng\nđây ", "xyz", "42", "20.50"}
	for i, w := range want {
		if rows[0][i] != w {
			t.Errorf("cell %d: %q, want %q", i, rows[0][i], w)
		}
	}
	if typ, _ := f.GetCellType("Đối tượng & <tổng>", "D1"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("a number cell has type %v", typ)
	}
	if style, _ := f.GetCellStyle("Đối tượng & <tổng>", "E1"); style != styleTwoDecimals {
		t.Errorf("style %d", style)
	}
	if v, _ := f.GetCellValue("Nhận xét", "B1"); v != "B1 only" {
		t.Errorf("an empty cell moved the next: %q", v)
	}
}

type failingWriter struct{ left int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.left < len(p) {
		return 0, errors.New("the client went away")
	}
	w.left -= len(p)
	return len(p), nil
}

// TestAWorkbookWhoseWriterFailsStopsWithTheError: a response that breaks
// off mid-file ends the export with the error (no hang, no half file
// reported as success).
func TestAWorkbookWhoseWriterFailsStopsWithTheError(t *testing.T) {
	t.Parallel()
	book := newBook(&failingWriter{left: 10_000})
	s, err := book.sheet("a", sheetOpts{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100_000 && err == nil; i++ {
		err = s.row([]xcell{textCell("một dòng khá dài để tệp lớn nhanh"), intCell(i)})
	}
	if err == nil {
		err = book.close()
	}
	if err == nil {
		t.Fatal("a failing writer went unnoticed")
	}
	book.abort(err)
}
