package export_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ballot/internal/browser"
	"ballot/internal/demo"
	"ballot/internal/export"
	"ballot/internal/i18n"
	"ballot/internal/service"
)

// needTools fails in CI (.ci/run installs Chromium and poppler-utils and
// sets CI) and skips, loudly, only on a machine with nothing but Go.
func needTools(t *testing.T) {
	t.Helper()
	_, err := browser.ChromiumPath()
	if err == nil {
		_, err = exec.LookPath("pdftotext")
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip("document tests need Chromium and poppler-utils: ", err)
	}
}

// province is a counted province round (demo.CountedProvince) in a fresh
// bbolt file.
func province(t *testing.T) (*service.Service, *demo.Province) {
	t.Helper()
	svc, p, closeAll, err := demo.OpenCountedProvince(filepath.Join(t.TempDir(), "province.db"), service.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeAll)
	return svc, p
}

// printed is a document printed to PDF by Chromium and read back per page.
type printed struct {
	pages []string
	pdf   string
}

// signaturePage is the page holding the signature block (the last with
// want on it).
func (p printed) signaturePage(t *testing.T, want string) string {
	t.Helper()
	for i := len(p.pages) - 1; i >= 0; i-- {
		if strings.Contains(p.pages[i], want) {
			return p.pages[i]
		}
	}
	t.Fatalf("no page holds %q", want)
	return ""
}

// lastLine is a page's last line of text but its page number.
func lastLine(page string) string {
	lines := strings.Split(strings.TrimRight(page, " \n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l != "" && !pageNumber.MatchString(l) {
			return l
		}
	}
	return ""
}

