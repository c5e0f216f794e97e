package server_test

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/i18n"
	"ballot/internal/rounds"
	"ballot/internal/seal"
)

func TestTheCommitteeConfirmsTheCountThenGetsTheMinutesAndReceipts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	kp, _ := seal.GenerateKeyPair()
	e.must(200, "PUT", "/api/v1/rounds/"+rid+"/key", e.admin, map[string]string{"public_key": kp.Public})
	codes := e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches", e.admin, map[string]any{"targets": []string{"c1"}, "count": 4}).JSON["codes"].([]any)
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil)
	for _, c := range codes[:3] {
		e.must(201, "POST", "/api/v1/ballots", "", submission(c.(string), newSID(), []string{"c1"}, ""))
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	e.user("bkp", auth.Committee, "")
	session, csrf := e.ready("bkp")
	cr := "/console/rounds/" + rid
	page := string(e.page("GET", cr+"/count", session, nil).Body)
	for _, want := range []string{"Kiểm phiếu là việc không làm lại được", "bị xóa hẳn", "Tệp dữ liệu được ghi lại (nén)", "Sẽ mở 3 mã đã dùng trong 4 mã đã phát", `name="confirm" value="yes" required`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the count page lacks %q: %s", want, page)
		}
	}
	if r := e.page("POST", cr+"/count", session, url.Values{"_csrf": {csrf}, "private_key": {kp.Private}}); r.Status != 400 || !strings.Contains(string(r.Body), "Ô xác nhận: bắt buộc phải có") {
		t.Fatalf("counted without confirming: %d", r.Status)
	}
	if r := e.page("POST", cr+"/count", session, url.Values{"_csrf": {csrf}, "confirm": {"yes"}}); r.Status != 400 || !strings.Contains(string(r.Body), "Khóa bí mật: bắt buộc phải có") {
		t.Fatalf("no key: %d %s", r.Status, r.Body)
	}
	if st := e.must(200, "GET", "/api/v1/rounds/"+rid, e.admin, nil).JSON["state"]; st != "closed" {
		t.Fatalf("a refused count changed the state: %v", st)
	}
	if r := e.page("POST", cr+"/count", session, url.Values{"_csrf": {csrf}, "confirm": {"yes"}, "private_key": {kp.Private}}); r.Status != 303 {
		t.Fatalf("count: %d %s", r.Status, r.Body)
	}
	round := string(e.page("GET", cr, session, nil).Body)
	if !strings.Contains(round, "3 lượt gửi phiếu (mỗi lượt một mã xác nhận), 3 phiếu theo từng đối tượng") {
		t.Fatalf("what was counted: %s", round)
	}
	if !strings.Contains(round, `href="`+cr+`/minutes?lang=vi">Biên bản kiểm phiếu</a>`) || !strings.Contains(round, `href="`+cr+`/receipts">`) || strings.Contains(round, cr+"/tally?") {
		t.Fatalf("the committee's downloads: %s", round)
	}
	if m := e.page("GET", cr+"/minutes", session, nil); m.Status != 200 || !strings.Contains(string(m.Body), "BIÊN BẢN KIỂM PHIẾU") {
		t.Fatalf("the committee's minutes: %d", m.Status)
	}
	rc := e.page("GET", cr+"/receipts", session, nil)
	lines := strings.Fields(string(rc.Body))
	if rc.Status != 200 || len(lines) != 3 || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(lines[0]) || !strings.Contains(rc.Header.Get("Content-Disposition"), "receipts-"+rid+".txt") {
		t.Fatalf("the receipts: %d %q", rc.Status, rc.Body)
	}
	if r := e.page("GET", cr+"/tally?format=csv", session, nil); r.Status != 403 {
		t.Fatalf("the committee reads the tally: %d", r.Status)
	}
}

func TestConsolePagesSayWordsNotIDs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.roundIn(rounds.Draft)
	e.user("tinh", auth.Authority, "p")
	session, csrf := e.ready("admin")
	// opened and closed by hand: the times are shown
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil)
	e.clock.Add(3600e9)
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	round := string(e.page("GET", "/console/rounds/"+rid, session, nil).Body)
	for _, want := range []string{"Đã mở lúc</th><td>15:00 ngày 20/11/2026", "Đã kết thúc lúc</th><td>16:00 ngày 20/11/2026", "admin (Cán bộ tổ chức)"} {
		if !strings.Contains(round, want) {
			t.Fatalf("the round page lacks %q: %s", want, round)
		}
	}
	// roles by name
	users := string(e.page("GET", "/console/users", session, nil).Body)
	if !strings.Contains(users, "<td>Cấp có thẩm quyền</td><td>Đảng bộ tỉnh <small>p</small>") || !strings.Contains(users, `<option value="committee">Ban kiểm phiếu</option>`) {
		t.Fatalf("the users page: %s", users)
	}
	if strings.Contains(users, "<td>authority</td>") || strings.Contains(users, "<td>admin</td>") {
		t.Fatal("the users page shows a role's id")
	}
	// the audit log: sentences, fields with labels, no JSON
	e.page("POST", "/console/users", session, url.Values{"_csrf": {csrf}, "name": {"bkp"}, "role": {"committee"}})
	audit := string(e.page("GET", "/console/audit", session, nil).Body)
	for _, want := range []string{`<th scope="row">Thêm người dùng</th>`, "<dt>Vai trò</dt><dd>Ban kiểm phiếu</dd>", `<th scope="row">Đăng nhập</th>`, `<th scope="row">Kết thúc đợt lấy phiếu</th>`, "<dt>Đợt</dt><dd>Đánh giá chất lượng năm 2026 (" + rid + ")</dd>"} {
		if !strings.Contains(audit, want) {
			t.Fatalf("the audit page lacks %q: %s", want, audit)
		}
	}
	if strings.Contains(audit, "user.sign_in") || strings.Contains(audit, `{&#34;`) || strings.Contains(audit, `{"`) {
		t.Fatal("the audit page shows action ids or raw JSON")
	}
	// an English console says the same in English
	if en := string(e.page("GET", "/console/audit?lang=en", session, nil).Body); !strings.Contains(en, `<th scope="row">Added a user</th>`) || !strings.Contains(en, "<dt>Role</dt><dd>Counting committee</dd>") {
		t.Fatalf("the English audit page: %s", en)
	}
}

// TestEveryAuditedActionHasASentence walks the service for the actions it
// audits: each must read as a sentence on the audit page.
func TestEveryAuditedActionHasASentence(t *testing.T) {
	t.Parallel()
	paths, _ := filepath.Glob(filepath.Join("..", "service", "*.go"))
	action := regexp.MustCompile(`update\((?:p|System), "([a-z_.]+)"`)
	found := 0
	for _, path := range paths {
		raw, _ := os.ReadFile(path)
		for _, m := range action.FindAllStringSubmatch(string(raw), -1) {
			found++
			if !i18n.Has("audit." + m[1]) {
				t.Errorf("%s: audited action %q has no sentence (audit.%s)", filepath.Base(path), m[1], m[1])
			}
		}
	}
	if found < 20 {
		t.Fatalf("found only %d audited actions: the walk is broken", found)
	}
}
