package server_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ballot/internal/auth"
	"ballot/internal/demo"
	"ballot/internal/rounds"
	"ballot/internal/seal"
)

// countedTree makes a counted round (no ballots) over units given as CSV.
func (e *env) countedTree(unitsCSV string) string { e.t.Helper(); return e.countedIn(2026, unitsCSV) }

// countedIn makes a counted round of year (no ballots) over units given as
// CSV.
func (e *env) countedIn(year int, unitsCSV string) string {
	e.t.Helper()
	r := e.must(201, "POST", "/api/v1/rounds", e.admin, map[string]any{"title": fmt.Sprintf("Đánh giá chất lượng năm %d", year), "year": year})
	rid := r.JSON["id"].(string)
	for _, tpl := range []string{"to-chuc-co-so-dang", "tap-the-lanh-dao"} {
		e.must(201, "POST", "/api/v1/rounds/"+rid+"/forms", e.admin, map[string]string{"template": tpl})
	}
	e.must(201, "POST", "/api/v1/rounds/"+rid+"/units", e.admin, unitsCSV, "Content-Type", "text/csv")
	kp, _ := seal.GenerateKeyPair()
	e.must(200, "PUT", "/api/v1/rounds/"+rid+"/key", e.admin, map[string]string{"public_key": kp.Public})
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil)
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/count", e.admin, map[string]string{"private_key": kp.Private})
	return rid
}

func fig(m map[string]any, key string) string {
	f := m[key].(map[string]any)
	return fmt.Sprintf("%v %v", f["count"], f["percent"])
}

// TestWorkedExampleOfTheSpec: 957 grassroots organizations, 953 rated
// (4 not rated, 0.42%); good or better 871 = 91.40% of rated, of which
// excellent 162 = 18.60%; HTNV 80 = 8.39%; KHTNV 2 = 0.21%.
func TestWorkedExampleOfTheSpec(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.countedTree(string(demo.ProvinceCSV))
	tinh := e.user("tinh-uy", auth.Authority, "gialai")
	units, _ := rounds.ParseUnitsCSV(demo.ProvinceCSV)
	var csv strings.Builder
	csv.WriteString("unit,level,decision,date,reason\n")
	plan := []struct {
		level string
		n     int
	}{{"htxs", 162}, {"htt", 709}, {"Hoàn thành nhiệm vụ", 80}, {"khtnv", 2}, {"not_rated", 2}, {"", 2}}
	i := 0
	for _, u := range units {
		if u.Kind != "grassroots" {
			continue
		}
		for plan[0].n == 0 {
			plan = plan[1:]
		}
		plan[0].n--
		i++
		switch plan[0].level {
		case "":
		case "not_rated":
			fmt.Fprintf(&csv, "%s,not_rated,123-QĐ/TU,15/12/2026,Mới thành lập chưa đủ 6 tháng\n", u.ID)
		default:
			fmt.Fprintf(&csv, "%s,%s,123-QĐ/TU,2026-12-15,\n", u.ID, plan[0].level)
		}
	}
	if i != 957 {
		t.Fatalf("%d grassroots in the fixture", i)
	}
	r := e.must(201, "POST", "/api/v1/rounds/"+rid+"/ratings", tinh, csv.String(), "Content-Type", "text/csv")
	if r.JSON["imported"] != 955.0 {
		t.Fatalf("imported: %s", r.Body)
	}
	rep := e.must(200, "GET", "/api/v1/rounds/"+rid+"/report?unit=gialai&kind=grassroots", tinh, nil).JSON
	got := fmt.Sprintf("total %v rated %v not_rated %v (%v, %v) htxs %s htt %s htnv %s khtnv %s good %s excellent %s",
		rep["total"], rep["rated"], rep["not_rated"], rep["rated_percent"], rep["not_rated_percent"],
		fig(rep["levels"].(map[string]any), "htxs"), fig(rep["levels"].(map[string]any), "htt"),
		fig(rep["levels"].(map[string]any), "htnv"), fig(rep["levels"].(map[string]any), "khtnv"),
		fig(rep, "good_or_better"), fig(rep, "excellent_of_good"))
	want := "total 957 rated 953 not_rated 4 (99.58, 0.42) htxs 162 17.00 htt 709 74.40 htnv 80 8.39 khtnv 2 0.21 good 871 91.40 excellent 162 18.60"
	if got != want {
		t.Fatalf("report:\n got %s\nwant %s", got, want)
	}
	// the same figures through CSV and XLSX: the total row
	total := "957,953,99.58,4,0.42,162,17.00,709,74.40,80,8.39,2,0.21,871,91.40,162,18.60"
	c := e.must(200, "GET", "/api/v1/rounds/"+rid+"/report?unit=gialai&kind=grassroots&format=csv", tinh, nil)
	if !bytes.HasPrefix(c.Body, []byte("\xef\xbb\xbf")) || !strings.Contains(string(c.Body), "Tổng cộng (Đảng bộ tỉnh Gia Lai),"+total) ||
		!strings.Contains(string(c.Body), "Hoàn thành xuất sắc nhiệm vụ") {
		t.Fatalf("CSV:\n%s", c.Body)
	}
	x := e.must(200, "GET", "/api/v1/rounds/"+rid+"/report?unit=gialai&kind=grassroots&format=xlsx", tinh, nil)
	f, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Tổ chức cơ sở đảng")
	var last []string
	for _, r := range rows {
		if len(r) > 0 && r[0] == "Tổng cộng (Đảng bộ tỉnh Gia Lai)" {
			last = r
		}
	}
	// as the sheet shows them: counts grouped, percentages as percent cells
	want = "957,953,99.58%,4,0.42%,162,17.00%,709,74.40%,80,8.39%,2,0.21%,871,91.40%,162,18.60%"
	if got := strings.Join(last[1:], ","); got != want {
		t.Fatalf("XLSX total row %s, want %s", got, want)
	}
	h := e.must(200, "GET", "/api/v1/rounds/"+rid+"/report?unit=gialai&kind=grassroots&format=html", tinh, nil)
	if !strings.Contains(string(h.Body), "A4 landscape") || !strings.Contains(string(h.Body), `<td class="n">91,40</td>`) {
		t.Fatal("HTML report lacks the layout or the figures")
	}
	children := rep["children"].([]any)
	if len(children) != 21 {
		t.Fatalf("%d child rows, want 21 districts", len(children))
	}
	sum := 0.0
	for _, c := range children {
		sum += c.(map[string]any)["total"].(float64)
	}
	if sum != 957 {
		t.Fatalf("child rows sum to %v", sum)
	}
}

