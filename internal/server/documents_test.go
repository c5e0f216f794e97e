package server_test

import (
	"net/url"
	"strings"
	"testing"

	"ballot/internal/auth"
)

func TestDocumentsSettingsThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	docs := map[string]any{"issuer_parent": "ĐẢNG BỘ TỈNH GIA LAI", "issuer": "BAN THƯỜNG VỤ TỈNH ỦY", "place": "Gia Lai",
		"groups": map[string]string{"xa": "Xã, phường, thị trấn"}}
	r := e.must(201, "POST", "/api/v1/rounds", e.admin, map[string]any{"title": "Đánh giá chất lượng năm 2026", "year": 2026, "documents": docs})
	rid := r.JSON["id"].(string)
	got := func() map[string]any {
		return e.must(200, "GET", "/api/v1/rounds/"+rid, e.admin, nil).JSON["documents"].(map[string]any)
	}
	if d := got(); d["issuer"] != "BAN THƯỜNG VỤ TỈNH ỦY" || d["groups"].(map[string]any)["xa"] != "Xã, phường, thị trấn" {
		t.Fatalf("created with %v", d)
	}
	// a merge patch: members replace, null removes, names merge
	e.must(200, "PATCH", "/api/v1/rounds/"+rid, e.admin, map[string]any{"documents": map[string]any{
		"place": nil, "signer_name": "Nguyễn Văn A", "groups": map[string]any{"coquan": "Cơ quan"}}})
	if d := got(); d["place"] != nil || d["signer_name"] != "Nguyễn Văn A" || len(d["groups"].(map[string]any)) != 2 {
		t.Fatalf("after the patch: %v", d)
	}
	// bad settings are refused whole, naming the field
	res := e.do("PATCH", "/api/v1/rounds/"+rid, e.admin, map[string]any{"title": "Tên khác", "documents": map[string]any{"issuer": "HAI\nDÒNG"}})
	if res.Status != 400 || res.JSON["error"].(map[string]any)["field"] != "documents.issuer" {
		t.Fatalf("a two-line issuer: %d %s", res.Status, res.Body)
	}
	if r := e.must(200, "GET", "/api/v1/rounds/"+rid, e.admin, nil).JSON; r["title"] != "Đánh giá chất lượng năm 2026" || got()["issuer"] != "BAN THƯỜNG VỤ TỈNH ỦY" {
		t.Fatal("a refused patch changed the round")
	}
	// once open only the documents and closes_at may change, and a patch
	// asking more is refused whole
	rid2 := e.roundIn("open")
	e.must(200, "PATCH", "/api/v1/rounds/"+rid2, e.admin, map[string]any{"documents": map[string]any{"place": "Pleiku"}})
	if r := e.do("PATCH", "/api/v1/rounds/"+rid2, e.admin, map[string]any{"title": "x", "documents": map[string]any{"place": "Chư Sê"}}); r.Status != 409 {
		t.Fatalf("title with documents while open: %d", r.Status)
	}
	if d := e.must(200, "GET", "/api/v1/rounds/"+rid2, e.admin, nil).JSON["documents"].(map[string]any); d["place"] != "Pleiku" {
		t.Fatalf("open round's documents: %v", d)
	}
	// after counting, what is set is what the documents print
	rid3 := e.countedRound()
	e.must(200, "PATCH", "/api/v1/rounds/"+rid3, e.admin, map[string]any{"documents": map[string]any{
		"issuer_parent": "ĐẢNG BỘ HUYỆN MỘT", "issuer": "BAN THƯỜNG VỤ HUYỆN ỦY", "place": "Chư Sê",
		"signer_for": "T/M BAN THƯỜNG VỤ", "signer_title": "BÍ THƯ", "signer_name": "Trần Văn Ký", "count_head": "Lê Thị Trưởng",
		"recipients": []string{"Như trên,", "Lưu VP."}}})
	rep := string(e.must(200, "GET", "/api/v1/rounds/"+rid3+"/report?format=html", e.admin, nil).Body)
	for _, want := range []string{"ĐẢNG BỘ HUYỆN MỘT", "BAN THƯỜNG VỤ HUYỆN ỦY", "ĐẢNG CỘNG SẢN VIỆT NAM", "Chư Sê, ngày", "T/M BAN THƯỜNG VỤ", "Trần Văn Ký", "- Lưu VP."} {
		if !strings.Contains(rep, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if m := string(e.must(200, "GET", "/api/v1/rounds/"+rid3+"/minutes", e.admin, nil).Body); !strings.Contains(m, "Lê Thị Trưởng") || !strings.Contains(m, "BAN KIỂM PHIẾU") {
		t.Error("the minutes lack the committee's head")
	}
	audit := string(e.must(200, "GET", "/api/v1/audit", e.admin, nil).Body)
	if strings.Count(audit, `"round.patch"`) < 3 || !strings.Contains(audit, "Trần Văn Ký") {
		t.Error("the changes are not audited")
	}
}

func TestDocumentsPageInTheConsole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.countedRound()
	session, csrf := e.ready("admin")
	path := "/console/rounds/" + rid + "/documents"
	if p := e.page("GET", "/console/rounds/"+rid, session, nil); !strings.Contains(string(p.Body), `href="`+path+`?lang=vi"`) {
		t.Fatal("the round's page does not link to the documents' settings")
	}
	post := func(session string, v url.Values) resp {
		v.Set("_csrf", csrf)
		return e.page("POST", path, session, v)
	}
	form := url.Values{"issuer_parent": {"ĐẢNG BỘ TỈNH GIA LAI"}, "issuer": {"BAN THƯỜNG VỤ TỈNH ỦY"}, "place": {"Gia Lai"},
		"signer_name": {"Nguyễn Văn A"}, "recipients": {"Ban Tổ chức Trung ương,\r\n\r\nLưu VP.\r\n"}, "groups": {"xa: Xã, phường, thị trấn\r\ncoquan = Cơ quan"}}
	if r := post(session, form); r.Status != 303 {
		t.Fatalf("save: %d %s", r.Status, r.Body)
	}
	d := e.must(200, "GET", "/api/v1/rounds/"+rid, e.admin, nil).JSON["documents"].(map[string]any)
	if d["issuer"] != "BAN THƯỜNG VỤ TỈNH ỦY" || len(d["recipients"].([]any)) != 2 || d["groups"].(map[string]any)["coquan"] != "Cơ quan" {
		t.Fatalf("saved %v", d)
	}
	page := string(e.page("GET", path+"?notice=saved", session, nil).Body)
	for _, want := range []string{`value="BAN THƯỜNG VỤ TỈNH ỦY"`, "coquan: Cơ quan", "Đã lưu.", `<button type="submit">`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// a bad line is named, the typed values kept, nothing stored
	form.Set("groups", "xa Xã")
	form.Set("place", "Pleiku")
	r := post(session, form)
	if r.Status != 400 || !strings.Contains(string(r.Body), "dòng 1") || !strings.Contains(string(r.Body), `value="Pleiku"`) {
		t.Fatalf("a bad line: %d", r.Status)
	}
	if d := e.must(200, "GET", "/api/v1/rounds/"+rid, e.admin, nil).JSON["documents"].(map[string]any); d["place"] != "Gia Lai" {
		t.Fatal("a refused form changed the settings")
	}
	// an authority reads them, cannot change them
	e.user("tinh", auth.Authority, "p")
	as, acsrf := e.ready("tinh")
	page = string(e.page("GET", path, as, nil).Body)
	if !strings.Contains(page, "<fieldset disabled>") || strings.Contains(page, `<button type="submit">`) || !strings.Contains(page, "BAN THƯỜNG VỤ TỈNH ỦY") {
		t.Error("the authority's page is not read-only")
	}
	form.Set("_csrf", acsrf)
	if r := e.page("POST", path, as, form); r.Status != 403 {
		t.Fatalf("an authority's change: %d", r.Status)
	}
}
