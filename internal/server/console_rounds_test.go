package server_test

import (
	"bytes"
	"mime/multipart"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/seal"
)

// ready signs name in and, if it must, changes its one-time password; it
// returns the session and its CSRF token.
func (e *env) ready(name string) (session, csrf string) {
	e.t.Helper()
	session = e.login(name)
	pw := e.page("GET", "/console/password", session, nil)
	csrf = csrfOf(e.t, pw)
	if strings.Contains(string(pw.Body), "dùng một lần") {
		r := e.page("POST", "/console/password", session, url.Values{"_csrf": {csrf}, "old_password": {e.passwords[name]}, "new_password": {"một câu mật khẩu đủ dài"}})
		if r.Status != 200 {
			e.t.Fatalf("password change: %d", r.Status)
		}
		e.passwords[name] = "một câu mật khẩu đủ dài"
	}
	return session, csrf
}

// upload posts a file in a multipart console form, with more fields as
// name, value pairs.
func (e *env) upload(path, session, csrf, content string, fields ...string) resp {
	e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("_csrf", csrf)
	for i := 0; i+1 < len(fields); i += 2 {
		w.WriteField(fields[i], fields[i+1])
	}
	fw, _ := w.CreateFormFile("file", "units.csv")
	fw.Write([]byte(content))
	w.Close()
	return e.do("POST", path, "", buf.Bytes(), "Cookie", "ballot_session="+session, "Origin", "http://example.com", "Content-Type", w.FormDataContentType())
}