// TestDocumentsAtProvinceScale prints what a provincial authority hands
// over, made from a counted province round (979 units, ~5,000 codes,
// ratings as the published 2020 report had them), to PDF with Chromium and
// reads it back per page with pdftotext; the workbooks are read back with
// excelize.
func TestDocumentsAtProvinceScale(t *testing.T) {
	t.Parallel()
	needTools(t)
	svc, p := province(t)
	dir := t.TempDir()
	b, err := browser.NewChromium(filepath.Join(dir, "profile")) // as people print
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close) // after the subtests, which run in parallel
	print := func(t *testing.T, name string, write func(io.Writer) error) printed {
		t.Helper()
		path := filepath.Join(dir, name+".html")
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		pdf, err := b.PrintPDF("file://" + path)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, name+".pdf")
		if err := os.WriteFile(out, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		pages, err := browser.PDFPages(out)
		if err != nil {
			t.Fatal(err)
		}
		if os.Getenv("BALLOT_KEEP_DOCUMENTS") != "" { // to look at them
			keep := os.Getenv("BALLOT_KEEP_DOCUMENTS")
			os.MkdirAll(keep, 0o755)
			os.WriteFile(filepath.Join(keep, name+".pdf"), pdf, 0o644)
			if png, err := browser.PDFPagePNG(filepath.Join(keep, name+".pdf"), 1); err != nil {
				t.Log(err)
			} else {
				t.Log("page 1:", png)
			}
		}
		t.Logf("%s: %d pages", name, len(pages))
		if strings.Contains(body(pages), "%!") {
			t.Errorf("%s holds a badly filled message (%%!…)", name)
		}
		return printed{pages: pages, pdf: out}
	}
	rid, tinh := p.Round.ID, p.Authority

	t.Run("the minutes of a district fit in six pages and end with rows and signatures", func(t *testing.T) {
		t.Parallel()
		m, err := svc.Minutes(tinh, rid, "pleiku", false)
		if err != nil {
			t.Fatal(err)
		}
		doc := print(t, "minutes-pleiku", func(w io.Writer) error { return export.Minutes(w, m, i18n.VI) })
		if n := len(doc.pages); n > 6 {
			t.Fatalf("the minutes of one district take %d pages", n)
		}
		first := doc.pages[0]
		for _, want := range []string{"ĐẢNG BỘ TỈNH GIA LAI", "BAN KIỂM PHIẾU", "ĐẢNG CỘNG SẢN VIỆT NAM", "Gia Lai, ngày", "BIÊN BẢN KIỂM PHIẾU",
			"Đảng bộ thành phố Pleiku", "Số mã phiếu phát ra: " + i18n.Int(m.Codes.Issued, i18n.VI),
			"Số mã phiếu đã dùng: " + i18n.Int(m.Codes.Used, i18n.VI), "Phiếu phân tích chất lượng tổ chức cơ sở đảng"} {
			if !strings.Contains(squash(first), want) {
				t.Errorf("page 1 lacks %q", want)
			}
		}
		if strings.Contains(strings.Join(doc.pages, ""), "to-chuc-co-so-dang") {
			t.Error("the minutes show a form by its id")
		}
		signs := doc.signaturePage(t, "TRƯỞNG BAN KIỂM")
		if !holdsRow(signs, m) || !strings.Contains(signs, "Cộng số phiếu kiểm") {
			t.Errorf("the signatures stand on a page without the table's rows:\n%s", signs)
		}
		if !strings.Contains(signs, m.AuditHead) || !strings.Contains(signs, "Trần Thị Kiểm") {
			t.Error("the last page lacks the audit anchor or the committee's names")
		}
	})

	t.Run("the whole round's minutes stay bounded", func(t *testing.T) {
		t.Parallel()
		m, err := svc.Minutes(tinh, rid, "", false)
		if err != nil {
			t.Fatal(err)
		}
		doc := print(t, "minutes-province", func(w io.Writer) error { return export.Minutes(w, m, i18n.VI) })
		if n := len(doc.pages); n > 60 {
			t.Fatalf("%d pages for 978 targets", n)
		}
		// thousands grouped as Vietnamese writes them (4.959)
		if issued := "Số mã phiếu phát ra: " + i18n.Int(m.Codes.Issued, i18n.VI); m.Codes.Issued < 1000 || !strings.Contains(issued, ".") ||
			!strings.Contains(squash(doc.pages[0]), issued) {
			t.Errorf("page 1 lacks %q", issued)
		}
		for i, pg := range doc.pages {
			if l := lastLine(pg); strings.HasPrefix(l, "Trực thuộc ") {
				t.Errorf("page %d ends with a deciding unit's heading: %q", i+1, l)
			}
		}
		signs := doc.signaturePage(t, "TRƯỞNG BAN KIỂM")
		if !holdsRow(signs, m) {
			t.Errorf("the signatures stand alone:\n%s", signs)
		}
	})

	t.Run("a last table short enough to go with the signatures takes its heading and header along", func(t *testing.T) {
		t.Parallel()
		// one target's minutes, and a district's report (without a
		// comparison) whose quota table has three rows: the whole table and
		// its heading move to the signatures' page, rather than leave the
		// heading and the column header at the foot of the page before
		m, err := svc.Minutes(tinh, rid, "pleiku-001", true)
		if err != nil {
			t.Fatal(err)
		}
		rep, r, err := svc.Report(tinh, rid, service.ReportQuery{Unit: "pleiku", Compare: service.NoCompare})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name, heading, signer string
			write                 func(io.Writer) error
		}{
			{"minutes-one", i18n.M("minutes.table_heading").In(i18n.VI), "TRƯỞNG BAN KIỂM", func(w io.Writer) error { return export.Minutes(w, m, i18n.VI) }},
			{"report-pleiku", i18n.M("report.quota_heading").In(i18n.VI), "Nguyễn Văn Mẫu", func(w io.Writer) error {
				return export.Report(w, "html", rep, i18n.VI, export.MetaOf(r, rep.Name, svc.Now()))
			}},
		} {
			doc := print(t, c.name, c.write)
			if signs := squash(doc.signaturePage(t, c.signer)); !strings.Contains(signs, c.heading) {
				t.Errorf("%s: the last table's heading %q is not on the signatures' page (of %d)", c.name, c.heading, len(doc.pages))
			}
		}
	})

	t.Run("the report has the letterhead, the paragraph, and rows beside the signature", func(t *testing.T) {
		t.Parallel()
		rep, r, err := svc.Report(tinh, rid, service.ReportQuery{})
		if err != nil {
			t.Fatal(err)
		}
		meta := export.MetaOf(r, rep.Name, svc.Now())
		doc := print(t, "report", func(w io.Writer) error { return export.Report(w, "html", rep, i18n.VI, meta) })
		if n := len(doc.pages); n > 8 {
			t.Fatalf("the report takes %d pages", n)
		}
		first := squash(doc.pages[0])
		for _, want := range []string{"ĐẢNG BỘ TỈNH GIA LAI", "BAN THƯỜNG VỤ TỈNH ỦY", "ĐẢNG CỘNG SẢN VIỆT NAM", "Gia Lai, ngày", "BÁO CÁO",
			"Kết quả đánh giá, xếp loại chất lượng tổ chức đảng năm 2026", "I. Tổ chức đảng cấp huyện", "chiếm 85,71%"} {
			if !strings.Contains(first, want) {
				t.Errorf("page 1 lacks %q", want)
			}
		}
		all := squash(body(doc.pages))
		for _, want := range []string{"chiếm 99,58%", "Hoàn thành tốt nhiệm vụ trở lên là 871, chiếm 91,40% (trong đó Hoàn thành xuất sắc nhiệm vụ là 162, chiếm 18,60%)",
			"giảm 13 so với năm 2025", "Tổ chức cơ sở đảng: so sánh với năm 2025", "Xã, phường, thị trấn",
			// the grassroots total row's figures (its name wraps), with decimal commas
			"957 953 99,58 4 0,42 162 17,00 709 74,40 80 8,39 2 0,21 871 91,40 162 18,60"} {
			if !strings.Contains(all, want) {
				t.Errorf("the report lacks %q", want)
			}
		}
		signs := doc.signaturePage(t, "Nguyễn Văn Mẫu")
		if !strings.Contains(signs, "T/M BAN THƯỜNG VỤ") || !regexp.MustCompile(`(?m)^\s*Đảng bộ [^\n]*\d`).MatchString(signs) {
			t.Errorf("the signature stands on a page without table rows:\n%s", signs)
		}
	})

	t.Run("the tally's print view keeps every heading with its table", func(t *testing.T) {
		t.Parallel()
		doc := print(t, "tally", func(w io.Writer) error {
			tt, err := svc.Tally(tinh, rid, "")
			if err != nil {
				return err
			}
			return export.Tally(w, "html", tt.Counted, rid, tt.Unit, i18n.VI, export.MetaOf(tt.Round, tt.UnitName, svc.Now()))
		})
		if n := len(doc.pages); n > 80 {
			t.Fatalf("the tally prints on %d pages", n)
		}
		heading := regexp.MustCompile(`^(Trực thuộc |I+\. |Nhận xét của người tham gia)|ý kiến\)`)
		for i, pg := range doc.pages[:len(doc.pages)-1] {
			if l := lastLine(pg); heading.MatchString(l) {
				t.Errorf("page %d ends with a heading: %q", i+1, l)
			}
		}
		all := squash(body(doc.pages))
		for _, want := range []string{"KẾT QUẢ TỔNG HỢP PHIẾU PHÂN TÍCH CHẤT LƯỢNG", "Tỷ lệ đánh giá Tốt trở lên (%)", "Nhận xét của người tham gia",
			"Sinh hoạt chi bộ đã đổi mới nội dung", "Không công bố (dưới 3 phiếu)"} {
			if !strings.Contains(all, want) {
				t.Errorf("the print view lacks %q", want)
			}
		}
	})

	t.Run("the report workbook has its title block, merged headers, print setup and percent cells", func(t *testing.T) {
		t.Parallel()
		rep, r, err := svc.Report(tinh, rid, service.ReportQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := export.Report(&buf, "xlsx", rep, i18n.VI, export.MetaOf(r, rep.Name, svc.Now())); err != nil {
			t.Fatal(err)
		}
		noBadMessages(t, buf.Bytes())
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(f.GetSheetList(), ","); got != "Tổ chức đảng cấp huyện,Tổ chức cơ sở đảng,Tỷ lệ HTXS" {
			t.Fatalf("sheets %s", got)
		}
		sheet := "Tổ chức cơ sở đảng"
		rows, _ := f.GetRows(sheet)
		text := func(r int) string { return strings.Join(rows[r], "|") }
		for i, want := range []string{"ĐẢNG BỘ TỈNH GIA LAI", "BAN THƯỜNG VỤ TỈNH ỦY", "", "BÁO CÁO", "Kết quả đánh giá, xếp loại chất lượng tổ chức đảng năm 2026",
			"Đánh giá chất lượng năm 2026 — Đảng bộ tỉnh Gia Lai — đã chốt"} {
			if !strings.Contains(text(i), want) {
				t.Errorf("row %d is %q, want %q", i+1, text(i), want)
			}
		}
		if !strings.Contains(text(1), "Gia Lai, ngày") || !strings.Contains(text(0), "ĐẢNG CỘNG SẢN VIỆT NAM") {
			t.Errorf("the letterhead's right column: %q / %q", text(0), text(1))
		}
		head := -1
		for i, r := range rows {
			if len(r) > 1 && r[0] == "Đơn vị" {
				head = i + 1 // a sheet row number
				break
			}
		}
		if head < 0 {
			t.Fatal("no table header")
		}
		merged, _ := f.GetMergeCells(sheet)
		refs := map[string]bool{}
		for _, m := range merged {
			refs[m.GetStartAxis()+":"+m.GetEndAxis()] = true
		}
		h, h2 := itoa(head), itoa(head+1)
		for _, want := range []string{"A" + h + ":A" + h2, "B" + h + ":B" + h2, "C" + h + ":D" + h, "Q" + h + ":R" + h} {
			if !refs[want] {
				t.Errorf("the header is not merged at %s (merged: %v)", want, refs)
			}
		}
		if top, _ := f.GetCellValue(sheet, "Q"+h); top != "Trong đó hoàn thành xuất sắc nhiệm vụ" {
			t.Errorf("Q%s is %q", h, top)
		}
		layout, _ := f.GetPageLayout(sheet)
		if layout.Orientation == nil || *layout.Orientation != "landscape" || layout.Size == nil || *layout.Size != 9 ||
			layout.FitToWidth == nil || *layout.FitToWidth != 1 || layout.FitToHeight == nil || *layout.FitToHeight != 0 {
			t.Errorf("page layout %+v", layout)
		}
		if props, _ := f.GetSheetProps(sheet); props.FitToPage == nil || !*props.FitToPage {
			t.Error("the sheet is not fitted to the page")
		}
		titles := false
		for _, d := range f.GetDefinedName() {
			titles = titles || d.Name == "_xlnm.Print_Titles" && d.Scope == sheet && strings.HasSuffix(d.RefersTo, "!$"+h+":$"+h2)
		}
		if !titles {
			t.Errorf("no repeated header rows: %+v", f.GetDefinedName())
		}
		// the total row: counts as #,##0, percentages as percent cells
		total := -1
		for i, r := range rows {
			if len(r) > 0 && r[0] == "Tổng cộng (Đảng bộ tỉnh Gia Lai)" && total < 0 {
				total = i + 1
			}
		}
		if total < 0 {
			t.Fatal("no total row")
		}
		for cell, want := range map[string]struct {
			raw    string
			numFmt int
		}{"B": {"957", 3}, "D": {"0.9958", 10}, "P": {"0.9140", 10}, "R": {"0.1860", 10}} {
			ref := cell + itoa(total)
			raw, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
			id, _ := f.GetCellStyle(sheet, ref)
			st, _ := f.GetStyle(id)
			if raw != want.raw || st == nil || st.NumFmt != want.numFmt {
				t.Errorf("%s: %q with format %v, want %q as %d", ref, raw, st, want.raw, want.numFmt)
			}
		}
		// a child row's percentage too
		if id, _ := f.GetCellStyle(sheet, "D"+itoa(head+2)); true {
			if st, _ := f.GetStyle(id); st == nil || st.NumFmt != 10 {
				t.Errorf("D%d is not a percent cell: %v", head+2, st)
			}
		}
		if shown, _ := f.GetCellValue(sheet, "P"+itoa(total)); shown != "91.40%" {
			t.Errorf("P%d shows %q", total, shown)
		}
		if !strings.Contains(strings.Join(rows[head-3], ""), "chiếm 91,40% (trong đó Hoàn thành xuất sắc nhiệm vụ là 162, chiếm 18,60%)") {
			t.Errorf("the paragraph is not above the table: %q", rows[head-3])
		}
	})

	t.Run("the tally workbook opens on a wide sheet per form, set to print", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		var view struct{ targets int }
		err := func() error {
			tt, err := svc.Tally(tinh, rid, "")
			if err != nil {
				return err
			}
			v, err := tt.Counted.View(rid, tt.Unit)
			view.targets = len(v.Targets)
			if err != nil {
				return err
			}
			return export.TallyXLSX(&buf, tt.Counted, tt.Unit, i18n.VI, export.MetaOf(tt.Round, tt.UnitName, svc.Now()))
		}()
		if err != nil {
			t.Fatal(err)
		}
		noBadMessages(t, buf.Bytes())
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(f.GetSheetList(), ","); got != "Bảng tap-the-lanh-dao,Bảng to-chuc-co-so-dang,Đối tượng,Tổng hợp,Nhận xét" {
			t.Fatalf("sheets %s", got)
		}
		sheet := "Bảng to-chuc-co-so-dang"
		rows, _ := f.GetRows(sheet)
		if !strings.HasPrefix(rows[0][0], "BẢNG TỔNG HỢP THEO ĐỐI TƯỢNG — Phiếu phân tích chất lượng tổ chức cơ sở đảng") || !strings.Contains(rows[1][0], "Đảng bộ tỉnh Gia Lai") {
			t.Errorf("title rows %q / %q", rows[0], rows[1])
		}
		if rows[2][4] != "Tỷ lệ đánh giá Tốt trở lên (%)" || rows[3][4] != "I.1. Công tác chính trị, tư tưởng" || rows[2][11] != "Đề xuất xếp loại (% số phiếu)" {
			t.Errorf("header rows %q / %q", rows[2], rows[3])
		}
		targets := 0
		for _, r := range rows[4:] {
			if len(r) > 3 && r[3] != "" && !strings.HasPrefix(r[1], "Tổng hợp: ") {
				targets++
			}
		}
		if targets != 957 {
			t.Errorf("%d target rows, want 957", targets)
		}
		merged, _ := f.GetMergeCells(sheet)
		refs := map[string]bool{}
		for _, m := range merged {
			refs[m.GetStartAxis()+":"+m.GetEndAxis()] = true
		}
		for _, want := range []string{"A3:A4", "B3:B4", "E3:K3", "L3:O3"} {
			if !refs[want] {
				t.Errorf("not merged: %s", want)
			}
		}
		layout, _ := f.GetPageLayout(sheet)
		if layout.Orientation == nil || *layout.Orientation != "landscape" || layout.Size == nil || *layout.Size != 9 ||
			layout.FitToWidth == nil || *layout.FitToWidth != 1 || layout.FitToHeight == nil || *layout.FitToHeight != 0 {
			t.Errorf("page layout %+v", layout)
		}
		if props, _ := f.GetSheetProps(sheet); props.FitToPage == nil || !*props.FitToPage {
			t.Error("the wide sheet is not fitted to the page")
		}
		titles := false
		for _, d := range f.GetDefinedName() {
			titles = titles || d.Name == "_xlnm.Print_Titles" && d.Scope == sheet && strings.HasSuffix(d.RefersTo, "!$3:$4")
		}
		if !titles {
			t.Errorf("no repeated header rows: %+v", f.GetDefinedName())
		}
		// a share is a percent cell holding a fraction; a withheld one a dash
		sawPercent, sawWithheld := false, false
		for i, r := range rows[4:] {
			if len(r) < 6 {
				continue
			}
			ref := "E" + itoa(i+5)
			raw, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
			id, _ := f.GetCellStyle(sheet, ref)
			st, _ := f.GetStyle(id)
			switch {
			case raw == "—":
				sawWithheld = true
			case raw != "" && st != nil && st.NumFmt == 10 && !strings.Contains(raw, "%"):
				sawPercent = true
			}
		}
		if !sawPercent || !sawWithheld {
			t.Errorf("percent cells %v, withheld cells %v", sawPercent, sawWithheld)
		}
	})
}

