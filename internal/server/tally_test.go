package server_test

import (
	"strings"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/seal"
)

func TestTallyRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	kp, _ := seal.GenerateKeyPair()
	e.must(200, "PUT", "/api/v1/rounds/"+rid+"/key", e.admin, map[string]string{"public_key": kp.Public})
	c1 := e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches", e.admin, map[string]any{"targets": []string{"c1"}, "count": 5}).JSON["codes"].([]any)
	c2 := e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches", e.admin, map[string]any{"targets": []string{"c2"}, "count": 2}).JSON["codes"].([]any)
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil)
	district := e.user("huyen-uy", auth.Authority, "d1")
	other := e.user("tinh-khac", auth.Authority, "c1")

	for _, c := range c1[:4] {
		e.must(201, "POST", "/api/v1/ballots", "", submission(c.(string), newSID(), []string{"c1"}, "ý kiến"))
	}
	for _, c := range c2 {
		e.must(201, "POST", "/api/v1/ballots", "", submission(c.(string), newSID(), []string{"c2"}, "nhận xét của nhóm nhỏ"))
	}
	// sealed while open and while closed
	if r := e.do("GET", "/api/v1/rounds/"+rid+"/tally", e.admin, nil); r.Status != 409 || r.ErrCode() != "sealed" {
		t.Fatalf("open: %d %s", r.Status, r.Body)
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	if r := e.do("GET", "/api/v1/rounds/"+rid+"/tally", district, nil); r.Status != 409 || r.ErrCode() != "sealed" {
		t.Fatalf("closed: %d %s", r.Status, r.Body)
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/count", e.admin, map[string]string{"private_key": kp.Private})

	full := e.must(200, "GET", "/api/v1/rounds/"+rid+"/tally", e.admin, nil)
	if strings.Contains(string(full.Body), "nhóm nhỏ") {
		t.Fatal("the comments of a withheld target are published")
	}
	v := full.JSON
	if v["round"] != rid || v["form_hashes"].(map[string]any)["to-chuc-co-so-dang"] == nil {
		t.Fatalf("tally: %v", v)
	}
	targets := map[string]map[string]any{}
	for _, x := range v["targets"].([]any) {
		m := x.(map[string]any)
		targets[m["id"].(string)] = m
	}
	tc1 := targets["c1"]
	if tc1["ballots"] != 4.0 || tc1["issued"] != 5.0 || tc1["withheld"] != false || tc1["name"] != "Chi bộ thôn Một" {
		t.Fatalf("c1: %v", tc1)
	}
	q := tc1["questions"].([]any)[0].(map[string]any)
	opts := q["options"].([]any)
	if q["id"] != "c1" || q["answered"] != 4.0 || len(opts) != 4 || opts[1].(map[string]any)["count"] != 4.0 || opts[1].(map[string]any)["percent"] != "100.00" {
		t.Fatalf("c1/c1: %v", q)
	}
	if cm := tc1["comments"].([]any); len(cm) != 4 || cm[0] != "ý kiến" {
		t.Fatalf("c1 comments: %v", tc1["comments"])
	}
	// two ballots: below min_group_size, withheld, counts absent, answered kept
	tc2 := targets["c2"]
	q2 := tc2["questions"].([]any)[0].(map[string]any)
	if tc2["withheld"] != true || tc2["ballots"] != 2.0 || tc2["comments"] != nil || q2["withheld"] != true || q2["answered"] != 2.0 || q2["score"] != nil || q2["options"] != nil {
		t.Fatalf("c2: %v", tc2)
	}
	for _, x := range v["rollups"].([]any) {
		m := x.(map[string]any)
		if m["form"] == "diem-100" && m["withheld"] != true {
			t.Fatalf("a roll-up of only c2 is published: %v", m)
		}
	}
	// an authority sees its subtree by default, and nothing outside it
	dv := e.must(200, "GET", "/api/v1/rounds/"+rid+"/tally", district, nil).JSON
	if dv["unit"] != "d1" || len(dv["targets"].([]any)) != 2 {
		t.Fatalf("district view: %v", dv)
	}
	if r := e.do("GET", "/api/v1/rounds/"+rid+"/tally?unit=p", district, nil); r.Status != 403 || r.ErrCode() != "forbidden" {
		t.Fatalf("above its unit: %d %s", r.Status, r.Body)
	}
	if r := e.do("GET", "/api/v1/rounds/"+rid+"/tally?unit=c2", other, nil); r.Status != 403 {
		t.Fatalf("another subtree: %d %s", r.Status, r.Body)
	}
	e.must(200, "GET", "/api/v1/rounds/"+rid+"/tally?unit=c1", other, nil)
	if r := e.do("GET", "/api/v1/rounds/"+rid+"/tally?unit=zz", e.admin, nil); r.Status != 404 {
		t.Fatalf("unknown unit: %d", r.Status)
	}
	if r := e.do("GET", "/api/v1/rounds/"+rid+"/tally?format=pdf", e.admin, nil); r.Status != 400 {
		t.Fatalf("unknown format: %d", r.Status)
	}
}
