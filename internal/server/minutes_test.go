package server_test

import (
	"strings"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/seal"
)

func TestCountMinutes(t *testing.T) {
	t.Parallel()
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
	// in English, counts that may be one read without a plural
	en := string(e.must(200, "GET", "/api/v1/rounds/"+rid+"/minutes?unit=p&lang=en", e.admin, nil).Body)
	for _, w := range []string{"Ballots counted: 10; targets that had codes: 3.", "Targets with fewer than 3 ballots, whose figures are withheld: 1."} {
		if !strings.Contains(en, w) {
			t.Errorf("the English minutes lack %q", w)
		}
	}
	// an authority only for its subtree
	a := e.user("chi-bo", auth.Authority, "c2")
	if r := e.do("GET", "/api/v1/rounds/"+rid+"/minutes?unit=c1", a, nil); r.Status != 403 {
		t.Fatalf("another subtree: %d", r.Status)
	}
}

// TestMinutesCountEachCodeOnceAndBallotsPerTarget: a code for d1 and c1
// together is one code and two ballots; the minutes say so, agree with the
// round's turnout, list only targets that had codes, and print forms by
// title.
func TestMinutesCountEachCodeOnceAndBallotsPerTarget(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	kp, _ := seal.GenerateKeyPair()
	e.must(200, "PUT", "/api/v1/rounds/"+rid+"/key", e.admin, map[string]string{"public_key": kp.Public})
	batch := func(n int, targets ...string) []any {
		return e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches", e.admin, map[string]any{"targets": targets, "count": n}).JSON["codes"].([]any)
	}
	alone, shared := batch(5, "c1"), batch(4, "d1", "c1")
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil)
	for _, c := range alone[:4] {
		e.must(201, "POST", "/api/v1/ballots", "", submission(c.(string), newSID(), []string{"c1"}, ""))
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/codes/revoke", e.admin, map[string]string{"code": alone[4].(string)})
	for _, c := range shared[:3] {
		e.must(201, "POST", "/api/v1/ballots", "", submission(c.(string), newSID(), []string{"d1", "c1"}, ""))
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/count", e.admin, map[string]string{"private_key": kp.Private})

	turnout := e.must(200, "GET", "/api/v1/rounds/"+rid+"/turnout", e.admin, nil).JSON
	m := e.must(200, "GET", "/api/v1/rounds/"+rid+"/minutes?format=json", e.admin, nil).JSON
	codes := m["codes"].(map[string]any)
	if codes["issued"] != turnout["issued"] || codes["used"] != turnout["used"] || codes["revoked"] != turnout["revoked"] {
		t.Fatalf("minutes' codes %v, the round's turnout %v", codes, turnout)
	}
	if codes["issued"] != 9.0 || codes["used"] != 7.0 || codes["revoked"] != 1.0 || codes["unused"] != 1.0 || m["shared_codes"] != 4.0 {
		t.Fatalf("codes %v, shared %v", codes, m["shared_codes"])
	}
	// ballots add up per target: 4 + 3 for c1, 3 for d1
	if m["ballots"] != 10.0 || m["without_codes"] != 1.0 {
		t.Fatalf("ballots %v, without codes %v", m["ballots"], m["without_codes"])
	}
	rows := m["targets"].([]any)
	var listed []string
	used := 0.0
	for _, x := range rows {
		r := x.(map[string]any)
		listed = append(listed, r["id"].(string))
		used += r["used"].(float64)
	}
	if strings.Join(listed, ",") != "d1,c1" {
		t.Fatalf("listed %v: only targets with codes, in the tree's order", listed)
	}
	if used == codes["used"] {
		t.Fatal("the test needs a shared code, counted on two rows")
	}
	h := string(e.must(200, "GET", "/api/v1/rounds/"+rid+"/minutes", e.admin, nil).Body)
	for _, want := range []string{"Số mã phiếu phát ra:</td><td class=\"n\">9", "Số mã phiếu đã dùng:</td><td class=\"n\">7", "Trong đó có 4 mã phiếu dùng chung",
		"Tổng số phiếu kiểm: 10 phiếu", "Phiếu phân tích chất lượng tập thể lãnh đạo, quản lý", "Cộng số phiếu kiểm (2 đối tượng)"} {
		if !strings.Contains(h, want) {
			t.Errorf("the minutes lack %q", want)
		}
	}
	if strings.Contains(h, "Chi bộ thôn Hai") || strings.Contains(h, ">to-chuc-co-so-dang<") {
		t.Error("the minutes list a target without codes, or a form by its id")
	}
	// one target alone: the codes that cover it
	one := e.must(200, "GET", "/api/v1/rounds/"+rid+"/minutes?format=json&unit=d1&scope=unit", e.admin, nil).JSON
	if c := one["codes"].(map[string]any); c["issued"] != 4.0 || c["used"] != 3.0 || len(one["targets"].([]any)) != 1 {
		t.Fatalf("d1 alone: %v", one)
	}
	if r := e.do("GET", "/api/v1/rounds/"+rid+"/minutes?unit=p&scope=unit", e.admin, nil); r.Status != 400 {
		t.Fatalf("p alone (not a target): %d", r.Status)
	}
}
