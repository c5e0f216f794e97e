package server_test

import (
	"strings"
	"testing"

	"ballot/internal/auth"
)

func TestCountMinutes(t *testing.T) {
	e := newEnv(t)
	rid := e.countedRound() // c1: 5 of 5, c2: 4 of 4, d1: 1 of 1 (withheld)
	head := e.must(200, "GET", "/api/v1/audit", e.admin, nil).JSON["head"].(string)
	m := e.must(200, "GET", "/api/v1/rounds/"+rid+"/minutes?format=json&unit=p", e.admin, nil).JSON
	if m["audit_head"] != head {
		t.Fatalf("audit head %v, log head %v", m["audit_head"], head)
	}
	rows := map[string]map[string]any{}
	for _, x := range m["targets"].([]any) {
		r := x.(map[string]any)
		rows[r["id"].(string)] = r
	}
	for id, want := range map[string][3]float64{"c1": {5, 5, 5}, "c2": {4, 4, 4}, "d1": {1, 1, 1}} {
		r := rows[id]
		if r["issued"] != want[0] || r["used"] != want[1] || r["ballots"] != want[2] {
			t.Fatalf("%s: %v", id, r)
		}
	}
	if rows["d1"]["withheld"] != true || rows["c1"]["withheld"] != false {
		t.Fatal("withheld marks")
	}
	// one target alone, printable
	h := e.must(200, "GET", "/api/v1/rounds/"+rid+"/minutes?unit=c1", e.admin, nil)
	body := string(h.Body)
	for _, w := range []string{"BIÊN BẢN KIỂM PHIẾU", "Chi bộ thôn Một", "TRƯỞNG BAN KIỂM PHIẾU", head, "@page{size:A4"} {
		if !strings.Contains(body, w) {
			t.Errorf("minutes lack %q", w)
		}
	}
	if strings.Contains(body, "Chi bộ thôn Hai") {
		t.Error("the minutes of c1 list c2")
	}
	// an authority only for its subtree
	a := e.user("chi-bo", auth.Authority, "c2")
	if r := e.do("GET", "/api/v1/rounds/"+rid+"/minutes?unit=c1", a, nil); r.Status != 403 {
		t.Fatalf("another subtree: %d", r.Status)
	}
}