func TestQuotaIsDecidedOnIntegers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var units strings.Builder
	units.WriteString("id,name,parent,kind,group,form\np,Tỉnh,,province,,\nd,Huyện,p,district,,\n")
	for i := 0; i < 4999; i++ {
		fmt.Fprintf(&units, "c%04d,Chi bộ %d,d,grassroots,xa,to-chuc-co-so-dang\n", i, i)
	}
	rid := e.countedTree(units.String())
	huyen := e.user("huyen", auth.Authority, "d")
	var csv strings.Builder
	csv.WriteString("unit,level\n")
	for i := 0; i < 4999; i++ {
		level := "htt"
		if i < 1000 {
			level = "htxs"
		}
		fmt.Fprintf(&csv, "c%04d,%s\n", i, level)
	}
	e.must(201, "POST", "/api/v1/rounds/"+rid+"/ratings", huyen, csv.String(), "Content-Type", "text/csv")
	quota := func() map[string]any {
		q := e.must(200, "GET", "/api/v1/rounds/"+rid+"/report?kind=grassroots", huyen, nil).JSON["quota"].([]any)
		if len(q) != 1 {
			t.Fatalf("quota rows: %v", q)
		}
		return q[0].(map[string]any)
	}
	// 1000 of 4999 is 20.004%: printed 20.00, and still a breach
	q := quota()
	if q["excellent"] != 1000.0 || q["good_or_better"] != 4999.0 || q["excellent_percent"] != "20.00" || q["cap_percent"] != "20.00" || q["breach"] != true {
		t.Fatalf("at 20.004%%: %v", q)
	}
	for _, bad := range []string{"25.01", "30", "0", "-5", "abc", "20.555"} {
		if r := e.do("PUT", "/api/v1/rounds/"+rid+"/caps", huyen, map[string]string{"unit": "d", "group": "xa", "cap_percent": bad}); r.Status != 400 {
			t.Fatalf("cap %s: %d %s", bad, r.Status, r.Body)
		}
	}
	if r := e.do("PUT", "/api/v1/rounds/"+rid+"/caps", huyen, map[string]string{"unit": "d", "group": "coquan", "cap_percent": "25"}); r.Status != 400 {
		t.Fatalf("cap of a group with no targets: %d", r.Status)
	}
	e.must(200, "PUT", "/api/v1/rounds/"+rid+"/caps", huyen, map[string]string{"unit": "d", "group": "xa", "cap_percent": "25"})
	if q := quota(); q["cap_percent"] != "25.00" || q["breach"] != false {
		t.Fatalf("at a 25%% cap: %v", q)
	}
}