// holdsRow reports whether a page shows a row of the minutes' table: the
// name of one of its targets (up to its parenthesis, which may wrap).
func holdsRow(page string, m *service.Minutes) bool {
	text := squash(page)
	for _, r := range m.Targets {
		name, _, _ := strings.Cut(r.Name, " (")
		if strings.Contains(text, name) {
			return true
		}
	}
	return false
}

// pageNumber is the line the page's foot prints.
var pageNumber = regexp.MustCompile(`(?m)^\s*\d+/\d+\s*$`)

// body is the text of every page without the page numbers.
func body(pages []string) string { return pageNumber.ReplaceAllString(strings.Join(pages, "\n"), "") }

// noBadMessages fails on a badly filled message (%!…) anywhere in a
// workbook: in the XML of each of its parts, which holds every cell's text
// (inline or shared), every sheet's name and header as written (XML leaves
// "%!" as it is). Reading every cell back instead took a second.
func noBadMessages(t *testing.T, workbook []byte) {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range z.File {
		r, err := part.Open()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.Index(raw, []byte("%!")); i >= 0 {
			t.Errorf("%s holds a badly filled message: …%s…", part.Name, raw[max(0, i-100):min(len(raw), i+100)])
		}
	}
}

// squash folds runs of spaces (pdftotext's layout) into one.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func itoa(n int) string { return strconv.Itoa(n) }
