package export

import (
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"ballot/internal/i18n"
)

// The report's workbook: a sheet per section (kind) and one of the quota,
// each with the letterhead and title block, the table under merged
// two-row headers as the print has them, counts as numbers (#,##0) and
// percentages as percent cells (0.00%), set to print on A4 landscape one
// page wide with the header rows repeated on every page. A report is small
// (a row per child unit), so excelize writes it cell by cell.

// reportStyles are the cell styles of a report workbook.
type reportStyles struct {
	title, bold, party, italic, heading, para, head                   int
	text, count, pct, change, points, textTotal, countTotal, pctTotal int
}

func newReportStyles(f *excelize.File) (*reportStyles, error) {
	border := []excelize.Border{{Type: "left", Style: 1, Color: "000000"}, {Type: "right", Style: 1, Color: "000000"},
		{Type: "top", Style: 1, Color: "000000"}, {Type: "bottom", Style: 1, Color: "000000"}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	font := func(size float64, bold, italic bool, underline string) *excelize.Font {
		return &excelize.Font{Family: "Times New Roman", Size: size, Bold: bold, Italic: italic, Underline: underline}
	}
	custom := func(s string) *string { return &s }
	type def struct {
		id *int
		s  excelize.Style
	}
	var defs []def
	s := &reportStyles{}
	add := func(id *int, st excelize.Style) { defs = append(defs, def{id, st}) }
	add(&s.title, excelize.Style{Font: font(14, true, false, ""), Alignment: center})
	add(&s.bold, excelize.Style{Font: font(12, true, false, ""), Alignment: center})
	add(&s.party, excelize.Style{Font: font(12, true, false, "single"), Alignment: center})
	add(&s.italic, excelize.Style{Font: font(12, false, true, ""), Alignment: center})
	add(&s.heading, excelize.Style{Font: font(12, true, false, ""), Alignment: &excelize.Alignment{Vertical: "center"}})
	add(&s.para, excelize.Style{Font: font(12, false, false, ""), Alignment: &excelize.Alignment{Horizontal: "justify", Vertical: "top", WrapText: true}})
	add(&s.head, excelize.Style{Font: font(10, true, false, ""), Alignment: center, Border: border,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEEEEE"}}})
	add(&s.text, excelize.Style{Font: font(11, false, false, ""), Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: border})
	add(&s.count, excelize.Style{Font: font(11, false, false, ""), Border: border, NumFmt: 3})
	add(&s.pct, excelize.Style{Font: font(11, false, false, ""), Border: border, NumFmt: 10})
	add(&s.change, excelize.Style{Font: font(11, false, false, ""), Border: border, CustomNumFmt: custom("+#,##0;-#,##0;0")})
	add(&s.points, excelize.Style{Font: font(11, false, false, ""), Border: border, CustomNumFmt: custom("+0.00;-0.00;0.00")})
	add(&s.textTotal, excelize.Style{Font: font(11, true, false, ""), Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: border})
	add(&s.countTotal, excelize.Style{Font: font(11, true, false, ""), Border: border, NumFmt: 3})
	add(&s.pctTotal, excelize.Style{Font: font(11, true, false, ""), Border: border, NumFmt: 10})
	for _, d := range defs {
		id, err := f.NewStyle(&d.s)
		if err != nil {
			return nil, err
		}
		*d.id = id
	}
	return s, nil
}

// rsheet writes one sheet of a report workbook, row after row.
type rsheet struct {
	f      *excelize.File
	name   string
	st     *reportStyles
	widths []float64
	row    int
	err    error
}

func (s *rsheet) cell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

// put sets a value and a style, keeping the first error.
func (s *rsheet) put(col, row int, v any, style int) {
	if s.err != nil {
		return
	}
	c := s.cell(col, row)
	if x, ok := v.(float64); ok { // as written, not as a float prints
		s.err = s.f.SetCellFloat(s.name, c, x, 4, 64)
	} else {
		s.err = s.f.SetCellValue(s.name, c, v)
	}
	if s.err == nil {
		s.err = s.f.SetCellStyle(s.name, c, c, style)
	}
}

// merge merges columns from..to of row, styling them all.
func (s *rsheet) merge(from, to, row int, style int) {
	if s.err != nil {
		return
	}
	a, b := s.cell(from, row), s.cell(to, row)
	if s.err = s.f.MergeCell(s.name, a, b); s.err == nil {
		s.err = s.f.SetCellStyle(s.name, a, b, style)
	}
}

// line writes text across every column of the next row; height, when
// above 0, is set, else one is estimated from the text.
func (s *rsheet) line(text string, style int, height float64) {
	s.row++
	s.put(1, s.row, text, style)
	s.merge(1, len(s.widths), s.row, style)
	if height == 0 {
		width := 0.0
		for _, w := range s.widths {
			width += w
		}
		height = 16 * float64(lines(text, width*1.1))
	}
	if s.err == nil {
		s.err = s.f.SetRowHeight(s.name, s.row, height)
	}
}

// letterhead writes the issuing bodies on the left and the Party's name and
// the date line on the right, then the title lines.
func (s *rsheet) letterhead(h letterhead, titles []string) {
	n := len(s.widths)
	left, right := max(2, n*2/5), n-max(2, n*2/5)+1
	s.row++
	s.put(1, s.row, h.Upper, s.st.bold)
	s.merge(1, left, s.row, s.st.bold)
	s.put(right, s.row, "ĐẢNG CỘNG SẢN VIỆT NAM", s.st.party)
	s.merge(right, n, s.row, s.st.party)
	s.row++
	s.put(1, s.row, h.Lower, s.st.bold)
	s.merge(1, left, s.row, s.st.bold)
	s.put(right, s.row, h.DateLine, s.st.italic)
	s.merge(right, n, s.row, s.st.italic)
	s.row++
	for i, t := range titles {
		style := s.st.bold
		switch i {
		case 0:
			style = s.st.title
		case len(titles) - 1:
			style = s.st.italic
		}
		s.line(t, style, 20)
	}
	s.row++
}

// header writes a two-row header: top cells spanning span columns (a span
// of 0 covers both rows of one column), then the second row's cells under
// the spanning ones. It returns the first header row.
func (s *rsheet) header(top []string, spans []int, second []string) int {
	first := s.row + 1
	col, k := 1, 0
	height1, height2 := 1, 1
	for i, t := range top {
		if spans[i] == 0 {
			s.put(col, first, t, s.st.head)
			s.put(col, first+1, "", s.st.head)
			if s.err == nil {
				s.err = s.f.MergeCell(s.name, s.cell(col, first), s.cell(col, first+1))
			}
			height1 = max(height1, (lines(t, s.widths[col-1])+1)/2)
			col++
			continue
		}
		s.put(col, first, t, s.st.head)
		s.merge(col, col+spans[i]-1, first, s.st.head)
		w := 0.0
		for j := 0; j < spans[i]; j++ {
			w += s.widths[col+j-1]
			s.put(col+j, first+1, second[k], s.st.head)
			height2 = max(height2, lines(second[k], s.widths[col+j-1]))
			k++
		}
		height1 = max(height1, lines(t, w))
		col += spans[i]
	}
	if s.err == nil {
		s.err = s.f.SetRowHeight(s.name, first, 15*float64(height1)+4)
	}
	if s.err == nil {
		s.err = s.f.SetRowHeight(s.name, first+1, 15*float64(height2)+4)
	}
	s.row = first + 1
	return first
}

// rows writes table rows; the last in bold when total is set. A row whose
// text wraps is made as high as it needs.
func (s *rsheet) rows(rows [][]rcell, total bool) {
	for i, r := range rows {
		s.row++
		bold := total && i == len(rows)-1
		high := 1
		for j, c := range r {
			if c.kind == plainText && j < len(s.widths) {
				high = max(high, lines(c.Text, s.widths[j]*1.1))
			}
		}
		if high > 1 && s.err == nil {
			s.err = s.f.SetRowHeight(s.name, s.row, 15*float64(high)+2)
		}
		for j, c := range r {
			var v any = c.Text
			style := s.st.text
			switch c.kind {
			case countCell:
				v, style = c.Count, s.st.count
			case changeCell:
				v, style = c.Count, s.st.change
			case percentCell:
				v, style = decimalOf(c.Text)/100, s.st.pct
			case pointsCell:
				v, style = decimalOf(c.Text), s.st.points
			}
			if bold {
				switch style {
				case s.st.text:
					style = s.st.textTotal
				case s.st.count:
					style = s.st.countTotal
				case s.st.pct:
					style = s.st.pctTotal
				}
			}
			s.put(j+1, s.row, v, style)
		}
	}
}

// print sets the sheet to print on A4 landscape, one page wide, with rows
// from..to repeated at the top of every page and page numbers below.
func (s *rsheet) print(from, to int) {
	if s.err != nil {
		return
	}
	size, orientation, wide, tall := 9, "landscape", 1, 0
	fit := true
	steps := []func() error{
		func() error {
			return s.f.SetPageLayout(s.name, &excelize.PageLayoutOptions{Size: &size, Orientation: &orientation, FitToWidth: &wide, FitToHeight: &tall})
		},
		func() error { return s.f.SetSheetProps(s.name, &excelize.SheetPropsOptions{FitToPage: &fit}) },
		func() error {
			m := 0.4
			return s.f.SetPageMargins(s.name, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &m, Bottom: &m})
		},
		func() error {
			return s.f.SetHeaderFooter(s.name, &excelize.HeaderFooterOptions{OddFooter: "&C&P/&N"})
		},
		func() error {
			return s.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: s.name,
				RefersTo: "'" + s.name + "'!$" + strconv.Itoa(from) + ":$" + strconv.Itoa(to)})
		},
	}
	for _, step := range steps {
		if s.err = step(); s.err != nil {
			return
		}
	}
}

