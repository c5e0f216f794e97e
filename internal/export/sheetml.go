package export

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A small SpreadsheetML (XLSX) writer for large tallies: rows of inline
// strings and numbers streamed into the zip entry as they are made, the
// compression running on a goroutine of its own. Excelize, which writes the
// smaller workbooks (reports), took 3 s for a tally of 10,000 targets (about
// 4 million cells), most of it encoding cells one by one, and held the
// whole file in memory; this takes half of that in a few megabytes. The
// tests read what it writes back with excelize.

// Cell styles, as numbered in sheetStyles.
const (
	styleNone = iota
	styleHeader
	styleTwoDecimals
	styleTitle     // bold, larger
	styleNote      // italic, wrapped
	styleHead      // a table header: bold, wrapped, centred, bordered, grey
	styleText      // bordered, wrapped
	styleCount     // bordered, #,##0
	stylePercent   // bordered, 0.00% (the value is a fraction)
	styleTextBold  // a roll-up row's
	styleCountBold // a roll-up row's
	stylePctBold   // a roll-up row's
	styleWithheld  // a withheld figure: "—", centred, grey
	styleMean      // bordered, two decimals
	styleMeanBold  // a roll-up row's
	styleSection   // bold, a heading line
)

// xcell is a cell: a string, a number (given as its decimal text), or empty.
type xcell struct {
	text   string
	number string
	style  int
}

func textCell(s string) xcell { return xcell{text: s} }
func intCell(n int) xcell     { return xcell{number: strconv.Itoa(n)} }

// xsheet is one worksheet being written.
type xsheet struct {
	name   string
	w      *bufio.Writer
	rows   int
	buf    []byte
	opts   sheetOpts
	merges []string
}

// sheetOpts shape a worksheet: column widths, the rows and columns frozen
// on screen, and how it prints.
type sheetOpts struct {
	widths []float64
	// freezeRows and freezeCols stay in view when scrolling (default: the
	// first row).
	freezeRows, freezeCols int
	// landscape prints on A4 landscape, one page wide, as many pages tall
	// as it takes, with page numbers; printTitles (first, last) are the rows
	// repeated at the top of every page.
	landscape   bool
	printTitles [2]int
	// tab places the sheet among the workbook's tabs (lowest first; equal
	// ones in the order they were made). The first sheet made is streamed
	// (xbook), so a big sheet is best made first even if it is not shown
	// first.
	tab int
}