func TestConsoleRunsARoundFromCreationToClose(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	session, csrf := e.ready("admin")
	post := func(path string, v url.Values) resp {
		v.Set("_csrf", csrf)
		return e.page("POST", path, session, v)
	}
	r := post("/console/rounds", url.Values{"title": {"Đánh giá năm 2026"}, "year": {"2026"}})
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/console/rounds/r1?") {
		t.Fatalf("create: %d %v", r.Status, r.Header)
	}
	if p := e.page("GET", "/console/rounds/r1?notice=created", session, nil); !strings.Contains(string(p.Body), "Đã tạo đợt") || !strings.Contains(string(p.Body), "Đang chuẩn bị") {
		t.Fatalf("round page: %s", p.Body)
	}
	if r := post("/console/rounds", url.Values{"title": {""}, "year": {"1990"}}); r.Status != 400 {
		t.Fatalf("bad round: %d", r.Status)
	}
	for _, tpl := range []string{"to-chuc-co-so-dang", "tap-the-lanh-dao"} {
		if r := post("/console/rounds/r1/forms", url.Values{"template": {tpl}}); r.Status != 303 {
			t.Fatalf("add form %s: %d %s", tpl, r.Status, r.Body)
		}
	}
	bad := "id,name,parent,kind,group,form\np,Tỉnh,,province,,\nc1,Chi bộ,p,grassroots,xa,to-chuc-co-so-dang\nc2,Chi bộ hai,zz,grassroots,xa,to-chuc-co-so-dang\n"
	if r := e.upload("/console/rounds/r1/units", session, csrf, bad); r.Status != 400 || !strings.Contains(string(r.Body), "Dòng 4") {
		t.Fatalf("bad units: %d %s", r.Status, r.Body)
	}
	good := strings.Replace(bad, ",zz,", ",p,", 1)
	if r := e.upload("/console/rounds/r1/units", session, csrf, good); r.Status != 303 {
		t.Fatalf("units: %d %s", r.Status, r.Body)
	}
	p := e.page("GET", "/console/rounds/r1", session, nil)
	if !strings.Contains(string(p.Body), "3 đơn vị, trong đó 2 đối tượng đánh giá") || !strings.Contains(string(p.Body), "Phiếu phân tích chất lượng tổ chức cơ sở đảng") {
		t.Fatalf("after import: %s", p.Body)
	}
	// a batch for both targets: made, its slips printed, again while draft, revocable
	bv := url.Values{"unit": {"p"}, "count": {"2"}, "label": {"Chi bộ 1"}, "together": {"yes"}}
	if r := post("/console/rounds/r1/plan", bv); r.Status != 303 {
		t.Fatalf("batch plan: %d %s", r.Status, r.Body)
	}
	if r := e.page("GET", "/console/rounds/r1/slips?unit=p", session, nil); r.Status != 200 || strings.Count(string(r.Body), `class="slip"`) != 2 || !strings.Contains(string(r.Body), "Chi bộ hai") {
		t.Fatalf("batch slips: %d", r.Status)
	}
	if r := e.page("GET", "/console/rounds/r1/batches/b1/slips", session, nil); r.Status != 200 || strings.Count(string(r.Body), `class="slip"`) != 2 {
		t.Fatalf("slips again: %d", r.Status)
	}
	if r := e.page("GET", "/console/rounds/r1/batches/b1/csv", session, nil); r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "csv") {
		t.Fatalf("csv again: %d", r.Status)
	}
	if r := post("/console/rounds/r1/plan", url.Values{"unit": {"p"}, "kind": {"province"}, "count": {"2"}}); r.Status != 400 {
		t.Fatalf("a batch for no target: %d", r.Status)
	}
	if r := post("/console/rounds/r1/batches/b1/revoke", url.Values{}); r.Status != 400 {
		t.Fatalf("revoke without confirming: %d", r.Status)
	}
	if r := post("/console/rounds/r1/batches/b1/revoke", url.Values{"confirm": {"yes"}}); r.Status != 303 {
		t.Fatalf("revoke: %d", r.Status)
	}
	if p := e.page("GET", "/console/rounds/r1/codes", session, nil); !strings.Contains(string(p.Body), `<td class="n">2</td><td class="n">0</td><td class="n">2</td>`) ||
		!strings.Contains(string(p.Body), "Đã thu hồi</b>") || strings.Contains(string(p.Body), "/batches/b1/revoke") {
		t.Fatalf("batch row after revoking: %s", p.Body)
	}
	// opening asks first, then shows the generated private key once
	if c := e.page("GET", "/console/rounds/r1/open", session, nil); c.Status != 200 || !strings.Contains(string(c.Body), `name="confirm"`) {
		t.Fatalf("confirm page: %d", c.Status)
	}
	if r := post("/console/rounds/r1/open", url.Values{}); r.Status != 400 {
		t.Fatalf("open without confirming: %d", r.Status)
	}
	k := post("/console/rounds/r1/open", url.Values{"confirm": {"yes"}})
	if k.Status != 200 || !strings.Contains(string(k.Body), "AGE-SECRET-KEY-1") || !strings.Contains(string(k.Body), "MỘT LẦN") {
		t.Fatalf("open: %d %s", k.Status, k.Body)
	}
	privateKey := regexp.MustCompile(`AGE-SECRET-KEY-1[0-9A-Z]+`).FindString(string(k.Body))
	if p := e.page("GET", "/console/rounds/r1", session, nil); strings.Contains(string(p.Body), "AGE-SECRET-KEY") || !strings.Contains(string(p.Body), "Đang lấy phiếu") {
		t.Fatal("the private key is shown again, or the round is not open")
	}
	tj := e.page("GET", "/console/rounds/r1/turnout.json", session, nil)
	if tj.Status != 200 || tj.JSON["issued"] != 2.0 {
		t.Fatalf("turnout json: %d %s", tj.Status, tj.Body)
	}
	// one row per unit under the province; the batch's codes count once in
	// the total, though they rate both targets
	if u := tj.JSON["units"].([]any); len(u) != 2 || u[0].(map[string]any)["id"] != "c1" || u[1].(map[string]any)["issued"] != 2.0 {
		t.Fatalf("unit turnout: %v", tj.JSON["units"])
	}
	if p := e.page("GET", "/console/rounds/r1/turnout", session, nil); !strings.Contains(string(p.Body), `id="turnout"`) {
		t.Fatal("no turnout table on an open round")
	}
	if r := post("/console/rounds/r1/close", url.Values{"confirm": {"yes"}}); r.Status != 303 {
		t.Fatalf("close: %d", r.Status)
	}
	if p := e.page("GET", "/console/rounds/r1", session, nil); !strings.Contains(string(p.Body), "Đã kết thúc") {
		t.Fatal("not closed")
	}
	// the committee counts from the console; a wrong key counts nothing
	e.user("bkp", auth.Committee, "")
	cs, ccsrf := e.ready("bkp")
	if r := e.page("POST", "/console/rounds/r1/count", cs, url.Values{"_csrf": {ccsrf}, "confirm": {"yes"}, "private_key": {"AGE-SECRET-KEY-1QQQQ"}}); r.Status != 400 {
		t.Fatalf("a wrong key: %d", r.Status)
	}
	if r := e.page("POST", "/console/rounds/r1/count", cs, url.Values{"_csrf": {ccsrf}, "private_key": {privateKey}}); r.Status != 400 || !strings.Contains(string(r.Body), "Ô xác nhận: bắt buộc") {
		t.Fatalf("counting without confirming: %d %s", r.Status, r.Body)
	}
	if r := e.page("POST", "/console/rounds/r1/count", cs, url.Values{"_csrf": {ccsrf}, "confirm": {"yes"}, "private_key": {privateKey}}); r.Status != 303 {
		t.Fatalf("count: %d %s", r.Status, r.Body)
	}
	// an authority sees the round but cannot create one; it downloads files
	e.user("tinh", auth.Authority, "p")
	as, _ := e.ready("tinh")
	x := e.page("GET", "/console/rounds/r1/tally?format=xlsx", as, nil)
	if x.Status != 200 || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("tally download: %d %v", x.Status, x.Header)
	}
	if m := e.page("GET", "/console/rounds/r1/minutes", as, nil); m.Status != 200 || !strings.Contains(string(m.Body), "BIÊN BẢN KIỂM PHIẾU") {
		t.Fatalf("minutes: %d", m.Status)
	}
	if r := e.page("GET", "/console/rounds/r1/count", as, nil); r.Status != 403 {
		t.Fatalf("authority at the count page: %d", r.Status)
	}
	// the authority rates from the console
	tcsrf := csrfOf(t, e.page("GET", "/console", as, nil))
	if rp := e.page("GET", "/console/rounds/r1/ratings", as, nil); rp.Status != 200 || !strings.Contains(string(rp.Body), "ratings?lang=vi&amp;unit=p") {
		t.Fatalf("ratings page: %d %s", rp.Status, rp.Body)
	}
	if rp := e.page("GET", "/console/rounds/r1/ratings?unit=p", as, nil); rp.Status != 200 || !strings.Contains(string(rp.Body), "Chi bộ hai") {
		t.Fatalf("rating sheet: %d", rp.Status)
	}
	rate := func(unit string, v url.Values) resp {
		v.Set("_csrf", tcsrf)
		return e.page("POST", "/console/rounds/r1/ratings/"+unit, as, v)
	}
	if r := rate("p", url.Values{"row": {"c1", "c2"}, "level.c1": {"htxs"}}); r.Status != 303 {
		t.Fatalf("rate: %d %s", r.Status, r.Body)
	}
	if r := rate("p", url.Values{"row": {"c1", "c2"}, "level.c1": {"htt"}, "level.c2": {"not_rated"}}); r.Status != 400 || !strings.Contains(string(r.Body), `<p class="error small" id="e-c2">Lý do: `) {
		t.Fatalf("not rated without a reason: %d %s", r.Status, r.Body)
	}
	if r := e.upload("/console/rounds/r1/ratings", as, tcsrf, "unit,level\nc2,htt\n"); r.Status != 303 {
		t.Fatalf("ratings import: %d %s", r.Status, r.Body)
	}
	if p := e.page("GET", "/console/rounds/r1/ratings?unit=p", as, nil); !strings.Contains(string(p.Body), `value="htxs" selected`) {
		t.Fatalf("after rating: %s", p.Body)
	}
	if p := e.page("GET", "/console/rounds/r1/ratings", as, nil); !strings.Contains(string(p.Body), "2 đã xếp loại") {
		t.Fatalf("after rating: %s", p.Body)
	}
	if r := e.page("POST", "/console/rounds/r1/caps", as, url.Values{"_csrf": {tcsrf}, "quota": {"p|xa"}, "cap_percent": {"30"}}); r.Status != 400 {
		t.Fatalf("cap of 30: %d", r.Status)
	}
	if r := e.page("POST", "/console/rounds/r1/caps", as, url.Values{"_csrf": {tcsrf}, "quota": {"p|xa"}, "cap_percent": {"25"}}); r.Status != 303 {
		t.Fatalf("cap: %d %s", r.Status, r.Body)
	}
	if p := e.page("GET", "/console/rounds/r1/ratings?unit=p", as, nil); !strings.Contains(string(p.Body), `<td class="n">25,00</td>`) {
		t.Fatal("the quota table does not show the new cap")
	}
	if r := e.page("POST", "/console/rounds/r1/final", as, url.Values{"_csrf": {tcsrf}, "confirm": {"yes"}}); r.Status != 303 {
		t.Fatalf("final: %d", r.Status)
	}
	if r := rate("p", url.Values{"row": {"c1"}, "level.c1": {"htt"}}); r.Status != 409 {
		t.Fatalf("after final: %d", r.Status)
	}
	if a := e.page("GET", "/console/audit", session, nil); !strings.Contains(string(a.Body), `<th scope="row">Kiểm phiếu</th>`) || strings.Contains(string(a.Body), "round.count") {
		t.Fatalf("audit page lacks the count, in words")
	}
	if r := e.page("GET", "/console/rounds/new", as, nil); r.Status != 403 {
		t.Fatalf("authority creating: %d", r.Status)
	}
	if r := e.page("GET", "/console/rounds/r1", as, nil); r.Status != 200 || strings.Contains(string(r.Body), "/open") {
		t.Fatalf("authority round page: %d", r.Status)
	}
}

func TestConsoleUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	session, csrf := e.ready("admin")
	post := func(path string, v url.Values) resp {
		v.Set("_csrf", csrf)
		return e.page("POST", path, session, v)
	}
	r := post("/console/users", url.Values{"name": {"huyen-uy"}, "role": {"authority"}, "unit": {"d1"}})
	pw := regexp.MustCompile(`class="mono key">([A-Za-z0-9]{16})<`).FindSubmatch(r.Body)
	if r.Status != 200 || pw == nil {
		t.Fatalf("add user: %d %s", r.Status, r.Body)
	}
	e.passwords["huyen-uy"] = string(pw[1])
	e.login("huyen-uy")
	if r := post("/console/users", url.Values{"name": {"x"}, "role": {"authority"}}); r.Status != 400 {
		t.Fatalf("an authority without a unit: %d", r.Status)
	}
	if r := post("/console/users/huyen-uy/disable", url.Values{}); r.Status != 303 {
		t.Fatalf("disable: %d", r.Status)
	}
	if r := e.form("/console/login", url.Values{"name": {"huyen-uy"}, "password": {string(pw[1])}}); r.Status != 401 {
		t.Fatalf("a disabled user signed in: %d", r.Status)
	}
	post("/console/users/huyen-uy/enable", url.Values{})
	r = post("/console/users/huyen-uy/reset", url.Values{})
	pw2 := regexp.MustCompile(`class="mono key">([A-Za-z0-9]{16})<`).FindSubmatch(r.Body)
	if pw2 == nil || string(pw2[1]) == string(pw[1]) {
		t.Fatal("no new password")
	}
	if r := e.form("/console/login", url.Values{"name": {"huyen-uy"}, "password": {string(pw[1])}}); r.Status != 401 {
		t.Fatal("the old password still works")
	}
	if r := post("/console/users/admin/disable", url.Values{}); r.Status != 409 {
		t.Fatalf("disabling oneself: %d", r.Status)
	}
	if u := e.page("GET", "/console/users", session, nil); strings.Contains(string(u.Body), "argon2") {
		t.Fatal("password hashes on the users page")
	}
}