// lines estimates how many lines text takes in a column width characters
// wide.
func lines(text string, width float64) int {
	per := math.Max(1, width-1)
	return max(1, int(math.Ceil(float64(utf8.RuneCountInString(text))/per)))
}

// sheetName makes a valid, unique sheet name of s.
func sheetName(s string, used map[string]bool) string {
	clean := []rune{}
	for _, r := range s {
		switch r {
		case '\\', '/', '?', '*', '[', ']', ':', '\'':
			continue
		}
		clean = append(clean, r)
	}
	if len(clean) > 31 {
		clean = clean[:31]
	}
	name := string(clean)
	for i := 2; used[name] || name == ""; i++ {
		suffix := []rune(" " + strconv.Itoa(i))
		base := clean
		if len(base)+len(suffix) > 31 {
			base = base[:31-len(suffix)]
		}
		name = string(base) + string(suffix)
	}
	used[name] = true
	return name
}

func reportXLSX(w io.Writer, d *reportDoc) error {
	f := newWorkbook(w)
	defer f.Close()
	st, err := newReportStyles(f)
	if err != nil {
		return err
	}
	lang := d.Lang
	used := map[string]bool{}
	first := true
	newSheet := func(title string, widths []float64) (*rsheet, error) {
		name := sheetName(title, used)
		if first {
			first = false
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		for i, wd := range widths {
			c, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetColWidth(name, c, c, wd); err != nil {
				return nil, err
			}
		}
		return &rsheet{f: f, name: name, st: st, widths: widths}, nil
	}
	widths := []float64{34}
	for i := 1; i < reportColumns; i++ {
		widths = append(widths, 8.5)
	}
	titles := []string{i18n.M("report.title").In(lang), d.Title, d.Sub}
	for _, sec := range d.Sections {
		s, err := newSheet(sec.Name, widths)
		if err != nil {
			return err
		}
		s.letterhead(d.Head, titles)
		s.line(sec.Heading, st.heading, 18)
		if sec.Summary != "" {
			s.line(sec.Summary, st.para, 0)
		}
		s.row++
		top := append([]string{i18n.M("report.unit").In(lang), i18n.M("report.total").In(lang)}, d.Groups...)
		spans := []int{0, 0}
		var second []string
		for i := range d.Groups {
			spans = append(spans, 2)
			pct := "%"
			if i == len(d.Groups)-1 {
				pct = i18n.M("report.pct_of_good_short").In(lang)
			}
			second = append(second, i18n.M("report.count").In(lang), pct)
		}
		from := s.header(top, spans, second)
		s.rows(sec.Rows, true)
		if sec.Compare != nil {
			s.row++
			s.line(i18n.M("report.compare_heading", sec.Name, d.Since).In(lang), st.heading, 18)
			s.header([]string{i18n.M("report.measure").In(lang), d.Before, d.Now, i18n.M("report.change_head").In(lang)}, []int{0, 2, 2, 2},
				[]string{i18n.M("report.count").In(lang), "%", i18n.M("report.count").In(lang), "%", i18n.M("report.count").In(lang), i18n.M("report.points_short").In(lang)})
			s.rows(sec.Compare, false)
			if sec.Added != "" {
				s.line(i18n.M("report.added", sec.NewCount, d.Since).In(lang)+" "+sec.Added+".", st.para, 0)
			}
			if sec.Gone != "" {
				s.line(i18n.M("report.gone", sec.GoneCount, d.Since).In(lang)+" "+sec.Gone+".", st.para, 0)
			}
		}
		s.row++
		s.line(d.Note, st.para, 0)
		s.print(from, from+1)
		if s.err != nil {
			return s.err
		}
	}
	if len(d.Quota) > 0 {
		s, err := newSheet(i18n.M("report.sheet_quota").In(lang), []float64{40, 30, 12, 14, 12, 12, 12})
		if err != nil {
			return err
		}
		s.letterhead(d.Head, []string{i18n.M("report.title").In(lang), d.QuotaHeading, d.Sub})
		s.row++
		from := s.header(d.QuotaHeads, make([]int, len(d.QuotaHeads)), nil)
		// one-row headers: the second row is merged into the first
		s.rows(d.Quota, false)
		s.print(from, from+1)
		if s.err != nil {
			return s.err
		}
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
