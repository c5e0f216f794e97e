package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"ballot/internal/i18n"
	"ballot/internal/tally"
)

// BOM makes Excel on Windows read a CSV file as UTF-8.
const BOM = "\xef\xbb\xbf"

// CSV writes files for programs (and for spreadsheets that open them):
// UTF-8 with a BOM, commas, numbers with a dot and no grouping. A text
// cell that a spreadsheet would take for a formula is neutralised as
// OWASP advises (CSV injection): one starting with =, +, -, @, a tab or a
// carriage return gets a leading apostrophe, so "=HYPERLINK(…)" stays text.
// Numbers are written as they are (a negative change keeps its sign).
type CSV struct {
	w       io.Writer
	cw      *csv.Writer
	started bool
	rec     []string
}

// NewCSV starts a CSV file on w.
func NewCSV(w io.Writer) *CSV { return &CSV{w: w, cw: csv.NewWriter(w)} }

// Cell is one field of a CSV row: a text or a number.
type Cell struct {
	s      string
	number bool
}

// Text is a text cell.
func Text(s string) Cell { return Cell{s: s} }

// Number is a number cell given as its decimal text ("85.71", "-1.28").
func Number(s string) Cell { return Cell{s: s, number: true} }

// Int is a whole number cell.
func Int(n int) Cell { return Cell{s: strconv.Itoa(n), number: true} }

// Row writes one row (none for a blank line).
func (c *CSV) Row(cells ...Cell) error {
	if !c.started {
		c.started = true
		if _, err := io.WriteString(c.w, BOM); err != nil {
			return err
		}
	}
	c.rec = c.rec[:0]
	for _, x := range cells {
		if x.number {
			c.rec = append(c.rec, x.s)
		} else {
			c.rec = append(c.rec, Neutral(x.s))
		}
	}
	return c.cw.Write(c.rec)
}

// Texts writes a row of text cells (a header).
func (c *CSV) Texts(s ...string) error {
	cells := make([]Cell, len(s))
	for i, x := range s {
		cells[i] = Text(x)
	}
	return c.Row(cells...)
}

// Flush ends the file.
func (c *CSV) Flush() error {
	if !c.started {
		c.started = true
		if _, err := io.WriteString(c.w, BOM); err != nil {
			return err
		}
	}
	c.cw.Flush()
	return c.cw.Error()
}

// Neutral is s as a CSV text cell that no spreadsheet takes for a formula.
func Neutral(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// headerKeys are the columns of a tally, as message keys.
var headerKeys = []string{"export.kind", "export.unit", "export.name", "export.form", "export.ballots",
	"export.question", "export.question_text", "export.answered", "export.option", "export.label",
	"export.count", "export.percent", "export.withheld"}

// TallyCSV writes a view as CSV, one row per target (or roll-up) ×
// question × option: the long format, for programs; people open the XLSX.
func TallyCSV(w io.Writer, c *tally.Counted, unit string, lang i18n.Lang) error {
	out := NewCSV(w)
	if err := out.Texts(headers(headerKeys, lang)...); err != nil {
		return err
	}
	yes := i18n.M("export.yes").In(lang)
	err := Rows(c, unit, lang, func(r Row) error {
		rec := []Cell{Text(i18n.M("export.kind_" + r.Kind).In(lang)), Text(r.Unit), Text(r.Name), Text(r.Form), Int(r.Ballots),
			Text(r.Question), Text(r.Text), Int(r.Answered), Text(r.Option), Text(r.Label), Text(""), Text(""), Text("")}
		if r.Count != nil {
			rec[10] = Int(*r.Count)
		}
		if r.Percent != nil {
			rec[11] = Number(*r.Percent)
		}
		if r.Withheld {
			rec[12] = Text(yes)
		}
		return out.Row(rec...)
	}, nil)
	if err != nil {
		return err
	}
	return out.Flush()
}
