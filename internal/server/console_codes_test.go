package server_test

import (
	"html"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ballot/internal/rounds"
	"ballot/internal/server"
)

// slipCodes are the codes printed on slips.
func slipCodes(body []byte) []string {
	return regexp.MustCompile(`<div class="code">([0-9 ]+)</div>`).FindAllString(string(body), -1)
}

func TestSlipsTakeTheirAddressFromThePublicURLNeverFromTheHostHeader(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	// a request to another address prints the configured one
	r := e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches?format=slips", e.admin, map[string]any{"targets": []string{"c1"}, "count": 1}, "Host", "evil.example")
	body := html.UnescapeString(string(r.Body))
	if strings.Contains(body, "evil.example") || !strings.Contains(body, publicURL) {
		t.Fatalf("slips name the request's host: %s", body)
	}
	// without a public URL: no slips, said how to fix, and no codes made
	e.srv = server.New(e.svc, server.Config{Log: slog.New(slog.NewJSONHandler(e.logs, nil)), TrustedProxies: viaHTTPS})
	before := len(e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches", e.admin, nil).JSON["batches"].([]any))
	res := e.do("POST", "/api/v1/rounds/"+rid+"/batches?format=slips", e.admin, map[string]any{"targets": []string{"c1"}, "count": 1}, "Accept-Language", "en")
	if res.Status != 409 || !strings.Contains(res.ErrMessage(), "--public-url") {
		t.Fatalf("slips without a public URL: %d %s", res.Status, res.Body)
	}
	if after := len(e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches", e.admin, nil).JSON["batches"].([]any)); after != before {
		t.Fatal("a refused slips request made a batch")
	}
	session, csrf := e.ready("admin")
	if p := e.page("GET", "/console/rounds/"+rid+"/codes", session, nil); !strings.Contains(string(p.Body), "--public-url") {
		t.Fatal("the codes page does not say slips need --public-url")
	}
	if r := e.upload("/console/rounds/"+rid+"/batches.csv", session, csrf, "target,count\nc1,2\n"); r.Status != 409 || !strings.Contains(string(r.Body), "BALLOT_PUBLIC_URL") {
		t.Fatalf("slips from a CSV without a public URL: %d", r.Status)
	}
	if after := len(e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches", e.admin, nil).JSON["batches"].([]any)); after != before {
		t.Fatal("a refused CSV made batches")
	}
}

func TestSlipsArePrintedInTheConsolesLanguageNotTheBrowsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.roundIn(rounds.Open)
	session, csrf := e.ready("admin")
	english := []string{"Cookie", "ballot_session=" + session, "Origin", "http://example.com", "Content-Type", "application/x-www-form-urlencoded", "Accept-Language", "en-US,en;q=0.9"}
	post := func(path string, v url.Values) resp {
		v.Set("_csrf", csrf)
		return e.do("POST", path, "", v.Encode(), english...)
	}
	// a Vietnamese console (its form says lang=vi) in an English browser
	v := url.Values{"unit": {"c1"}, "count": {"1"}, "confirm": {"yes"}, "lang": {"vi"}}
	if r := post("/console/rounds/"+rid+"/plan", v); r.Status != 200 || !strings.Contains(string(r.Body), `<html lang="vi">`) {
		t.Fatalf("slips of a Vietnamese console: %d %.300s", r.Status, r.Body)
	}
	// a console page asked without a language is Vietnamese, whatever the browser says
	draft := e.draftRound()
	e.must(201, "POST", "/api/v1/rounds/"+draft+"/batches", e.admin, map[string]any{"targets": []string{"c1"}, "count": 1})
	if r := e.do("GET", "/console/rounds/"+draft+"/slips?unit=c1", "", nil, english...); !strings.Contains(string(r.Body), `<html lang="vi">`) {
		t.Fatalf("slips asked without a language: %.300s", r.Body)
	}
	// and an English console prints English slips
	v.Set("lang", "en")
	if r := post("/console/rounds/"+rid+"/plan", v); !strings.Contains(string(r.Body), `<html lang="en">`) {
		t.Fatalf("slips of an English console: %.300s", r.Body)
	}
}