func newSheet(name string, w io.Writer, o sheetOpts) (*xsheet, error) {
	s := &xsheet{name: name, w: bufio.NewWriterSize(w, 64<<10), opts: o}
	s.w.WriteString(xml.Header + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	if o.landscape {
		s.w.WriteString(`<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>`)
	}
	rows, cols := o.freezeRows, o.freezeCols
	if rows == 0 && cols == 0 {
		rows = 1
	}
	pane := ""
	switch {
	case cols == 0:
		pane = fmt.Sprintf(`<pane ySplit="%d" topLeftCell="A%d" activePane="bottomLeft" state="frozen"/>`, rows, rows+1)
	case rows == 0:
		pane = fmt.Sprintf(`<pane xSplit="%d" topLeftCell="%s1" activePane="topRight" state="frozen"/>`, cols, appendColumn(nil, cols))
	default:
		pane = fmt.Sprintf(`<pane xSplit="%d" ySplit="%d" topLeftCell="%s%d" activePane="bottomRight" state="frozen"/>`, cols, rows, appendColumn(nil, cols), rows+1)
	}
	s.w.WriteString(`<sheetViews><sheetView workbookViewId="0">` + pane + `</sheetView></sheetViews>`)
	widths := o.widths
	if len(widths) > 0 { // an empty <cols> is not allowed
		s.w.WriteString(`<cols>`)
		for i, width := range widths {
			fmt.Fprintf(s.w, `<col min="%d" max="%d" width="%g" customWidth="1"/>`, i+1, i+1, width)
		}
		s.w.WriteString(`</cols>`)
	}
	_, err := s.w.WriteString(`<sheetData>`)
	return s, err
}

// row writes the next row; empty cells are left out.
func (s *xsheet) row(cells []xcell) error { return s.rowHigh(cells, 0) }

// rowHigh writes the next row height points high (0: the default).
func (s *xsheet) rowHigh(cells []xcell, height float64) error {
	s.rows++
	b := append(s.buf[:0], `<row r="`...)
	b = strconv.AppendInt(b, int64(s.rows), 10)
	if height > 0 {
		b = append(b, `" ht="`...)
		b = strconv.AppendFloat(b, height, 'f', 1, 64)
		b = append(b, `" customHeight="1`...)
	}
	b = append(b, `">`...)
	for i, c := range cells {
		if c.text == "" && c.number == "" {
			continue
		}
		b = append(b, `<c r="`...)
		b = appendColumn(b, i)
		b = strconv.AppendInt(b, int64(s.rows), 10)
		b = append(b, '"')
		if c.style != styleNone {
			b = append(b, ` s="`...)
			b = strconv.AppendInt(b, int64(c.style), 10)
			b = append(b, '"')
		}
		if c.number != "" {
			b = append(b, `><v>`...)
			b = append(b, c.number...)
			b = append(b, `</v></c>`...)
			continue
		}
		b = append(b, ` t="inlineStr"><is><t`...)
		if t := c.text; t[0] == ' ' || t[len(t)-1] == ' ' || strings.ContainsAny(t, "\t\n\r") {
			b = append(b, ` xml:space="preserve"`...)
		}
		b = append(b, '>')
		b = appendEscaped(b, c.text)
		b = append(b, `</t></is></c>`...)
	}
	b = append(b, `</row>`...)
	s.buf = b
	_, err := s.w.Write(b)
	return err
}

// merge merges the cells of columns from..to (0 = A) and rows top..bottom
// (1-based).
func (s *xsheet) merge(from, top, to, bottom int) {
	ref := appendColumn(nil, from)
	ref = strconv.AppendInt(ref, int64(top), 10)
	ref = append(ref, ':')
	ref = appendColumn(ref, to)
	ref = strconv.AppendInt(ref, int64(bottom), 10)
	s.merges = append(s.merges, string(ref))
}

func (s *xsheet) close() error {
	s.w.WriteString(`</sheetData>`)
	if len(s.merges) > 0 {
		fmt.Fprintf(s.w, `<mergeCells count="%d">`, len(s.merges))
		for _, m := range s.merges {
			fmt.Fprintf(s.w, `<mergeCell ref="%s"/>`, m)
		}
		s.w.WriteString(`</mergeCells>`)
	}
	if s.opts.landscape {
		s.w.WriteString(`<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.6" header="0.3" footer="0.3"/>` +
			`<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>` +
			`<headerFooter><oddFooter>&amp;C&amp;P/&amp;N</oddFooter></headerFooter>`)
	}
	s.w.WriteString(`</worksheet>`)
	return s.w.Flush()
}

// appendColumn appends the letters of column i (0 = A).
func appendColumn(b []byte, i int) []byte {
	if i >= 26 {
		b = appendColumn(b, i/26-1)
	}
	return append(b, byte('A'+i%26))
}

// appendEscaped appends s as XML text: markup escaped, characters XML 1.0
// does not allow (control characters, invalid UTF-8) dropped.
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				b = append(b, "&amp;"...)
			case c == '<':
				b = append(b, "&lt;"...)
			case c == '>':
				b = append(b, "&gt;"...)
			case c >= 0x20 || c == '\t' || c == '\n' || c == '\r':
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError && r != 0xFFFE && r != 0xFFFF {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return b
}

// xbook is a workbook written into a zip archive on w. The first sheet is
// streamed straight into its entry; the others go to temporary files until
// close, since a zip archive is written one entry at a time.
type xbook struct {
	zw     *zip.Writer
	sheets []*xsheet
	temps  []*os.File
	pipe   *io.PipeWriter
	copied chan error
}

func newBook(w io.Writer) *xbook { return &xbook{zw: fastZip(w)} }

// fastZip is a zip writer on w that deflates at flate's best speed rather
// than its default level: a tally of 10,000 targets is compressed in under
// half the time, into a file about a quarter larger.
func fastZip(w io.Writer) *zip.Writer {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return zw
}

// sheet adds a worksheet.
func (x *xbook) sheet(name string, o sheetOpts) (*xsheet, error) {
	var w io.Writer
	if len(x.sheets) == 0 {
		entry, err := x.zw.Create("xl/worksheets/sheet1.xml")
		if err != nil {
			return nil, err
		}
		pr, pw := io.Pipe()
		x.pipe, x.copied = pw, make(chan error, 1)
		go func() {
			_, err := io.Copy(entry, pr)
			pr.CloseWithError(err)
			x.copied <- err
		}()
		w = pw
	} else {
		f, err := os.CreateTemp("", "ballot-sheet-*.xml")
		if err != nil {
			return nil, err
		}
		os.Remove(f.Name()) // gone when closed; nothing stays on disk
		x.temps = append(x.temps, f)
		w = f
	}
	s, err := newSheet(name, w, o)
	if err != nil {
		return nil, err
	}
	x.sheets = append(x.sheets, s)
	return s, nil
}

// abort gives up a workbook that will not be finished.
func (x *xbook) abort(err error) {
	if x.pipe != nil {
		x.pipe.CloseWithError(err)
		<-x.copied
	}
	for _, f := range x.temps {
		f.Close()
	}
}

// close ends every sheet, writes the other sheets' entries and the parts
// that make the package a workbook, and ends the archive.
func (x *xbook) close() error {
	defer func() {
		for _, f := range x.temps {
			f.Close()
		}
	}()
	for i, s := range x.sheets {
		if err := s.close(); err != nil {
			return err
		}
		if i == 0 {
			x.pipe.Close()
			x.pipe = nil
			if err := <-x.copied; err != nil {
				return err
			}
		}
	}
	for i, f := range x.temps {
		entry, err := x.zw.Create(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+2))
		if err != nil {
			return err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.Copy(entry, f); err != nil {
			return err
		}
	}
	var book, rels, types strings.Builder
	book.WriteString(xml.Header + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`)
	rels.WriteString(xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	types.WriteString(xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	order := make([]int, len(x.sheets)) // the tabs: entry numbers
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return x.sheets[order[a]].opts.tab < x.sheets[order[b]].opts.tab })
	for _, i := range order {
		n := i + 1
		fmt.Fprintf(&book, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, appendEscaped(nil, x.sheets[i].name), n, n)
	}
	for i := range x.sheets {
		n := i + 1
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
	}
	book.WriteString(`</sheets>`)
	titles := false
	for tab, i := range order {
		s := x.sheets[i]
		if t := s.opts.printTitles; t[0] > 0 {
			if !titles {
				book.WriteString(`<definedNames>`)
				titles = true
			}
			quoted := "'" + strings.ReplaceAll(s.name, "'", "''") + "'"
			fmt.Fprintf(&book, `<definedName name="_xlnm.Print_Titles" localSheetId="%d">%s!$%d:$%d</definedName>`, tab, appendEscaped(nil, quoted), t[0], t[1])
		}
	}
	if titles {
		book.WriteString(`</definedNames>`)
	}
	book.WriteString(`</workbook>`)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`, len(x.sheets)+1)
	types.WriteString(`</Types>`)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", types.String()},
		{"_rels/.rels", xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", book.String()},
		{"xl/_rels/workbook.xml.rels", rels.String()},
		{"xl/styles.xml", sheetStyles},
	}
	for _, p := range parts {
		entry, err := x.zw.Create(p.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(entry, p.body); err != nil {
			return err
		}
	}
	return x.zw.Close()
}

// sheetStyles numbers the cell styles as the style constants do: fonts
// (0 normal, 1 bold, 2 bold 14 pt, 3 italic, 4 italic grey), fills (2 grey),
// borders (1 thin all round), number formats (2 "0.00", 3 "#,##0", 10
// "0.00%").
const sheetStyles = xml.Header + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<fonts count="5"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font>` +
	`<font><b/><sz val="14"/><name val="Calibri"/></font><font><i/><sz val="11"/><name val="Calibri"/></font>` +
	`<font><i/><sz val="11"/><color rgb="FF666666"/><name val="Calibri"/></font></fonts>` +
	`<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>` +
	`<fill><patternFill patternType="solid"><fgColor rgb="FFEEEEEE"/><bgColor indexed="64"/></patternFill></fill></fills>` +
	`<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>` +
	`<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="16"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>` +
	`<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
	`<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>` +
	`<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>` +
	`<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>` +
	`<xf numFmtId="3" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>` +
	`<xf numFmtId="10" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>` +
	`<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>` +
	`<xf numFmtId="3" fontId="1" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1"/>` +
	`<xf numFmtId="10" fontId="1" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1"/>` +
	`<xf numFmtId="0" fontId="4" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center"/></xf>` +
	`<xf numFmtId="2" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>` +
	`<xf numFmtId="2" fontId="1" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1"/>` +
	`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`