func TestConsoleKeyAndSchedule(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	session, csrf := e.ready("admin")
	post := func(path string, v url.Values) resp {
		v.Set("_csrf", csrf)
		return e.page("POST", "/console/rounds/"+rid+path, session, v)
	}
	// a schedule without a key is refused, so is a bad key
	if r := post("/schedule", url.Values{"opens_at": {"2026-11-22T08:00"}}); r.Status != 400 || !strings.Contains(string(r.Body), "khóa công khai") {
		t.Fatalf("schedule without key: %d", r.Status)
	}
	if r := post("/key", url.Values{"public_key": {"age1nonsense"}}); r.Status != 400 {
		t.Fatalf("bad key: %d", r.Status)
	}
	kp, _ := seal.GenerateKeyPair()
	if r := post("/key", url.Values{"public_key": {kp.Public}}); r.Status != 303 {
		t.Fatalf("key: %d %s", r.Status, r.Body)
	}
	// t0 is 2026-11-20 08:00 UTC = 15:00 in Vietnam
	if r := post("/schedule", url.Values{"opens_at": {"2026-11-20T14:00"}}); r.Status != 400 {
		t.Fatalf("opening in the past: %d", r.Status)
	}
	if r := post("/schedule", url.Values{"opens_at": {"2026-11-22T08:00"}, "closes_at": {"2026-11-22T17:30"}}); r.Status != 303 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	p := string(e.page("GET", "/console/rounds/"+rid, session, nil).Body)
	for _, want := range []string{kp.Public, "08:00 ngày 22/11/2026", "17:30 ngày 22/11/2026"} {
		if !strings.Contains(p, want) {
			t.Fatalf("round page lacks %q", want)
		}
	}
	g := e.must(200, "GET", "/api/v1/rounds/"+rid, e.admin, nil).JSON
	if g["opens_at"] != "2026-11-22T01:00:00Z" {
		t.Fatalf("opens_at %v", g["opens_at"])
	}
}