func TestABatchPlanIsPreviewedThenMadeInOneGo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound() // p → d1 (target) → c1, c2
	session, csrf := e.ready("admin")
	cr := "/console/rounds/" + rid
	// preview: every grassroots under d1, 30 codes each, a batch each
	q := url.Values{"unit": {"d1"}, "kind": {"grassroots"}, "count": {"30"}, "together": {"no"}}
	pv := string(e.page("GET", cr+"/plan?"+q.Encode(), session, nil).Body)
	for _, want := range []string{"2: Chi bộ thôn Một; Chi bộ thôn Hai", "2 lô, mỗi lô 30 mã cho một đối tượng", "<b>60</b>", "8 tờ A4", "Tạo 2 lô, 60 mã", "Đợt đang chuẩn bị"} {
		if !strings.Contains(pv, want) {
			t.Fatalf("the preview lacks %q:\n%s", want, pv)
		}
	}
	if n := len(e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches", e.admin, nil).JSON["batches"].([]any)); n != 0 {
		t.Fatal("a preview made batches")
	}
	// a selection that matches nothing, and too many targets for one batch
	if r := e.page("GET", cr+"/plan?unit=c1&kind=district&count=3", session, nil); r.Status != 400 || !strings.Contains(string(r.Body), "Không có đối tượng") {
		t.Fatalf("an empty selection: %d", r.Status)
	}
	v := url.Values{"_csrf": {csrf}}
	for k, vs := range q {
		v[k] = vs
	}
	if r := e.page("POST", cr+"/plan", session, v); r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "notice=made") {
		t.Fatalf("make: %d %s", r.Status, r.Body)
	}
	bs := e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches", e.admin, nil).JSON["batches"].([]any)
	if len(bs) != 2 || bs[0].(map[string]any)["count"] != 30.0 {
		t.Fatalf("batches: %v", bs)
	}
	audit := e.must(200, "GET", "/api/v1/audit", e.admin, nil).JSON["entries"].([]any)
	if last := audit[len(audit)-1].(map[string]any); last["action"] != "batch.create" || len(last["detail"].(map[string]any)["batches"].([]any)) != 2 {
		t.Fatalf("one transaction, one audit entry for the plan: %v", last)
	}
	// slips of d1's subtree, unit by unit; a revoked code is not printed
	s := e.page("GET", cr+"/slips?unit=d1", session, nil)
	codes := slipCodes(s.Body)
	if len(codes) != 60 || strings.Count(string(s.Body), "<section>") != 2 {
		t.Fatalf("slips of d1: %d codes", len(codes))
	}
	code := regexp.MustCompile(`[0-9 ]{19}`).FindString(codes[0])
	if r := e.page("POST", cr+"/codes/revoke", session, url.Values{"_csrf": {csrf}, "code": {code}}); r.Status != 400 {
		t.Fatalf("revoking a code without confirming: %d", r.Status)
	}
	if r := e.page("POST", cr+"/codes/revoke", session, url.Values{"_csrf": {csrf}, "code": {code}, "confirm": {"yes"}}); r.Status != 303 {
		t.Fatalf("revoke a code: %d %s", r.Status, r.Body)
	}
	if again := slipCodes(e.page("GET", cr+"/slips?unit=d1", session, nil).Body); len(again) != 59 || strings.Contains(strings.Join(again, " "), code) {
		t.Fatalf("slips after revoking one: %d", len(again))
	}
	// one batch for all of d1's targets (the unit itself included)
	all := url.Values{"_csrf": {csrf}, "unit": {"d1"}, "count": {"5"}, "together": {"yes"}}
	if r := e.page("POST", cr+"/plan", session, all); r.Status != 303 {
		t.Fatalf("together: %d", r.Status)
	}
	bs = e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches", e.admin, nil).JSON["batches"].([]any)
	if targets := bs[len(bs)-1].(map[string]any)["targets"].([]any); len(targets) != 3 {
		t.Fatalf("one batch for d1 and below: %v", targets)
	}
}

