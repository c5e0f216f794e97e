package server_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ballot/internal/seal"
)

// countedRound makes a counted round over the small tree with ballots on
// c1 (5), c2 (4) and d1 (1, withheld).
func (e *env) countedRound() string {
	e.t.Helper()
	rid := e.draftRound()
	kp, _ := seal.GenerateKeyPair()
	e.must(200, "PUT", "/api/v1/rounds/"+rid+"/key", e.admin, map[string]string{"public_key": kp.Public})
	batch := func(target string, n int) []any {
		return e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches", e.admin, map[string]any{"targets": []string{target}, "count": n}).JSON["codes"].([]any)
	}
	b1, b2, b3 := batch("c1", 5), batch("c2", 4), batch("d1", 1)
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil)
	for i, c := range b1 {
		e.must(201, "POST", "/api/v1/ballots", "", submission(c.(string), newSID(), []string{"c1"}, fmt.Sprintf("Góp ý số %d", i)))
	}
	for _, c := range b2 {
		e.must(201, "POST", "/api/v1/ballots", "", submission(c.(string), newSID(), []string{"c2"}, ""))
	}
	e.must(201, "POST", "/api/v1/ballots", "", submission(b3[0].(string), newSID(), []string{"d1"}, ""))
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/count", e.admin, map[string]string{"private_key": kp.Private})
	return rid
}

// jsonFigures lists "unit|question|option=count|percent" for every published
// option of a tally JSON's targets.
func jsonFigures(v map[string]any, list string, idField string) []string {
	var out []string
	for _, x := range v[list].([]any) {
		t := x.(map[string]any)
		for _, qx := range t["questions"].([]any) {
			q := qx.(map[string]any)
			for _, ox := range asList(q["options"]) {
				o := ox.(map[string]any)
				out = append(out, fmt.Sprintf("%v|%v|%v=%v|%v", t[idField], q["id"], o["id"], o["count"], o["percent"]))
			}
		}
	}
	return out
}

func asList(x any) []any {
	l, _ := x.([]any)
	return l
}

