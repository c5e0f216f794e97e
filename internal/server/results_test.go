package server_test

import (
	"bytes"
	"log/slog"
	"mime/multipart"
	"strings"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/result"
	"ballot/internal/server"
)

// resultBody is a multipart body of a result file and its signature.
func resultBody(file, sig []byte, fields ...string) ([]byte, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		w.WriteField(fields[i], fields[i+1])
	}
	fw, _ := w.CreateFormFile("file", "result.json")
	fw.Write(file)
	sw, _ := w.CreateFormFile("signature", "result.json.minisig")
	sw.Write(sig)
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

// TestAChildServerSignsAndAParentServerImports: a child server started
// with a signing key answers its round's signed result (file and
// signature apart, the same bytes twice); a parent server's admin creates
// a parent round, registers the key, imports the file through the API —
// a changed file refused in either language, nothing stored — and the
// console shows the children, imports through its form, and offers only
// what a parent round allows.
func TestAChildServerSignsAndAParentServerImports(t *testing.T) {
	t.Parallel()
	child := newEnv(t)
	rid := child.countedRound()
	secret, public, _ := result.NewSigningKey()
	key, _ := result.ParseSigningKey(secret)
	child.srv = server.New(child.svc, server.Config{Log: slog.New(slog.NewJSONHandler(child.logs, nil)), TrustedProxies: viaHTTPS, PublicURL: publicURL, SigningKey: key})
	tok := child.user("tinh", auth.Authority, "p")
	base := "/api/v1/rounds/" + rid
	if r := child.do("GET", base+"/result", tok, nil); r.Status != 409 || r.ErrCode() != "conflict" {
		t.Fatalf("a result before the report is final: %d %s", r.Status, r.Body)
	}
	for _, u := range []string{"d1", "c1", "c2"} {
		child.must(200, "PUT", base+"/ratings/"+u, tok, map[string]string{"level": "htt"})
	}
	child.must(200, "POST", base+"/report/final", tok, nil)
	file := child.must(200, "GET", base+"/result", tok, nil)
	sig := child.must(200, "GET", base+"/result?part=signature", child.admin, nil)
	again := child.must(200, "GET", base+"/result", child.admin, nil)
	pub, _ := result.ParsePublicKey(public)
	if !bytes.Equal(file.Body, again.Body) || !result.Verify(pub, file.Body, sig.Body) || file.Header.Get("X-Ballot-Sequence") == "" {
		t.Fatalf("the child's result: same bytes %v, verifies %v", bytes.Equal(file.Body, again.Body), result.Verify(pub, file.Body, sig.Body))
	}
	if !strings.Contains(file.Header.Get("Content-Disposition"), "ket-qua-2026-p-") {
		t.Fatalf("file name: %s", file.Header.Get("Content-Disposition"))
	}

	parent := newEnv(t)
	pr := parent.must(201, "POST", "/api/v1/rounds", parent.admin, map[string]any{"title": "Tổng hợp 2026", "year": 2026, "parent": true})
	prid := pr.JSON["id"].(string)
	pbase := "/api/v1/rounds/" + prid
	for _, tpl := range []string{"to-chuc-co-so-dang", "tap-the-lanh-dao", "diem-100"} {
		parent.must(201, "POST", pbase+"/forms", parent.admin, map[string]string{"template": tpl})
	}
	if r := parent.do("POST", pbase+"/units", parent.admin, []map[string]string{{"id": "tw", "name": "TW", "kind": "central"},
		{"id": "p", "name": "Tỉnh", "parent": "tw", "kind": "province", "form": "tap-the-lanh-dao"}}); r.Status != 400 {
		t.Fatalf("a parent round's unit with a form: %d", r.Status)
	}
	parent.must(201, "POST", pbase+"/units", parent.admin, []map[string]string{{"id": "tw", "name": "Trung ương", "kind": "central"},
		{"id": "p", "name": "Đảng bộ tỉnh", "parent": "tw", "kind": "province"}})
	if r := parent.do("PUT", pbase+"/signers/tw", parent.admin, map[string]string{"public_key": public}); r.Status != 400 {
		t.Fatalf("a key for a unit with children: %d %s", r.Status, r.Body)
	}
	parent.must(200, "PUT", pbase+"/signers/p", parent.admin, map[string]string{"public_key": public})
	for _, no := range []string{"/batches", "/count", "/key"} {
		var body any = map[string]any{"targets": []string{"p"}, "count": 1}
		method := "POST"
		if no == "/key" {
			method, body = "PUT", map[string]string{"public_key": "age1qqqq"}
		}
		if r := parent.do(method, pbase+no, parent.admin, body); r.Status < 400 {
			t.Fatalf("%s on a parent round: %d", no, r.Status)
		}
	}
	parent.must(200, "POST", pbase+"/open", parent.admin, nil)

	changed := bytes.Replace(file.Body, []byte(`"level":"htt"`), []byte(`"level":"htxs"`), 1)
	body, ctype := resultBody(changed, sig.Body)
	r := parent.do("POST", pbase+"/results", parent.admin, body, "Content-Type", ctype)
	if r.Status != 400 || r.ErrCode() != "invalid" || !strings.Contains(r.ErrMessage(), "Chữ ký không khớp") {
		t.Fatalf("a changed file: %d %s", r.Status, r.Body)
	}
	r = parent.do("POST", pbase+"/results?lang=en", parent.admin, body, "Content-Type", ctype)
	if !strings.Contains(r.ErrMessage(), "does not match") {
		t.Fatalf("in English: %s", r.Body)
	}
	if l := parent.must(200, "GET", pbase+"/results", parent.admin, nil); strings.Contains(string(l.Body), `"imported"`) {
		t.Fatalf("a refused file left something: %s", l.Body)
	}

	// through the console
	session, csrf := parent.ready("admin")
	page := string(parent.page("GET", "/console/rounds/"+prid, session, nil).Body)
	for _, want := range []string{"Kết quả của cấp dưới", "Đang nhận kết quả của cấp dưới", `action="/console/rounds/` + prid + `/results"`, `action="/console/rounds/` + prid + `/signers"`, "chưa có"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the parent round's page has no %q", want)
		}
	}
	for _, not := range []string{"/codes?", "/count?", "/turnout?", "/minutes?"} {
		if strings.Contains(page, not) {
			t.Fatalf("the parent round's page offers %s", not)
		}
	}
	body, ctype = resultBody(file.Body, sig.Body, "_csrf", csrf)
	r = parent.do("POST", "/console/rounds/"+prid+"/results", "", body, "Cookie", "ballot_session="+session, "Origin", "http://example.com", "Content-Type", ctype)
	if r.Status != 200 || !strings.Contains(string(r.Body), "Đã nhập kết quả của &#34;p&#34;") {
		t.Fatalf("the console's import: %d %s", r.Status, r.Body)
	}
	page = string(parent.page("GET", "/console/rounds/"+prid, session, nil).Body)
	if !strings.Contains(page, "Đã nhập kết quả của 1 trong 1 đơn vị cấp dưới") || !strings.Contains(page, "/console/rounds/"+prid+"/report?format=xlsx") {
		t.Fatal("the parent round's page does not show the import or the national report")
	}
	rep := parent.must(200, "GET", pbase+"/report", parent.admin, nil)
	if rep.JSON["total"].(float64) != 3 || len(rep.JSON["children"].([]any)) != 1 {
		t.Fatalf("the national report: %s", rep.Body)
	}
	for _, f := range []string{"xlsx", "csv", "html"} {
		parent.must(200, "GET", pbase+"/tally?format="+f, parent.admin, nil)
		parent.must(200, "GET", pbase+"/report?format="+f, parent.admin, nil)
	}
	if r := parent.do("GET", pbase+"/minutes", parent.admin, nil); r.Status != 409 {
		t.Fatalf("minutes of a parent round: %d", r.Status)
	}
	// a normal round takes no result
	if r := child.do("POST", base+"/results", child.admin, body, "Content-Type", ctype); r.Status != 409 {
		t.Fatalf("a result into a normal round: %d %s", r.Status, r.Body)
	}
}
