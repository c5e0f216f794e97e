package export

import (
	"fmt"
	"io"
	"strconv"

	"ballot/internal/i18n"
	"ballot/internal/report"
	"ballot/internal/tally"
)

// column widths of the long tally sheets, in characters
var widths = []float64{12, 16, 40, 20, 9, 10, 50, 10, 12, 30, 10, 10, 8}

// TallyXLSX writes a view as an Excel workbook. For people, first a wide
// sheet per form: a row per target, a column per figure (wide.go), the
// roll-ups below, printing on A4 landscape one page wide with its header
// repeated. For programs, the long sheets: a row per target (or roll-up) ×
// question × option, and the comments. Numbers are number cells, widths
// set, headers frozen. It streams (sheetml.go) in one walk of the tally:
// memory holds the organization tree and the roll-ups, never the targets.
func TallyXLSX(w io.Writer, c *tally.Counted, unit string, lang i18n.Lang, m Meta) (err error) {
	book := newBook(w)
	defer func() {
		if err != nil {
			book.abort(err)
		}
	}()
	// the big long sheet is made first, so that it streams; the wide sheets
	// come first among the tabs
	header := make([]xcell, len(headerKeys))
	for i, k := range headerKeys {
		header[i] = xcell{text: i18n.M(k).In(lang), style: styleHeader}
	}
	used := map[string]bool{}
	sheets := map[string]*xsheet{}
	names := map[string]string{"target": i18n.M("export.sheet_targets").In(lang), "rollup": i18n.M("export.sheet_rollups").In(lang)}
	if sheets["target"], err = book.sheet(sheetName(names["target"], used), sheetOpts{widths: widths, tab: 1}); err != nil {
		return err
	}
	wide := map[string]*wideSheet{}
	var wides []*wideSheet
	for _, f := range formsIn(c, unit) {
		ws, err := newWideSheet(book, newWideForm(f, lang), c, lang, m, used)
		if err != nil {
			return err
		}
		wide[f.ID] = ws
		wides = append(wides, ws)
	}
	if sheets["rollup"], err = book.sheet(sheetName(names["rollup"], used), sheetOpts{widths: widths, tab: 1}); err != nil {
		return err
	}
	for _, kind := range []string{"target", "rollup"} {
		if err := sheets[kind].row(header); err != nil {
			return err
		}
	}
	comments, err := book.sheet(sheetName(i18n.M("export.sheet_comments").In(lang), used), sheetOpts{widths: []float64{16, 40, 100}, tab: 1})
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
	var rollups []tally.RollupView
	err = walk(c, unit, lang, walker{row: func(r Row) error {
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
	}, target: func(t tally.TargetView) error {
		if ws := wide[t.Form]; ws != nil {
			if err := ws.target(t); err != nil {
				return err
			}
		}
		for _, text := range t.Comments {
			if err := comments.row([]xcell{textCell(t.ID), textCell(t.Name), textCell(text)}); err != nil {
				return err
			}
		}
		return nil
	}, rollup: func(r tally.RollupView) error {
		rollups = append(rollups, r)
		return nil
	}})
	if err != nil {
		return err
	}
	for _, ws := range wides {
		if err := ws.end(rollups); err != nil {
			return err
		}
	}
	return book.close()
}

// wideSheet is a form's wide sheet being written.
type wideSheet struct {
	s     *xsheet
	f     wideForm
	c     *tally.Counted
	lang  i18n.Lang
	n     int // its columns
	cells []xcell
	marks [2]string // the withheld column's words: all, some
	width float64   // of all its columns, in characters
	vals  []wideValue
}

// the wide sheet's columns before the figures, and after them
const wideLead, wideTrail = 4, 1

func newWideSheet(book *xbook, f wideForm, c *tally.Counted, lang i18n.Lang, m Meta, used map[string]bool) (*wideSheet, error) {
	n := wideLead + len(f.Cols) + wideTrail
	colWidths := []float64{12, 40, 26, 8}
	for range f.Cols {
		colWidths = append(colWidths, 11)
	}
	colWidths = append(colWidths, 12)
	name := sheetName(i18n.M("wide.sheet", f.ID).In(lang), used)
	s, err := book.sheet(name, sheetOpts{widths: colWidths, freezeRows: 4, freezeCols: 2, landscape: true, printTitles: [2]int{3, 4}})
	if err != nil {
		return nil, err
	}
	ws := &wideSheet{s: s, f: f, c: c, lang: lang, n: n, width: sum(colWidths),
		marks: [2]string{i18n.M("wide.withheld_all").In(lang), i18n.M("wide.withheld_some").In(lang)}}
	line := func(text string, style int, height float64) error {
		row := make([]xcell, n)
		row[0] = xcell{text: text, style: style}
		s.merge(0, s.rows+1, n-1, s.rows+1)
		return s.rowHigh(row, height)
	}
	if err := line(i18n.M("wide.title", f.Title).In(lang), styleTitle, 22); err != nil {
		return nil, err
	}
	where := m.Round
	if m.UnitName != "" {
		where += " — " + m.UnitName
	}
	if err := line(where+" — "+i18n.M("export.made", i18n.Time(m.Generated)).In(lang), styleNote, 18); err != nil {
		return nil, err
	}
	// two header rows: the lead and trailing columns span both, the figures
	// sit under their group
	top, second := make([]xcell, n), make([]xcell, n)
	lead := []string{i18n.M("export.unit").In(lang), i18n.M("export.name").In(lang), i18n.M("wide.parent").In(lang), i18n.M("export.ballots").In(lang)}
	for i, h := range lead {
		top[i], second[i] = xcell{text: h, style: styleHead}, xcell{style: styleHead}
		s.merge(i, 3, i, 4)
	}
	topLines, secondLines := 1, 1
	for _, g := range f.groupSpans() {
		top[wideLead+g.From] = xcell{text: g.Text, style: styleHead}
		for j := 1; j < g.N; j++ {
			top[wideLead+g.From+j] = xcell{style: styleHead}
		}
		if g.N > 1 {
			s.merge(wideLead+g.From, 3, wideLead+g.From+g.N-1, 3)
		}
		topLines = max(topLines, lines(g.Text, 11*float64(g.N)))
	}
	for i, col := range f.Cols {
		text := col.Head
		if col.Text != col.Head {
			text += ". " + col.Text
		}
		second[wideLead+i] = xcell{text: text, style: styleHead}
		secondLines = max(secondLines, lines(text, 11))
	}
	last := n - 1
	top[last], second[last] = xcell{text: i18n.M("export.withheld").In(lang), style: styleHead}, xcell{style: styleHead}
	s.merge(last, 3, last, 4)
	if err := s.rowHigh(top, 15*float64(topLines)+3); err != nil {
		return nil, err
	}
	if err := s.rowHigh(second, 15*float64(min(secondLines, 8))+3); err != nil {
		return nil, err
	}
	ws.cells = make([]xcell, n)
	return ws, nil
}