func TestExportsAgreeWithTheJSON(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.countedRound()
	v := e.must(200, "GET", "/api/v1/rounds/"+rid+"/tally", e.admin, nil).JSON
	want := jsonFigures(v, "targets", "id")
	if len(want) < 20 {
		t.Fatalf("only %d figures", len(want))
	}

	// XLSX, read back with excelize
	x := e.must(200, "GET", "/api/v1/rounds/"+rid+"/tally?format=xlsx", e.admin, nil)
	f, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	// the wide sheets for people first (one per form), then the long ones
	if sheets := f.GetSheetList(); strings.Join(sheets, ",") != "Bảng diem-100,Bảng tap-the-lanh-dao,Bảng to-chuc-co-so-dang,Đối tượng,Tổng hợp,Nhận xét" {
		t.Fatalf("sheets: %v", sheets)
	}
	// the wide sheet of c1's form: each criterion's share graded Tốt or
	// better is the sum of the two published percents; the proposed levels
	// are the published ones
	percent := map[string]float64{}
	for _, fig := range want {
		var unit, q, o string
		var count int
		var p float64
		fmt.Sscanf(strings.NewReplacer("|", " ", "=", " ").Replace(fig), "%s %s %s %d %f", &unit, &q, &o, &count, &p)
		percent[unit+"|"+q+"|"+o] = p
	}
	wide, _ := f.GetRows("Bảng to-chuc-co-so-dang", excelize.Options{RawCellValue: true})
	var c1 []string
	for _, r := range wide {
		if len(r) > 0 && r[0] == "c1" {
			c1 = r
		}
	}
	if len(c1) < 16 || c1[3] != "5" {
		t.Fatalf("c1's wide row: %q", c1)
	}
	for i, q := range []string{"c1", "c2", "c3", "c4", "c5", "c6", "c7"} {
		var got float64
		fmt.Sscan(c1[4+i], &got)
		if exp := percent["c1|"+q+"|xuat_sac"] + percent["c1|"+q+"|tot"]; fmt.Sprintf("%.4f", got) != fmt.Sprintf("%.4f", exp/100) {
			t.Errorf("c1 %s: %v, want %v", q, got, exp/100)
		}
	}
	for i, l := range []string{"htxs", "htt", "htnv", "khtnv"} {
		var got float64
		fmt.Sscan(c1[11+i], &got)
		if fmt.Sprintf("%.4f", got) != fmt.Sprintf("%.4f", percent["c1|level|"+l]/100) {
			t.Errorf("c1 level %s: %v", l, got)
		}
	}
	// the wide sheet of c2's diem-100 form: a column per score, its mean
	// as the JSON has it, as a number
	means := map[string]string{}
	for _, x := range v["targets"].([]any) {
		if tg := x.(map[string]any); tg["id"] == "c2" {
			for _, qx := range tg["questions"].([]any) {
				if q := qx.(map[string]any); q["score"] != nil {
					means[q["id"].(string)] = q["score"].(map[string]any)["mean"].(string)
				}
			}
		}
	}
	scores, _ := f.GetRows("Bảng diem-100", excelize.Options{RawCellValue: true})
	var c2 []string
	c2Row := 0
	for i, r := range scores {
		if len(r) > 0 && r[0] == "c2" {
			c2, c2Row = r, i+1
		}
	}
	if len(means) != 5 || len(c2) < 9 || c2[3] != "4" {
		t.Fatalf("c2's means %v, wide row %q", means, c2)
	}
	for i, q := range []string{"s1", "s2", "s3", "s4", "s5"} {
		var got, exp float64
		fmt.Sscan(c2[4+i], &got)
		fmt.Sscan(means[q], &exp)
		cell, _ := excelize.CoordinatesToCellName(5+i, c2Row)
		if typ, _ := f.GetCellType("Bảng diem-100", cell); got != exp || typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("c2 %s: %q (%v), want the mean %s as a number", q, c2[4+i], typ, means[q])
		}
	}
	rows, err := f.GetRows("Đối tượng")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "Loại" || rows[0][11] != "Tỷ lệ (%)" {
		t.Fatalf("headers: %v", rows[0])
	}
	var got []string
	for i, r := range rows[1:] {
		if len(r) < 12 || r[10] == "" || r[8] == "mean" || r[8] == "min" || r[8] == "max" || strings.Contains(r[8], "-") {
			continue
		}
		// numbers must be number cells
		cell, _ := excelize.CoordinatesToCellName(11, i+2)
		if typ, _ := f.GetCellType("Đối tượng", cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Fatalf("count cell %s has type %v", cell, typ)
		}
		pct, _ := excelize.CoordinatesToCellName(12, i+2)
		raw, _ := f.GetCellValue("Đối tượng", pct, excelize.Options{RawCellValue: true})
		var p float64
		fmt.Sscan(raw, &p)
		got = append(got, fmt.Sprintf("%s|%s|%s=%s|%.2f", r[1], r[5], r[8], r[10], p))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("XLSX differs from JSON:\n%s\n---\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	comments, _ := f.GetRows("Nhận xét")
	if len(comments) != 6 || !strings.HasPrefix(comments[1][2], "Góp ý số") {
		t.Fatalf("comments sheet: %v", comments)
	}

	// CSV with a BOM, Vietnamese headers and text
	c := e.must(200, "GET", "/api/v1/rounds/"+rid+"/tally?format=csv", e.admin, nil)
	if !bytes.HasPrefix(c.Body, []byte("\xef\xbb\xbf")) || !strings.Contains(c.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %q %v", c.Body[:10], c.Header)
	}
	recs, err := csv.NewReader(bytes.NewReader(c.Body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][1] != "Mã đơn vị" || !strings.Contains(string(c.Body), "Công tác chính trị, tư tưởng") || !strings.Contains(string(c.Body), "Xuất sắc") {
		t.Fatalf("csv text: %v", recs[0])
	}
	var fromCSV []string
	for _, r := range recs[1:] {
		if r[0] == "Đối tượng" && r[10] != "" && r[8] != "mean" && r[8] != "min" && r[8] != "max" && !strings.Contains(r[8], "-") {
			fromCSV = append(fromCSV, fmt.Sprintf("%s|%s|%s=%s|%s", r[1], r[5], r[8], r[10], r[11]))
		}
	}
	if strings.Join(fromCSV, "\n") != strings.Join(want, "\n") {
		t.Fatalf("CSV differs from JSON")
	}
	// the withheld target d1 is blank in every format
	if strings.Contains(string(c.Body), "d1,Đảng bộ huyện Một,tap-the-lanh-dao,1,c1,1. Thực hiện nguyên tắc tập trung dân chủ và quy chế làm việc,1,xuat_sac") {
		t.Fatal("a withheld figure in the CSV")
	}

	// printable HTML: the round, the form hashes, the generation time
	h := e.must(200, "GET", "/api/v1/rounds/"+rid+"/tally?format=html&lang=en", e.admin, nil)
	body := string(h.Body)
	for _, w := range []string{"@page{size:A4", "<svg", "Đánh giá chất lượng năm 2026", v["form_hashes"].(map[string]any)["to-chuc-co-so-dang"].(string), "(Vietnam time)", "Withheld"} {
		if !strings.Contains(body, w) {
			t.Errorf("HTML lacks %q", w)
		}
	}
	// the print view's row of c2: its scores' means, as Vietnamese writes them
	vi := string(e.must(200, "GET", "/api/v1/rounds/"+rid+"/tally?format=html", e.admin, nil).Body)
	c2Cells := regexp.MustCompile(`<td>Chi bộ thôn Hai</td><td class="n">4</td>((?:<td class="n">[^<]*</td>){5})`).FindStringSubmatch(vi)
	if !strings.Contains(vi, "<th colspan=\"5\">Điểm trung bình</th>") || c2Cells == nil ||
		c2Cells[1] != `<td class="n">17,00</td><td class="n">18,00</td><td class="n">9,00</td><td class="n">35,00</td><td class="n">8,00</td>` {
		t.Errorf("the print view's means of c2: %q", c2Cells)
	}
	if strings.Contains(body, "<script") || !strings.Contains(h.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Error("the printable HTML may run script")
	}
}
