package server_test

import (
	"net/url"
	"strings"
	"testing"

	"ballot/internal/rounds"
)

// TestEveryConsoleFormNamesAFieldAsItsPageDoes: a refused form says which
// field is wrong by the label its page shows, never by the field's id
// ("Trường new_password: …"), on every page a form is sent from.
func TestEveryConsoleFormNamesAFieldAsItsPageDoes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	draft := e.draftRound()
	open := e.roundIn(rounds.Open)
	session, csrf := e.ready("admin")
	for _, c := range []struct {
		path string
		form url.Values
		want string
	}{
		{"/console/rounds", url.Values{"title": {""}, "year": {"2026"}}, "Tên đợt: bắt buộc phải có"},
		{"/console/rounds", url.Values{"title": {"Đợt"}, "year": {"năm nay"}}, "Năm: bắt buộc phải có"},
		{"/console/password", url.Values{"old_password": {"x"}, "new_password": {"ngắn"}}, "Mật khẩu mới: phải có ít nhất 12 ký tự"},
		{"/console/rounds/" + draft + "/documents", url.Values{"place": {strings.Repeat("x", 101)}}, "Địa danh: dài quá 100 ký tự"},
		{"/console/rounds/" + draft + "/documents", url.Values{"kinds": {"một dòng không có mã"}}, "Loại đơn vị: dòng 1 phải có dạng"},
		{"/console/rounds/" + draft + "/documents", url.Values{"recipients": {strings.Repeat("x", 201)}}, "Nơi nhận: dài quá 200 ký tự"},
		// a time in a message is Vietnam time, as the form takes it
		{"/console/rounds/" + open + "/schedule", url.Values{"closes_at": {"2020-01-01T10:00"}}, "về sau 15:00 ngày 22/11/2026 (giờ Việt Nam)"},
	} {
		c.form.Set("_csrf", csrf)
		r := e.page("POST", c.path, session, c.form)
		body := string(r.Body)
		if r.Status != 400 || !strings.Contains(body, c.want) || strings.Contains(body, "Trường ") {
			t.Errorf("%s %v: %d, want %q in\n%s", c.path, c.form, r.Status, c.want, body)
		}
	}
}

// TestARefusedConsolePageNamesTheRole: a console page a role may not open
// says so with the role's name; the API keeps the role's id.
func TestARefusedConsolePageNamesTheRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	session, _ := e.ready("admin")
	r := e.page("GET", "/console/rounds/"+rid+"/ratings", session, nil)
	if body := string(r.Body); r.Status != 403 || !strings.Contains(body, "Vai trò &#34;Cán bộ tổ chức&#34; không được phép") || strings.Contains(body, "&#34;admin&#34;") {
		t.Fatalf("the refusal: %d %s", r.Status, body)
	}
	if en := string(e.page("GET", "/console/rounds/"+rid+"/ratings?lang=en", session, nil).Body); !strings.Contains(en, "The role &#34;Admin&#34; may not do this.") {
		t.Fatalf("the English refusal: %s", en)
	}
}

// TestAConsoleDownloadInAFormatItLacksNamesTheField: a console address
// asking for a format the page does not make ("?format=pdf") is refused
// with the field's name, not its id.
func TestAConsoleDownloadInAFormatItLacksNamesTheField(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	counted := e.roundIn(rounds.Counted)
	session, _ := e.ready("admin")
	for lang, want := range map[string]string{"vi": "Định dạng: ", "en": "Format: "} {
		r := e.page("GET", "/console/rounds/"+counted+"/minutes?format=pdf&lang="+lang, session, nil)
		if body := string(r.Body); r.Status != 400 || !strings.Contains(body, want) || strings.Contains(body, "format:") {
			t.Errorf("%s: %d, want %q in\n%s", lang, r.Status, want, body)
		}
	}
}
