package server_test

import (
	"net/url"
	"strings"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/seal"
)

// twoDistricts is a province of two districts: d1 (a target itself, with
// c1 and c2 below) and d2 (with c3).
var twoDistricts = []map[string]string{
	{"id": "p", "name": "Đảng bộ tỉnh", "kind": "province"},
	{"id": "d1", "name": "Đảng bộ huyện Một", "parent": "p", "kind": "district", "group": "huyen", "form": "tap-the-lanh-dao"},
	{"id": "d2", "name": "Đảng bộ huyện Hai", "parent": "p", "kind": "district", "group": "huyen", "form": "tap-the-lanh-dao"},
	{"id": "c1", "name": "Đảng bộ xã Một", "parent": "d1", "kind": "grassroots", "group": "xa", "form": "to-chuc-co-so-dang"},
	{"id": "c2", "name": "Đảng bộ xã Hai", "parent": "d1", "kind": "grassroots", "group": "xa", "form": "diem-100"},
	{"id": "c3", "name": "Đảng bộ xã Ba", "parent": "d2", "kind": "grassroots", "group": "xa", "form": "to-chuc-co-so-dang"},
}

// openTwoDistricts opens a round over twoDistricts with batches of 10 codes
// for c1, 5 for c2, 7 for c3, 4 for d1 and 3 rating d1 and c1 together,
// and votes with 4 of c1's codes, 2 of d1's and 1 of the joint ones.
func (e *env) openTwoDistricts() string {
	e.t.Helper()
	r := e.must(201, "POST", "/api/v1/rounds", e.admin, map[string]any{"title": "Hai huyện", "year": 2026})
	rid := r.JSON["id"].(string)
	for _, tpl := range []string{"to-chuc-co-so-dang", "tap-the-lanh-dao", "diem-100"} {
		e.must(201, "POST", "/api/v1/rounds/"+rid+"/forms", e.admin, map[string]string{"template": tpl})
	}
	e.must(201, "POST", "/api/v1/rounds/"+rid+"/units", e.admin, twoDistricts)
	kp, _ := seal.GenerateKeyPair()
	e.must(200, "PUT", "/api/v1/rounds/"+rid+"/key", e.admin, map[string]string{"public_key": kp.Public})
	batch := func(n int, targets ...string) []string {
		var out []string
		for _, c := range e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches", e.admin, map[string]any{"targets": targets, "count": n}).JSON["codes"].([]any) {
			out = append(out, c.(string))
		}
		return out
	}
	c1, _, _, d1, both := batch(10, "c1"), batch(5, "c2"), batch(7, "c3"), batch(4, "d1"), batch(3, "d1", "c1")
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil)
	vote := func(code string, targets ...string) {
		e.must(201, "POST", "/api/v1/ballots", "", submission(code, newSID(), targets, ""))
	}
	for _, c := range c1[:4] {
		vote(c, "c1")
	}
	vote(d1[0], "d1")
	vote(d1[1], "d1")
	vote(both[0], "d1", "c1")
	return rid
}

func TestTurnoutIsScopedToAnAuthoritysSubtreeOnEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.openTwoDistricts()
	r := "/api/v1/rounds/" + rid
	tok := e.user("huyen-mot", auth.Authority, "d1")
	session, _ := e.ready("huyen-mot")

	all := e.must(200, "GET", r+"/turnout", e.admin, nil).JSON
	if all["issued"] != 29.0 || all["used"] != 7.0 || len(all["targets"].([]any)) != 5 {
		t.Fatalf("the admin's turnout: %v", all)
	}
	// the authority of d1: the targets below d1, and each code once
	mine := e.must(200, "GET", r+"/turnout", tok, nil).JSON
	var ids []string
	for _, x := range mine["targets"].([]any) {
		ids = append(ids, x.(map[string]any)["id"].(string))
	}
	if strings.Join(ids, " ") != "c1 c2" || mine["issued"] != 18.0 || mine["used"] != 5.0 {
		t.Fatalf("the authority of d1 sees %v: %v", ids, mine)
	}
	for _, other := range []string{"d2", "c3", "p"} {
		if res := e.do("GET", r+"/turnout?unit="+other, tok, nil); res.Status != 403 {
			t.Fatalf("turnout of %s for the authority of d1: %d", other, res.Status)
		}
		if res := e.page("GET", "/console/rounds/"+rid+"/turnout?unit="+other, session, nil); res.Status != 403 {
			t.Fatalf("the console's turnout of %s for the authority of d1: %d", other, res.Status)
		}
		if res := e.page("GET", "/console/rounds/"+rid+"/turnout.json?unit="+other, session, nil); res.Status != 403 {
			t.Fatalf("turnout.json of %s for the authority of d1: %d", other, res.Status)
		}
	}
	for _, path := range []string{"/turnout", "/turnout.json", "/codes", "/units.json?q=xa"} {
		res := e.page("GET", "/console/rounds/"+rid+path, session, nil)
		if strings.Contains(string(res.Body), "Đảng bộ xã Ba") || strings.Contains(string(res.Body), `"c3"`) {
			t.Fatalf("%s shows d2's target to the authority of d1: %d %s", path, res.Status, res.Body)
		}
	}
	if j := e.page("GET", "/console/rounds/"+rid+"/turnout.json", session, nil).JSON; j["issued"] != 18.0 || len(j["units"].([]any)) != 2 {
		t.Fatalf("turnout.json for the authority of d1: %v", j)
	}
}