func xlsxOf(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRatingsImportFinalAndScope(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var units strings.Builder
	units.WriteString("id,name,parent,kind,group,form\np,Tỉnh,,province,,\nd,Huyện,p,district,huyen,tap-the-lanh-dao\nd2,Huyện hai,p,district,huyen,tap-the-lanh-dao\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&units, "c%04d,Chi bộ %d,d,grassroots,xa,to-chuc-co-so-dang\n", i, i)
	}
	rid := e.countedTree(units.String())
	huyen := e.user("huyen", auth.Authority, "d")
	tinh := e.user("tinh", auth.Authority, "p")
	xlsxType := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	rows := [][]any{{"unit", "level", "decision", "date", "reason"}}
	for i := 0; i < 1000; i++ {
		rows = append(rows, []any{fmt.Sprintf("c%04d", i), "htt", "45-QĐ/HU", "2026-12-20", ""})
	}
	rows[638][1] = "gioi" // sheet row 639 (row 1 is the header)
	r := e.do("POST", "/api/v1/rounds/"+rid+"/ratings", huyen, xlsxOf(t, rows), "Content-Type", xlsxType, "Accept-Language", "en")
	if r.Status != 400 || !strings.Contains(r.ErrMessage(), "Row 639") || !strings.Contains(r.ErrMessage(), "level") {
		t.Fatalf("one bad row: %d %s", r.Status, r.Body)
	}
	if errs := r.JSON["error"].(map[string]any)["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["row"] != 639.0 {
		t.Fatalf("row errors: %v", errs)
	}
	if rep := e.must(200, "GET", "/api/v1/rounds/"+rid+"/report", huyen, nil).JSON; rep["rated"] != 0.0 {
		t.Fatalf("a refused import stored ratings: %v", rep["rated"])
	}
	rows[638][1] = "Hoàn thành tốt nhiệm vụ"
	e.must(201, "POST", "/api/v1/rounds/"+rid+"/ratings", huyen, xlsxOf(t, rows), "Content-Type", xlsxType)
	if rep := e.must(200, "GET", "/api/v1/rounds/"+rid+"/report?kind=grassroots", huyen, nil).JSON; rep["rated"] != 1000.0 {
		t.Fatalf("rated %v", rep["rated"])
	}
	// an authority rates below its unit only
	if r := e.do("PUT", "/api/v1/rounds/"+rid+"/ratings/d", huyen, map[string]string{"level": "htxs"}); r.Status != 403 {
		t.Fatalf("own unit: %d %s", r.Status, r.Body)
	}
	if r := e.do("PUT", "/api/v1/rounds/"+rid+"/ratings/d2", huyen, map[string]string{"level": "htxs"}); r.Status != 403 {
		t.Fatalf("outside its subtree: %d %s", r.Status, r.Body)
	}
	if r := e.do("PUT", "/api/v1/rounds/"+rid+"/ratings/c0001", huyen, map[string]string{"level": "not_rated"}); r.Status != 400 || !strings.Contains(r.ErrMessage(), "reason") {
		t.Fatalf("not rated without reason: %d %s", r.Status, r.Body)
	}
	if r := e.do("GET", "/api/v1/rounds/"+rid+"/report?unit=p", huyen, nil); r.Status != 403 {
		t.Fatalf("report above its unit: %d", r.Status)
	}
	e.must(200, "PUT", "/api/v1/rounds/"+rid+"/ratings/d", tinh, map[string]string{"level": "htxs", "decision": "12-QĐ/TU", "date": "20/12/2026"})
	// final locks the subtree
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/report/final", huyen, nil)
	if r := e.do("PUT", "/api/v1/rounds/"+rid+"/ratings/c0001", huyen, map[string]string{"level": "htxs"}); r.Status != 409 {
		t.Fatalf("after final: %d %s", r.Status, r.Body)
	}
	if r := e.do("PUT", "/api/v1/rounds/"+rid+"/ratings/c0001", tinh, map[string]string{"level": "htxs"}); r.Status != 409 {
		t.Fatalf("after final, from above: %d %s", r.Status, r.Body)
	}
	if r := e.do("POST", "/api/v1/rounds/"+rid+"/ratings", huyen, xlsxOf(t, rows), "Content-Type", xlsxType); r.Status != 400 {
		t.Fatalf("import after final: %d", r.Status)
	}
	if rep := e.must(200, "GET", "/api/v1/rounds/"+rid+"/report", huyen, nil).JSON; rep["final"] != true {
		t.Fatal("the report does not say it is final")
	}
	// ratings before counting are refused
	e2 := newEnv(t)
	rid2 := e2.draftRound()
	a := e2.user("a", auth.Authority, "p")
	if r := e2.do("PUT", "/api/v1/rounds/"+rid2+"/ratings/c1", a, map[string]string{"level": "htt"}); r.Status != 409 {
		t.Fatalf("rating in draft: %d", r.Status)
	}
}
