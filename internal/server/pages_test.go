package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"ballot/internal/seal"
	"ballot/internal/storage"
)

// form posts a participant form like a browser of this site would.
func (e *env) form(path string, values url.Values, headers ...string) resp {
	e.t.Helper()
	h := append([]string{"Content-Type", "application/x-www-form-urlencoded", "Origin", "http://example.com"}, headers...)
	return e.do("POST", path, "", values.Encode(), h...)
}

var hiddenRE = regexp.MustCompile(`name="(code|submission_id)" value="([^"]*)"`)

func hidden(body []byte) url.Values {
	v := url.Values{}
	for _, m := range hiddenRE.FindAllSubmatch(body, -1) {
		v.Set(string(m[1]), string(m[2]))
	}
	return v
}

// fullAnswers fills every required question of c1 (to-chuc-co-so-dang).
func fullAnswers(v url.Values, target string) url.Values {
	for q := 1; q <= 7; q++ {
		v.Set("a|"+target+"|c"+string(rune('0'+q)), "tot")
	}
	v.Set("a|"+target+"|level", "htt")
	return v
}

func checkPageHeaders(t *testing.T, r resp) {
	t.Helper()
	if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("Set-Cookie") != "" ||
		!strings.Contains(r.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("headers: %v", r.Header)
	}
}

func TestCodeEntryPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.must(200, "GET", "/", "", nil)
	checkPageHeaders(t, r)
	body := string(r.Body)
	for _, want := range []string{`lang="vi"`, `inputmode="numeric"`, `autocomplete="one-time-code"`, `autocorrect="off"`, "Nhập mã phiếu", `name="setlang" value="en"`} {
		if !strings.Contains(body, want) {
			t.Errorf("entry page lacks %s", want)
		}
	}
	if en := e.must(200, "GET", "/?lang=en", "", nil); !strings.Contains(string(en.Body), "Enter your code") {
		t.Error("no English entry page")
	}
	// the language switch keeps the typed code
	sw := e.form("/", url.Values{"code": {"1234 5678"}, "setlang": {"en"}, "lang": {"vi"}})
	if !strings.Contains(string(sw.Body), "Enter your code") || !strings.Contains(string(sw.Body), `value="1234 5678"`) {
		t.Fatalf("switch: %s", sw.Body)
	}
}

func TestParticipantPathWithoutScript(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid, priv, cs := e.openRound([]string{"c1"}, 3)

	// a mistyped code: the entry page again, with the code and a message
	d := strings.ReplaceAll(cs[0], " ", "")
	typo := d[:15] + string('0'+(d[15]-'0'+1)%10)
	r := e.form("/", url.Values{"code": {typo}})
	if r.Status != 400 || !strings.Contains(string(r.Body), "gõ nhầm") || !strings.Contains(string(r.Body), typo) {
		t.Fatalf("mistyped: %d %s", r.Status, r.Body)
	}
	// a good code: the ballot page
	r = e.form("/", url.Values{"code": {cs[0]}})
	checkPageHeaders(t, r)
	body := string(r.Body)
	if r.Status != 200 || !strings.Contains(body, "Chi bộ thôn Một") || !strings.Contains(body, `type="radio" name="a|c1|c1" value="xuat_sac"`) ||
		!strings.Contains(body, "<legend>") || !strings.Contains(body, "(bắt buộc)") {
		t.Fatalf("ballot page: %d %s", r.Status, body)
	}
	h := hidden(r.Body)
	if len(h.Get("submission_id")) != 36 || h.Get("code") != cs[0] {
		t.Fatalf("hidden fields: %v", h)
	}
	// a missing answer: the page again, answers kept, the gap marked
	partial := url.Values{"code": {cs[0]}, "submission_id": {h.Get("submission_id")}, "a|c1|c1": {"kem"}, "a|c1|comment": {"Góp ý riêng"}}
	r = e.form("/ballot", partial)
	body = string(r.Body)
	if r.Status != 400 || !strings.Contains(body, `value="kem" checked`) || !strings.Contains(body, "Góp ý riêng") ||
		strings.Count(body, `class="missing"`) != 7 || !strings.Contains(body, "Còn 7 câu") {
		t.Fatalf("missing answers: %d %s", r.Status, body)
	}
	// the language switch posts answers back and keeps them
	sw := url.Values{"setlang": {"en"}}
	for k, v := range partial {
		sw[k] = v
	}
	r = e.form("/ballot", sw)
	if body := string(r.Body); !strings.Contains(body, "Send the ballot") || !strings.Contains(body, `value="kem" checked`) || !strings.Contains(body, "Góp ý riêng") {
		t.Fatalf("switch on the ballot: %s", body)
	}
	// complete: the receipt page
	r = e.form("/ballot", fullAnswers(partial, "c1"))
	receipt := regexp.MustCompile(`class="receipt"[^>]*>([A-Z2-7 ]+)<`).FindSubmatch(r.Body)
	if r.Status != 200 || receipt == nil || !strings.Contains(string(r.Body), "không cho biết") {
		t.Fatalf("receipt page: %d %s", r.Status, r.Body)
	}
	// re-entering the used code says it was used; the receipt shows only
	// with its submission_id (TestAUsedCodeShowsItsReceiptOnlyToItsSubmission)
	again := e.form("/", url.Values{"code": {cs[0]}})
	if again.Status != 409 || strings.Contains(string(again.Body), string(receipt[1])) || !strings.Contains(string(again.Body), "đã được dùng") {
		t.Fatalf("re-entered code: %d %s", again.Status, again.Body)
	}
	// a resent form (a retry) shows the same receipt, stores nothing more
	if re := e.form("/ballot", fullAnswers(partial, "c1")); !strings.Contains(string(re.Body), string(receipt[1])) {
		t.Fatalf("resent: %s", re.Body)
	}
	if n := e.sealedCount(rid, storage.Grades); n != 1 {
		t.Fatalf("%d ballots stored", n)
	}
	// after counting, the receipt checks as counted
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/count", e.admin, map[string]string{"private_key": priv})
	chk := e.must(200, "GET", "/receipt?r="+url.QueryEscape(string(receipt[1])), "", nil)
	if !strings.Contains(string(chk.Body), "đã được kiểm") {
		t.Fatalf("check: %s", chk.Body)
	}
	if chk := e.must(200, "GET", "/receipt?r=AAAAAAAAAAAAAAAAAAAAAAAAAA", "", nil); !strings.Contains(string(chk.Body), "Chưa có phiếu") {
		t.Fatalf("check unknown: %s", chk.Body)
	}
	// after counting the code is unknown
	if r := e.form("/", url.Values{"code": {cs[1]}}); r.Status != 404 || !strings.Contains(string(r.Body), "Không dùng được") {
		t.Fatalf("after counting: %d %s", r.Status, r.Body)
	}
}

func TestParticipantErrorPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	kp, _ := seal.GenerateKeyPair()
	e.must(200, "PUT", "/api/v1/rounds/"+rid+"/key", e.admin, map[string]string{"public_key": kp.Public})
	b := e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches", e.admin, map[string]any{"targets": []string{"c1"}, "count": 2})
	code := b.JSON["codes"].([]any)[0].(string)
	opens := t0.Add(26 * time.Hour)
	e.must(200, "PATCH", "/api/v1/rounds/"+rid, e.admin, map[string]any{"opens_at": opens})
	r := e.form("/", url.Values{"code": {code}, "lang": {"en"}})
	if r.Status != 409 || !strings.Contains(string(r.Body), "Voting has not started") || !strings.Contains(string(r.Body), opens.In(time.FixedZone("", 7*3600)).Format("15:04, 2 Jan 2006")) {
		t.Fatalf("not open: %d %s", r.Status, r.Body)
	}
	e.clock.Set(opens)
	e.svc.ApplySchedule()
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	if r := e.form("/", url.Values{"code": {code}}); r.Status != 410 || !strings.Contains(string(r.Body), "Đã hết thời gian") {
		t.Fatalf("closed: %d %s", r.Status, r.Body)
	}
	// cross-site posts are refused
	r = e.do("POST", "/", "", "code=1", "Content-Type", "application/x-www-form-urlencoded", "Origin", "https://evil.example")
	if r.Status != 403 {
		t.Fatalf("cross-site entry: %d", r.Status)
	}
	r = e.do("POST", "/ballot", "", "code=1", "Content-Type", "application/x-www-form-urlencoded", "Referer", "https://evil.example/page")
	if r.Status != 403 {
		t.Fatalf("cross-site ballot: %d", r.Status)
	}
}

func TestKioskReturnsToACleanEntry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, _, cs := e.openRound([]string{"c1"}, 1)
	r := e.form("/", url.Values{"code": {cs[0]}, "kiosk": {"1"}})
	h := hidden(r.Body)
	if !strings.Contains(string(r.Body), `name="kiosk" value="1"`) {
		t.Fatal("the ballot page drops kiosk mode")
	}
	v := fullAnswers(url.Values{"code": {cs[0]}, "submission_id": {h.Get("submission_id")}, "kiosk": {"1"}}, "c1")
	r = e.form("/ballot", v)
	body := string(r.Body)
	if !strings.Contains(body, `http-equiv="refresh" content="30;url=/?kiosk=1&amp;lang=vi"`) || !strings.Contains(body, "Người tiếp theo") {
		t.Fatalf("kiosk receipt: %s", body)
	}
	if next := e.must(200, "GET", "/?kiosk=1", "", nil); strings.Contains(string(next.Body), cs[0]) {
		t.Fatal("the next entry page shows the previous code")
	}
}

// TestPageBudget (docs/design.md §6, P5): code entry + a one-target ballot
// page, with the stylesheet and the script, fit in 30 KB and name no external
// URL.
func TestPageBudget(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, _, cs := e.openRound([]string{"c1"}, 1)
	parts := []resp{
		e.must(200, "GET", "/", "", nil),
		e.form("/", url.Values{"code": {cs[0]}}),
		e.must(200, "GET", "/static/app.css", "", nil),
		e.must(200, "GET", "/static/app.js", "", nil),
	}
	total := 0
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	for _, p := range parts {
		total += len(p.Body)
		if m := external.Find(p.Body); m != nil {
			t.Errorf("an external URL: %s", m)
		}
	}
	if total > 30_000 {
		t.Fatalf("%d bytes, budget 30,000", total)
	}
	t.Logf("code entry + one-target ballot + css + js: %d bytes", total)
}