func TestTurnoutDrillsDownTheTreeCountingEachCodeOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.openTwoDistricts()
	session, _ := e.ready("admin")
	cr := "/console/rounds/" + rid
	// the province: a row per district, each code once in its subtree
	top := string(e.page("GET", cr+"/turnout", session, nil).Body)
	for _, want := range []string{
		`<b id="t-used">7</b> / <b id="t-issued">29</b>`, "(<span id=\"t-share\">24,14%</span>)",
		`href="/console/rounds/` + rid + `/turnout?lang=vi&amp;unit=d1">Đảng bộ huyện Một</a>`,
		// d1's subtree: c1 10 + c2 5 + d1 4 + the joint 3 = 22 codes, 7 used
		`<td class="n">3</td><td class="n issued">22</td><td class="n used">7</td>`,
		`<td class="n">2</td><td class="n issued">7</td><td class="n used">0</td>`,
		`id="t-live" hidden>(tự cập nhật)`,
	} {
		if !strings.Contains(top, want) {
			t.Fatalf("the province's turnout lacks %q:\n%s", want, top)
		}
	}
	// d1: its own codes first, then its two grassroots; c1 counts the joint codes
	d1 := string(e.page("GET", cr+"/turnout?unit=d1", session, nil).Body)
	for _, want := range []string{
		`<b id="t-used">5</b> / <b id="t-issued">18</b>`,
		`Đảng bộ huyện Một <small>(chính đơn vị này)</small></th><td class="n"></td><td class="n">7</td><td class="n">3</td>`,
		`<th scope="row">Đảng bộ xã Một</th>`, `<td class="n issued">13</td><td class="n used">5</td>`,
		`<td class="n issued">5</td><td class="n used">0</td>`,
	} {
		if !strings.Contains(d1, want) {
			t.Fatalf("d1's turnout lacks %q:\n%s", want, d1)
		}
	}
	if strings.Contains(d1, "Đảng bộ xã Ba") {
		t.Fatal("d1's turnout lists d2's target")
	}
	// a search without script: a plain GET, marks left out
	found := string(e.page("GET", cr+"/turnout?q=xa+mot", session, nil).Body)
	if !strings.Contains(found, `unit=c1">Đảng bộ xã Một</a>`) || strings.Contains(found, `unit=c3">`) {
		t.Fatalf("search: %s", found)
	}
	// a closed round does not say it updates itself
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	if closed := string(e.page("GET", cr+"/turnout", session, nil).Body); strings.Contains(closed, "tự cập nhật") || strings.Contains(closed, "data-src") {
		t.Fatal("a closed round's turnout says it updates itself")
	}
}

func TestConsoleUnitSearchFindsByNameOrIDWithoutMarks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.openTwoDistricts()
	session, _ := e.ready("admin")
	get := func(q, find string) map[string]any {
		return e.page("GET", "/console/rounds/"+rid+"/units.json?"+url.Values{"q": {q}, "find": {find}, "lang": {"en"}}.Encode(), session, nil).JSON
	}
	if r := get("XA mot", ""); r["total"] != 1.0 || r["units"].([]any)[0].(map[string]any)["id"] != "c1" || r["said"] != "1 of 1 units found" {
		t.Fatalf("by name without marks: %v", r)
	}
	if r := get("d2", ""); r["total"] != 1.0 || r["units"].([]any)[0].(map[string]any)["parent"] != "Đảng bộ tỉnh" {
		t.Fatalf("by id: %v", r)
	}
	if r := get("đảng bộ", "deciding"); r["total"] != 3.0 {
		t.Fatalf("deciding units: %v", r)
	}
	if r := get("nothing like it", ""); r["total"] != 0.0 || r["said"] != "No unit found." {
		t.Fatalf("no hit: %v", r)
	}
}
