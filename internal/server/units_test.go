package server_test

import (
	"fmt"
	"strings"
	"testing"

	"ballot/internal/demo"
)

// thousandUnitsCSV is a tree of 1,000 units: a root, 9 districts and 990
// grassroots targets. bad(line) may rewrite one line (1 is the header).
func thousandUnitsCSV(bad func(line int, row string) string) string {
	var b strings.Builder
	b.WriteString("id,name,parent,kind,group,form\n")
	rows := []string{"p,Tỉnh ủy,,province,,"}
	for d := 1; d <= 9; d++ {
		rows = append(rows, fmt.Sprintf("d%d,Huyện ủy %d,p,district,huyen,", d, d))
	}
	for c := 1; len(rows) < 1000; c++ {
		rows = append(rows, fmt.Sprintf("c%04d,Chi bộ %d,d%d,grassroots,xa,to-chuc-co-so-dang", c, c, c%9+1))
	}
	for i, r := range rows {
		if bad != nil {
			r = bad(i+2, r)
		}
		b.WriteString(r + "\n")
	}
	return b.String()
}

func TestUnitImportWithOneBadRowStoresNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, field string
		line        int
		rewrite     func(string) string
	}{
		{"UnknownParent", "parent", 537, func(r string) string { return strings.Replace(r, ",d", ",zz", 1) }},
		{"UnknownForm", "form", 800, func(r string) string { return strings.Replace(r, "to-chuc-co-so-dang", "mau-la", 1) }},
		{"MissingName", "name", 12, func(r string) string { p := strings.Split(r, ","); p[1] = ""; return strings.Join(p, ",") }},
		{"DuplicateID", "id", 1001, func(r string) string { return "c0001" + r[5:] }},
		{"BadID", "id", 300, func(r string) string { return "c 1" + r[5:] }},
		{"Cycle", "parent", 2, func(r string) string { return strings.Replace(r, ",,", ",c0001,", 1) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			rid := e.draftRound() // has the 4-unit small tree
			body := thousandUnitsCSV(func(line int, row string) string {
				if line == c.line {
					return c.rewrite(row)
				}
				return row
			})
			r := e.do("POST", "/api/v1/rounds/"+rid+"/units", e.admin, body, "Content-Type", "text/csv; charset=utf-8", "Accept-Language", "en")
			if r.Status != 400 || r.ErrCode() != "invalid" {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			msg := r.ErrMessage()
			if !strings.Contains(msg, fmt.Sprintf("Row %d", c.line)) || !strings.Contains(msg, "Field "+c.field) {
				t.Fatalf("message does not name row %d and field %s: %s", c.line, c.field, msg)
			}
			units := e.must(200, "GET", "/api/v1/rounds/"+rid+"/units", e.admin, nil).JSON["units"].([]any)
			if len(units) != len(smallTree) {
				t.Fatalf("a refused import changed the units: %d", len(units))
			}
		})
	}
}

func TestSecondImportInDraftReplacesTheFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	e.must(201, "POST", "/api/v1/rounds/"+rid+"/units", e.admin, thousandUnitsCSV(nil), "Content-Type", "text/csv")
	if n := len(e.must(200, "GET", "/api/v1/rounds/"+rid+"/units", e.admin, nil).JSON["units"].([]any)); n != 1000 {
		t.Fatalf("after the first import: %d units", n)
	}
	r := e.must(201, "POST", "/api/v1/rounds/"+rid+"/units", e.admin, smallTree)
	if r.JSON["imported"] != 4.0 {
		t.Fatalf("imported: %s", r.Body)
	}
	units := e.must(200, "GET", "/api/v1/rounds/"+rid+"/units", e.admin, nil).JSON["units"].([]any)
	if len(units) != 4 {
		t.Fatalf("after the second import: %d units, want 4", len(units))
	}
	e.must(404, "GET", "/api/v1/rounds/nope/units", e.admin, nil)
}

func TestProvinceFixtureImports(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	// with a BOM, as Excel saves it
	body := append([]byte("\xef\xbb\xbf"), demo.ProvinceCSV...)
	r := e.must(201, "POST", "/api/v1/rounds/"+rid+"/units", e.admin, body, "Content-Type", "text/csv")
	if r.JSON["imported"] != 979.0 {
		t.Fatalf("imported: %s", r.Body)
	}
}

func TestUnitJSONErrorsNameTheItem(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	units := append([]map[string]string{}, smallTree...)
	units = append(units, map[string]string{"id": "c9", "name": "x", "parent": "d1", "kind": "grassroots"})
	units = append(units, map[string]string{"id": "c10", "name": "x", "kind": "grassroots", "form": "diem-100"})
	r := e.do("POST", "/api/v1/rounds/"+rid+"/units", e.admin, units, "Accept-Language", "en")
	if r.Status != 400 || !strings.Contains(r.ErrMessage(), "Item 6") || !strings.Contains(r.ErrMessage(), "parent") {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	r = e.do("POST", "/api/v1/rounds/"+rid+"/units", e.admin, `[{"id": "x", "name": "x", "kind": "k", "colour": "red"}]`, "Accept-Language", "en")
	if r.Status != 400 || !strings.Contains(r.ErrMessage(), "colour") {
		t.Fatalf("unknown field: %d %s", r.Status, r.Body)
	}
	r = e.do("POST", "/api/v1/rounds/"+rid+"/units", e.admin, "id,name,kind,colour\nx,y,z,w\n", "Content-Type", "text/csv", "Accept-Language", "en")
	if r.Status != 400 || !strings.Contains(r.ErrMessage(), "colour") {
		t.Fatalf("unknown column: %d %s", r.Status, r.Body)
	}
}

// TestMalformedCSVIsRefusedNotFatal: a CSV whose syntax breaks (found by
// fuzzing) once panicked inside the parser.
func TestMalformedCSVIsRefusedNotFatal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	for _, body := range []string{"id,name,kind\n\"x,y,z\n", "id,name,kind\nx,\"y\"z,k\n"} {
		r := e.do("POST", "/api/v1/rounds/"+rid+"/units", e.admin, body, "Content-Type", "text/csv", "Accept-Language", "en")
		if r.Status != 400 || !strings.Contains(r.ErrMessage(), "CSV syntax") {
			t.Fatalf("%q: %d %s", body, r.Status, r.Body)
		}
	}
	e.must(200, "GET", "/healthz", "", nil)
}
