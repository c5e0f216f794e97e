package service_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ballot/internal/export"
	"ballot/internal/i18n"
	"ballot/internal/report"
	"ballot/internal/result/resulttest"
	"ballot/internal/service"
)

// TestANationalReportNamesTheChildrenNotInYet: while a child's result is
// missing, the parent's report lists it as pending, and the printed and
// workbook reports say under their title that its figures are not
// counted; once every result is in, nothing is pending.
func TestANationalReportNamesTheChildrenNotInYet(t *testing.T) {
	t.Parallel()
	a, b := twoChildren(t)
	svc := resulttest.Open(t)
	parent := resulttest.NewParent(t, svc, 2026, "tw", a, b)
	sa := a.Export(t, "")
	if _, err := svc.ImportResult(admin, parent.ID, sa.File, sa.Signature); err != nil {
		t.Fatal(err)
	}
	rep, r, err := svc.Report(admin, parent.ID, service.ReportQuery{Compare: service.NoCompare})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Pending) != 1 || rep.Pending[0].ID != b.Root || rep.Pending[0].Name != "Đảng bộ tỉnh "+b.Root {
		t.Fatalf("pending %+v, want %s alone", rep.Pending, b.Root)
	}
	printed := func(rep *report.Report, format string, lang i18n.Lang) string {
		var buf bytes.Buffer
		if err := export.Report(&buf, format, rep, lang, export.MetaOf(r, rep.Name, time.Now())); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	for lang, want := range map[i18n.Lang]string{i18n.VI: "chưa có kết quả của 1 đơn vị cấp dưới", i18n.EN: "not counted here, their results not in yet (1)"} {
		if html := printed(rep, "html", lang); !strings.Contains(html, want) || !strings.Contains(html, "Đảng bộ tỉnh "+b.Root) {
			t.Fatalf("the printed report (%s) does not say %q", lang, want)
		}
	}
	if xlsx := sheetText(t, []byte(printed(rep, "xlsx", i18n.VI))); !strings.Contains(xlsx, "chưa có kết quả của 1 đơn vị cấp dưới") {
		t.Fatal("the workbook does not say a child's result is missing")
	}
	inside, _, err := svc.Report(admin, parent.ID, service.ReportQuery{Unit: a.Root, Compare: service.NoCompare})
	if err != nil || len(inside.Pending) != 0 {
		t.Fatalf("inside a child that is in: pending %+v, %v", inside.Pending, err)
	}

	sb := b.Export(t, "")
	if _, err := svc.ImportResult(admin, parent.ID, sb.File, sb.Signature); err != nil {
		t.Fatal(err)
	}
	rep, _, err = svc.Report(admin, parent.ID, service.ReportQuery{Compare: service.NoCompare})
	if err != nil || len(rep.Pending) != 0 || strings.Contains(printed(rep, "html", i18n.VI), "chưa có kết quả") {
		t.Fatalf("every result in: pending %+v, %v", rep.Pending, err)
	}
}

// sheetText is every cell of every sheet of a workbook, as an authority
// opening it reads them.
func sheetText(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			b.WriteString(strings.Join(row, "\t") + "\n")
		}
	}
	return b.String()
}