func TestConsoleFormUploadAndPreview(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	session, csrf := e.ready("admin")
	uploadForm := func(content string) resp {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("_csrf", csrf)
		fw, _ := w.CreateFormFile("form_file", "form.json")
		fw.Write([]byte(content))
		w.Close()
		return e.do("POST", "/console/rounds/"+rid+"/forms", "", buf.Bytes(), "Cookie", "ballot_session="+session, "Origin", "http://example.com", "Content-Type", w.FormDataContentType())
	}
	bad := uploadForm(`{"id":"rieng","title":"Mẫu riêng","questions":[{"id":"q1","type":"slider","text":"Câu một"}]}`)
	if bad.Status != 400 || !strings.Contains(string(bad.Body), "questions[0].type") {
		t.Fatalf("bad form: %d %s", bad.Status, bad.Body)
	}
	if r := uploadForm(`{"id":"rieng","title":"Mẫu riêng","questions":[{"id":"q1","type":"choice","option_set":"grade4","text":"Câu hỏi riêng của tỉnh","required":true}]}`); r.Status != 303 {
		t.Fatalf("form: %d %s", r.Status, r.Body)
	}
	p := e.page("GET", "/console/rounds/"+rid+"/forms/rieng/preview", session, nil)
	body := string(p.Body)
	if p.Status != 200 || !strings.Contains(body, "Câu hỏi riêng của tỉnh") || !strings.Contains(body, "Xem trước") || strings.Contains(body, "Gửi phiếu") {
		t.Fatalf("preview: %d %s", p.Status, body)
	}
	e.user("tinh", auth.Authority, "p")
	as, _ := e.ready("tinh")
	if r := e.page("GET", "/console/rounds/"+rid+"/forms/to-chuc-co-so-dang/preview", as, nil); r.Status != 200 {
		t.Fatalf("authority preview: %d", r.Status)
	}
}

func TestConsoleChecksAUnitFileBeforeStoringIt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound() // 4 units
	session, csrf := e.ready("admin")
	path := "/console/rounds/" + rid + "/units"
	bad := "id,name,parent,kind,group,form\np,Tỉnh,,province,,\nc1,Chi bộ,zz,grassroots,xa,to-chuc-co-so-dang\n"
	if r := e.upload(path, session, csrf, bad, "action", "check"); r.Status != 400 || !strings.Contains(string(r.Body), "Dòng 3") {
		t.Fatalf("check of a bad file: %d", r.Status)
	}
	good := strings.Replace(bad, ",zz,", ",p,", 1)
	r := e.upload(path, session, csrf, good, "action", "check")
	if r.Status != 200 || !strings.Contains(string(r.Body), "2 đơn vị, 1 đối tượng") || !strings.Contains(string(r.Body), "c1 · Chi bộ · p · grassroots") {
		t.Fatalf("check of a good file: %d %s", r.Status, r.Body)
	}
	if n := len(e.must(200, "GET", "/api/v1/rounds/"+rid+"/units", e.admin, nil).JSON["units"].([]any)); n != 4 {
		t.Fatalf("a check stored units: %d", n)
	}
	if r := e.upload(path, session, csrf, good, "action", "import"); r.Status != 303 {
		t.Fatalf("import: %d", r.Status)
	}
	if n := len(e.must(200, "GET", "/api/v1/rounds/"+rid+"/units", e.admin, nil).JSON["units"].([]any)); n != 2 {
		t.Fatalf("after import: %d", n)
	}
}

func TestConsoleBatchesFromACSV(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	session, csrf := e.ready("admin")
	path := "/console/rounds/" + rid + "/batches.csv"
	if r := e.upload(path, session, csrf, "target,count\nc1,2\nzz,3\n"); r.Status != 400 || !strings.Contains(string(r.Body), "Dòng 3") {
		t.Fatalf("a bad row: %d %s", r.Status, r.Body)
	}
	if bs := e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches", e.admin, nil).JSON["batches"].([]any); len(bs) != 0 {
		t.Fatal("a refused file made batches")
	}
	r := e.upload(path, session, csrf, "\xef\xbb\xbftarget,count,label\nc1,2,Chi bộ 1\nc2,3,Chi bộ 2\n")
	body := string(r.Body)
	if r.Status != 200 || strings.Count(body, "<section>") != 2 || strings.Count(body, `class="slip"`) != 5 ||
		!strings.Contains(body, "<h1>Chi bộ thôn Một</h1>") || !strings.Contains(body, "<h1>Chi bộ thôn Hai</h1>") {
		t.Fatalf("slips: %d %s", r.Status, body)
	}
	if bs := e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches", e.admin, nil).JSON["batches"].([]any); len(bs) != 2 {
		t.Fatalf("%d batches", len(bs))
	}
}