// figures writes one row: lead cells, then the figures, then the mark.
func (ws *wideSheet) figures(lead []xcell, qs []tally.QuestionView, bold bool) error {
	cells := append(ws.cells[:0], lead...)
	partly := false
	ws.vals = ws.f.values(ws.vals, qs)
	for i, v := range ws.vals {
		switch {
		case v.Withheld:
			partly = true
			cells = append(cells, xcell{text: "—", style: styleWithheld})
		case v.Empty:
			cells = append(cells, xcell{style: styleText})
		case v.IsCount:
			cells = append(cells, xcell{number: strconv.Itoa(v.Count), style: pickStyle(bold, styleCount, styleCountBold)})
		case ws.f.Cols[i].kind == wideMean:
			cells = append(cells, xcell{number: v.Text, style: pickStyle(bold, styleMean, styleMeanBold)})
		default:
			cells = append(cells, xcell{number: fraction(v.Text), style: pickStyle(bold, stylePercent, stylePctBold)})
		}
	}
	mark := xcell{style: styleText}
	if partly {
		mark.text = ws.marks[1]
	}
	return ws.s.row(append(cells, mark))
}

func pickStyle(bold bool, plain, strong int) int {
	if bold {
		return strong
	}
	return plain
}

func (ws *wideSheet) target(t tally.TargetView) error {
	parent := ""
	if u := ws.c.Tree.Unit(t.ID); u != nil {
		if p := ws.c.Tree.Unit(u.Parent); p != nil {
			parent = p.Name
		}
	}
	lead := []xcell{{text: t.ID, style: styleText}, {text: t.Name, style: styleText}, {text: parent, style: styleText},
		{number: strconv.Itoa(t.Ballots), style: styleCount}}
	if t.Withheld {
		cells := append(ws.cells[:0], lead...)
		for range ws.f.Cols {
			cells = append(cells, xcell{text: "—", style: styleWithheld})
		}
		return ws.s.row(append(cells, xcell{text: ws.marks[0], style: styleText}))
	}
	return ws.figures(lead, t.Questions, false)
}

// end writes the roll-ups of the sheet's form and the notes.
func (ws *wideSheet) end(rollups []tally.RollupView) error {
	line := func(text string, style int) error {
		row := make([]xcell, ws.n)
		row[0] = xcell{text: text, style: style}
		ws.s.merge(0, ws.s.rows+1, ws.n-1, ws.s.rows+1)
		return ws.s.rowHigh(row, 15*float64(lines(text, ws.width)))
	}
	if err := ws.s.row(nil); err != nil {
		return err
	}
	if err := line(i18n.M("wide.rollups").In(ws.lang), styleSection); err != nil {
		return err
	}
	for _, r := range rollups {
		if r.Form != ws.f.ID {
			continue
		}
		lead := []xcell{{text: r.Unit, style: styleTextBold}, {text: i18n.M("wide.rollup_name", r.Name).In(ws.lang), style: styleTextBold},
			{text: i18n.M("wide.rollup_targets", r.Targets).In(ws.lang), style: styleTextBold}, {number: strconv.Itoa(r.Ballots), style: styleCountBold}}
		if r.Withheld {
			cells := append([]xcell(nil), lead...)
			for range ws.f.Cols {
				cells = append(cells, xcell{text: "—", style: styleWithheld})
			}
			if err := ws.s.row(append(cells, xcell{text: ws.marks[0], style: styleTextBold})); err != nil {
				return err
			}
			continue
		}
		if err := ws.figures(lead, r.Questions, true); err != nil {
			return err
		}
	}
	if err := ws.s.row(nil); err != nil {
		return err
	}
	for _, note := range []i18n.Msg{i18n.M("wide.note_good"), i18n.M("wide.note_levels"), i18n.M("wide.note_withheld", ws.c.MinGroup)} {
		if err := line(note.In(ws.lang), styleNote); err != nil {
			return err
		}
	}
	return nil
}

// fraction is a percentage given with two decimals as a fraction of one
// with four ("85.71" → "0.8571"), for a percent-formatted cell.
func fraction(p string) string {
	h := report.Hundredths(p)
	return fmt.Sprintf("%d.%04d", h/10000, h%10000)
}

func sum(xs []float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t
}
