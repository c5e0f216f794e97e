package server_test

import (
	"net/url"
	"strings"
	"testing"

	"ballot/internal/auth"
)

func TestARatingSheetShowsWhatTheBallotsSayBesideEachTarget(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.countedRound() // c1: 5 ballots, c2 (diem-100): 4, d1: 1
	e.user("tinh", auth.Authority, "p")
	session, _ := e.ready("tinh")
	sheet := string(e.page("GET", "/console/rounds/"+rid+"/ratings?unit=d1", session, nil).Body)
	for _, want := range []string{
		"Xếp loại các đối tượng thuộc Đảng bộ huyện Một",
		// c1: 5 ballots of 5 codes, every one proposing htt
		`<td class="n">5 / 5</td>`, `<td class="n">5<br><small>100,00%</small></td>`,
		// c2: diem-100, 17+18+9+35+8 = 87 on every ballot: htt by its band
		`<td class="n">4 / 4</td>`, `87,00<br><small>Hoàn thành tốt nhiệm vụ</small>`,
		// groups by name; the level picker by name
		"c1 · Xã, phường, thị trấn", `<option value="htxs">Hoàn thành xuất sắc nhiệm vụ</option>`,
		`<label class="visually-hidden" for="l-c1">Mức xếp loại của Chi bộ thôn Một</label>`,
	} {
		if !strings.Contains(sheet, want) {
			t.Fatalf("the sheet lacks %q:\n%s", want, sheet)
		}
	}
	if strings.Contains(sheet, ">xa<") || strings.Contains(sheet, "coquan") {
		t.Fatal("the sheet shows a raw group id")
	}
	// d1 has one ballot: withheld, said so
	top := string(e.page("GET", "/console/rounds/"+rid+"/ratings?unit=p", session, nil).Body)
	if !strings.Contains(top, `<td class="n">1 / 1<br><small class="withheld">không công bố</small></td>`) || !strings.Contains(top, "không công bố (dưới 3 phiếu)") {
		t.Fatalf("a withheld target: %s", top)
	}
	// a target found by a search opens its deciding unit's sheet at its row
	if r := e.page("GET", "/console/rounds/"+rid+"/ratings?unit=c2", session, nil); r.Status != 303 || !strings.HasSuffix(r.Header.Get("Location"), "unit=d1&focus=c2#t-c2") {
		t.Fatalf("a target's sheet: %d %v", r.Status, r.Header)
	}
	if r := e.page("GET", "/console/rounds/"+rid+"/ratings?unit=d1&focus=c2", session, nil); !strings.Contains(string(r.Body), `<tr id="t-c2" data-group="xa" class="focus">`) {
		t.Fatal("the row of the target searched for is not marked")
	}
}