func TestABatchPlanWhileOpenIsShownOnceAndSaysSoFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.roundIn(rounds.Open)
	session, csrf := e.ready("admin")
	cr := "/console/rounds/" + rid
	q := url.Values{"unit": {"p"}, "kind": {"grassroots"}, "count": {"3"}, "together": {"no"}}
	pv := string(e.page("GET", cr+"/plan?"+q.Encode(), session, nil).Body)
	if !strings.Contains(pv, "mã phiếu chỉ hiện một lần") || !strings.Contains(pv, `name="confirm"`) || strings.Contains(pv, "show_codes") || strings.Contains(pv, `"open"`) {
		t.Fatalf("the preview of an open round does not say, in words, that the codes are shown once: %s", pv)
	}
	v := url.Values{"_csrf": {csrf}}
	for k, vs := range q {
		v[k] = vs
	}
	if r := e.page("POST", cr+"/plan", session, v); r.Status != 400 {
		t.Fatalf("made without saying so: %d", r.Status)
	}
	if n := len(e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches", e.admin, nil).JSON["batches"].([]any)); n != 0 {
		t.Fatal("an unconfirmed plan made batches")
	}
	v.Set("confirm", "yes")
	r := e.page("POST", cr+"/plan", session, v)
	if r.Status != 200 || len(slipCodes(r.Body)) != 6 || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("the slips at once: %d %d", r.Status, len(slipCodes(r.Body)))
	}
	// the batches list marks them, and offers no slips again
	codes := string(e.page("GET", cr+"/codes", session, nil).Body)
	if !strings.Contains(codes, "tạo khi đợt đang mở, đã hiện một lần") || strings.Contains(codes, "/slips?") {
		t.Fatalf("the codes page after an open plan: %s", codes)
	}
	// too many codes to show at once
	big := url.Values{"unit": {"p"}, "count": {"10000"}, "together": {"no"}}
	if r := e.page("GET", cr+"/plan?"+big.Encode(), session, nil); r.Status != 400 || !strings.Contains(string(r.Body), "Số mã: kế hoạch này tạo 30000 mã") {
		t.Fatalf("a plan too big to show at once: %d %s", r.Status, r.Body)
	}
}

func TestRevokingABatchAsksFirstAndShowsItRevoked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.roundIn(rounds.Open)
	e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches", e.admin, map[string]any{"targets": []string{"c1"}, "count": 4})
	session, csrf := e.ready("admin")
	cr := "/console/rounds/" + rid
	codes := string(e.page("GET", cr+"/codes", session, nil).Body)
	if strings.Contains(codes, `action="`+cr+`/batches/b1/revoke"`) || !strings.Contains(codes, `href="`+cr+`/batches/b1/revoke?`) {
		t.Fatal("the list revokes in one click instead of asking")
	}
	ask := string(e.page("GET", cr+"/batches/b1/revoke", session, nil).Body)
	if !strings.Contains(ask, "4 mã chưa dùng của lô này sẽ không dùng được nữa") || !strings.Contains(ask, "Chi bộ thôn Một") {
		t.Fatalf("the confirmation: %s", ask)
	}
	if r := e.page("POST", cr+"/batches/b1/revoke", session, url.Values{"_csrf": {csrf}}); r.Status != 400 || !strings.Contains(string(r.Body), "Ô xác nhận: bắt buộc") {
		t.Fatalf("revoked without confirming: %d", r.Status)
	}
	if b := e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches", e.admin, nil).JSON["batches"].([]any)[0].(map[string]any); b["revoked"] != 0.0 {
		t.Fatal("an unconfirmed revoke revoked")
	}
	if r := e.page("POST", cr+"/batches/b1/revoke", session, url.Values{"_csrf": {csrf}, "confirm": {"yes"}}); r.Status != 303 {
		t.Fatalf("revoke: %d", r.Status)
	}
	codes = string(e.page("GET", cr+"/codes", session, nil).Body)
	if !strings.Contains(codes, "<b>Đã thu hồi</b>") || strings.Contains(codes, cr+"/batches/b1/revoke") {
		t.Fatalf("a revoked batch: %s", codes)
	}
}
