package server_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ballot/internal/auth"
	"ballot/internal/seal"
)

// Names a spreadsheet would take for formulas (CSV injection): unit names,
// a form's title, question texts and option labels, a batch label.
var formulas = []string{
	`=HYPERLINK("http://evil.example/","Bấm vào đây")`,
	`+cmd|' /C calc'!A0`,
	`-2+3+cmd|' /C calc'!A0`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
	"\t=1+1",
	"\r=1+1",
	`=<img src=x onerror=alert(1)>`,
}

// TestExportsNeutraliseFormulas feeds such names through every export:
// every CSV text cell starting with =, +, -, @, a tab or a carriage return
// gets a leading apostrophe (OWASP), while numbers keep their sign; the
// workbooks hold them as text cells, never formulas; the printed HTML
// holds them as escaped text.
func TestExportsNeutraliseFormulas(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.must(201, "POST", "/api/v1/rounds", e.admin, map[string]any{"title": "Đánh giá năm 2026", "year": 2026})
	rid := r.JSON["id"].(string)
	form := map[string]any{"id": "f", "title": formulas[0], "questions": []any{
		map[string]any{"id": "q1", "type": "choice", "text": formulas[1], "required": true,
			"options": []any{map[string]any{"id": "a", "label": formulas[2]}, map[string]any{"id": "b", "label": formulas[3]}}},
		map[string]any{"id": "level", "type": "choice", "text": formulas[4], "option_set": "level4", "required": true},
		map[string]any{"id": "note", "type": "text", "text": formulas[5]},
	}}
	e.must(201, "POST", "/api/v1/rounds/"+rid+"/forms", e.admin, form)
	units := []map[string]string{{"id": "p", "name": formulas[0], "kind": "province"}}
	targets := []string{}
	for i, name := range formulas[1:] {
		id := "t" + strconv.Itoa(i)
		targets = append(targets, id)
		units = append(units, map[string]string{"id": id, "name": name, "parent": "p", "kind": "grassroots", "group": "xa", "form": "f"})
	}
	e.must(201, "POST", "/api/v1/rounds/"+rid+"/units", e.admin, units)
	kp, _ := seal.GenerateKeyPair()
	e.must(200, "PUT", "/api/v1/rounds/"+rid+"/key", e.admin, map[string]string{"public_key": kp.Public})
	b := e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches", e.admin, map[string]any{"targets": targets, "count": 4, "label": formulas[6]})
	codesCSV := e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches/"+b.JSON["id"].(string)+"/codes?format=csv", e.admin, nil).Body
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil)
	for i, c := range b.JSON["codes"].([]any) {
		var ballots []any
		for _, id := range targets {
			ballots = append(ballots, map[string]any{"target": id, "answers": map[string]any{"q1": []string{"a", "b"}[i%2], "level": "htt", "note": formulas[i%len(formulas)]}})
		}
		e.must(201, "POST", "/api/v1/ballots", "", map[string]any{"code": c, "submission_id": newSID(), "ballots": ballots})
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/count", e.admin, map[string]string{"private_key": kp.Private})
	tinh := e.user("tinh", auth.Authority, "p")
	e.must(200, "PUT", "/api/v1/rounds/"+rid+"/ratings/t0", tinh, map[string]string{"level": "htxs"})
	get := func(path string) []byte { return e.must(200, "GET", "/api/v1/rounds/"+rid+path, tinh, nil).Body }

	csvs := map[string][]byte{"codes": codesCSV, "tally": get("/tally?format=csv"), "report": get("/report?format=csv"),
		"quota": get("/report?format=csv&table=quota"), "compare": get("/report?format=csv&table=compare")}
	for name, body := range csvs {
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, rec := range recs {
			for _, field := range rec {
				if field == "" || !strings.ContainsRune("=+-@\t\r", rune(field[0])) {
					continue
				}
				if _, err := strconv.ParseFloat(field, 64); err != nil {
					t.Errorf("%s row %d: %q can become a formula", name, i+1, field)
				}
			}
		}
	}
	neutral := func(body []byte, s string) bool {
		return bytes.Contains(body, []byte("'"+strings.ReplaceAll(s, `"`, `""`)))
	}
	// (unit names are trimmed at import, so the tab and CR ones are form texts)
	for name, want := range map[string][]string{"codes": {formulas[6]}, "tally": formulas, "report": {formulas[1], formulas[2], formulas[3], formulas[6]}} {
		for _, s := range want {
			if !neutral(csvs[name], s) {
				t.Errorf("%s: %q is not there, neutralised", name, s)
			}
		}
	}

	for _, path := range []string{"/tally?format=xlsx", "/report?format=xlsx"} {
		body := get(path)
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		for _, zf := range zr.File {
			if !strings.HasPrefix(zf.Name, "xl/worksheets/") {
				continue
			}
			rc, _ := zf.Open()
			raw, _ := io.ReadAll(rc)
			rc.Close()
			if bytes.Contains(raw, []byte("<f>")) || bytes.Contains(raw, []byte("<f ")) {
				t.Errorf("%s %s holds a formula", path, zf.Name)
			}
		}
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, sheet := range f.GetSheetList() {
			rows, _ := f.GetRows(sheet, excelize.Options{RawCellValue: true})
			for _, r := range rows {
				for _, v := range r {
					seen[v] = true
				}
			}
		}
		for _, s := range formulas[:2] { // kept as they were typed, as text
			if !seen[s] {
				t.Errorf("%s: %q is not a text cell as typed", path, s)
			}
		}
	}

	for _, path := range []string{"/tally?format=html", "/report?format=html", "/minutes"} {
		body := string(get(path))
		if strings.Contains(body, "<img src=x") || !strings.Contains(body, "=&lt;img src=x onerror=alert(1)&gt;") {
			t.Errorf("%s does not escape a unit's name", path)
		}
		if !strings.Contains(body, "&#43;cmd|&#39; /C calc&#39;!A0") {
			t.Errorf("%s lacks a name as text", path)
		}
	}
}
