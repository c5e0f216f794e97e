package server_test

import (
	"bytes"
	"mime/multipart"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/storage"
)

// TestAUsedCodeShowsItsReceiptOnlyToItsSubmission: whoever holds a printed
// code learns on the participant pages that it was used, never its
// receipt; the submission that used it (a retry of the ballot form, or the
// code entry of the tab that kept its submission_id) gets the receipt.
func TestAUsedCodeShowsItsReceiptOnlyToItsSubmission(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid, _, cs := e.openRound([]string{"c1"}, 3)
	sid := hidden(e.form("/", url.Values{"code": {cs[0]}}).Body).Get("submission_id")
	post := fullAnswers(url.Values{"code": {cs[0]}, "submission_id": {sid}}, "c1")
	first := e.form("/ballot", post)
	m := regexp.MustCompile(`class="receipt"[^>]*>([A-Z2-7 ]+)<`).FindSubmatch(first.Body)
	if first.Status != 200 || m == nil {
		t.Fatalf("the ballot: %d %s", first.Status, first.Body)
	}
	receipt := string(m[1])
	used := func(name string, r resp) {
		t.Helper()
		if r.Status != 409 || strings.Contains(string(r.Body), receipt) || !strings.Contains(string(r.Body), "đã được dùng") {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	shows := func(name string, r resp) {
		t.Helper()
		if r.Status != 200 || !strings.Contains(string(r.Body), receipt) {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	used("the code alone", e.form("/", url.Values{"code": {cs[0]}}))
	used("the code with another submission_id", e.form("/", url.Values{"code": {cs[0]}, "submission_id": {newSID()}}))
	used("the code with a malformed submission_id", e.form("/", url.Values{"code": {cs[0]}, "submission_id": {"x"}}))
	other := fullAnswers(url.Values{"code": {cs[0]}, "submission_id": {newSID()}}, "c1")
	used("another ballot with the code", e.form("/ballot", other))
	shows("the ballot sent again (a lost answer)", e.form("/ballot", post))
	shows("the code with its submission_id (the tab kept it)", e.form("/", url.Values{"code": {cs[0]}, "submission_id": {sid}}))
	if n := e.sealedCount(rid, storage.Grades); n != 1 {
		t.Fatalf("%d ballots stored, want 1", n)
	}
}

// TestDisablingAUserEndsItsSessionsAndTokens: disabling ends the console
// sessions and API tokens at once, and enabling again revives none; a
// password reset ends them too.
func TestDisablingAUserEndsItsSessionsAndTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	token := e.user("ops", auth.Admin, "")
	session := e.login("ops")
	alive := func() (bool, bool) {
		s := e.page("GET", "/console/password", session, nil).Status == 200
		k := e.do("GET", "/api/v1/rounds", token, nil).Status == 200
		return s, k
	}
	if s, k := alive(); !s || !k {
		t.Fatalf("before: session %v, token %v", s, k)
	}
	sys := auth.Principal{Name: "test"}
	e.disable("ops")
	if s, k := alive(); s || k {
		t.Fatalf("disabled: session %v, token %v", s, k)
	}
	if err := e.svc.SetDisabled(sys, "ops", false); err != nil {
		t.Fatal(err)
	}
	if s, k := alive(); s || k {
		t.Fatalf("enabled again: session %v, token %v revived", s, k)
	}
	// a fresh sign-in works; a password reset ends it
	session = e.login("ops")
	pw, err := e.svc.ResetPassword(sys, "ops")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := alive(); s {
		t.Fatal("a password reset left the session alive")
	}
	e.passwords["ops"] = pw
	e.login("ops")
}

// TestTheCSRFTokenIsReadFromTheFormBodyOnly: a token in the query string
// (which lands in logs, histories and Referer headers) is refused; in an
// urlencoded or a multipart body it is accepted.
func TestTheCSRFTokenIsReadFromTheFormBodyOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	session := e.login("admin")
	csrf := csrfOf(t, e.page("GET", "/console/password", session, nil))
	change := url.Values{"old_password": {"sai"}, "new_password": {"một câu mật khẩu đủ dài"}}
	if r := e.page("POST", "/console/password?_csrf="+url.QueryEscape(csrf), session, change); r.Status != 403 {
		t.Fatalf("token in the query: %d", r.Status)
	}
	change.Set("_csrf", csrf)
	if r := e.page("POST", "/console/password", session, change); r.Status != 400 || !strings.Contains(string(r.Body), "không đúng") {
		t.Fatalf("token in the body: %d %s", r.Status, r.Body)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", csrf)
	mw.Close()
	r := e.do("POST", "/console/logout", "", body.Bytes(), "Cookie", "ballot_session="+session, "Origin", "http://example.com", "Content-Type", mw.FormDataContentType())
	if r.Status != 303 || r.Header.Get("Location") != "/console/login" {
		t.Fatalf("token in a multipart body: %d %s", r.Status, r.Body)
	}
}