func TestARatingSheetIsSavedInOneSubmissionAllOrNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.countedRound()
	e.user("tinh", auth.Authority, "p")
	session, csrf := e.ready("tinh")
	save := func(v url.Values) resp {
		v.Set("_csrf", csrf)
		v["row"] = []string{"c1", "c2"}
		return e.page("POST", "/console/rounds/"+rid+"/ratings/d1", session, v)
	}
	ratings := func() map[string]any {
		return e.must(200, "GET", "/api/v1/rounds/"+rid+"/report?unit=p", e.admin, nil).JSON
	}
	entries := func() int { return len(e.must(200, "GET", "/api/v1/audit", e.admin, nil).JSON["entries"].([]any)) }
	// a bad row stores nothing, and is named by its target
	before := entries()
	r := save(url.Values{"decision": {"45-QĐ/HU"}, "date": {"05/12/2026"}, "level.c1": {"htxs"}, "level.c2": {"not_rated"}})
	body := string(r.Body)
	if r.Status != 400 || !strings.Contains(body, "<li>Chi bộ thôn Hai: Lý do: ") || !strings.Contains(body, `<option value="htxs" selected>`) || !strings.Contains(body, `value="45-QĐ/HU"`) {
		t.Fatalf("a bad row: %d %s", r.Status, body)
	}
	if ratings()["rated"] != 0.0 || entries() != before {
		t.Fatal("a refused sheet stored something")
	}
	// a good one: both targets, the decision recorded on both, one entry
	r = save(url.Values{"decision": {"45-QĐ/HU"}, "date": {"05/12/2026"}, "level.c1": {"htxs"}, "level.c2": {"not_rated"}, "reason.c2": {"Đang sáp nhập"}})
	if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "unit=d1&notice=saved") {
		t.Fatalf("save: %d %s", r.Status, r.Body)
	}
	rep := ratings()
	if rep["total"] != 3.0 || rep["rated"] != 1.0 || rep["not_rated"] != 2.0 || entries() != before+1 {
		t.Fatalf("after the save: %v, %d audit entries", rep, entries()-before)
	}
	sheet := string(e.page("GET", "/console/rounds/"+rid+"/ratings?unit=d1", session, nil).Body)
	if !strings.Contains(sheet, `value="45-QĐ/HU"`) || !strings.Contains(sheet, `value="2026-12-05"`) || !strings.Contains(sheet, `value="Đang sáp nhập"`) {
		t.Fatalf("the sheet does not show what was saved: %s", sheet)
	}
	// quota status after saving: 1 excellent of 1 good-or-better is over 20%
	if !strings.Contains(sheet, `<tr data-group="xa" data-cap="2000">`) || !strings.Contains(sheet, `<td class="n q-exc">1</td><td class="n q-good">1</td><td class="n q-pct">100,00</td>`) ||
		!strings.Contains(sheet, `<b class="error">Vượt</b>`) {
		t.Fatalf("the quota after saving: %s", sheet)
	}
	// saving the same again changes nothing and says so
	r = save(url.Values{"decision": {"45-QĐ/HU"}, "date": {"2026-12-05"}, "level.c1": {"htxs"}, "level.c2": {"not_rated"}, "reason.c2": {"Đang sáp nhập"}})
	if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "notice=unchanged") || entries() != before+1 {
		t.Fatalf("an unchanged sheet: %d %v", r.Status, r.Header)
	}
	// a target of another sheet cannot be slipped in
	v := url.Values{"_csrf": {csrf}, "row": {"d1"}, "level.d1": {"htt"}}
	if r := e.page("POST", "/console/rounds/"+rid+"/ratings/d1", session, v); r.Status != 400 {
		t.Fatalf("a row of another sheet: %d", r.Status)
	}
	// the list of sheets says how far each has come
	list := string(e.page("GET", "/console/rounds/"+rid+"/ratings", session, nil).Body)
	if !strings.Contains(list, `unit=d1">Đảng bộ huyện Một</a></th>
<td class="n">2</td><td class="n">1</td><td class="n">1</td><td class="n">0</td>`) || !strings.Contains(list, "1 nhóm vượt tỷ lệ") {
		t.Fatalf("the list of sheets: %s", list)
	}
}

func TestAnAuthoritySeesOnlyTheSheetsOfItsSubtree(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.countedRound()
	e.user("huyen", auth.Authority, "d1")
	session, csrf := e.ready("huyen")
	list := string(e.page("GET", "/console/rounds/"+rid+"/ratings", session, nil).Body)
	if !strings.Contains(list, `unit=d1">Đảng bộ huyện Một</a>`) || strings.Contains(list, `unit=p"`) {
		t.Fatalf("the district's sheets: %s", list)
	}
	if r := e.page("GET", "/console/rounds/"+rid+"/ratings?unit=p", session, nil); r.Status != 403 {
		t.Fatalf("the province's sheet for a district: %d", r.Status)
	}
	v := url.Values{"_csrf": {csrf}, "row": {"d1"}, "level.d1": {"htxs"}}
	if r := e.page("POST", "/console/rounds/"+rid+"/ratings/p", session, v); r.Status != 403 {
		t.Fatalf("a district rating itself: %d", r.Status)
	}
}
