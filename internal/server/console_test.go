package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// login signs name in through the console and returns the session cookie.
func (e *env) login(name string) string {
	e.t.Helper()
	r := e.form("/console/login", url.Values{"name": {name}, "password": {e.passwords[name]}})
	if r.Status != 303 {
		e.t.Fatalf("sign-in of %s: %d %s", name, r.Status, r.Body)
	}
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "ballot_session" {
			return c.Value
		}
	}
	e.t.Fatal("no session cookie")
	return ""
}

// page gets a console page with a session.
func (e *env) page(method, path, session string, form url.Values) resp {
	e.t.Helper()
	var body any
	headers := []string{"Cookie", "ballot_session=" + session, "Origin", "http://example.com"}
	if form != nil {
		body = form.Encode()
		headers = append(headers, "Content-Type", "application/x-www-form-urlencoded")
	}
	return e.do(method, path, "", body, headers...)
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func csrfOf(t testing.TB, r resp) string {
	t.Helper()
	m := csrfRE.FindSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no CSRF token in %s", r.Body)
	}
	return string(m[1])
}

func TestConsoleSignInSessionsAndCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.draftRound()
	// no session: the pages ask to sign in
	if r := e.do("GET", "/console", "", nil); r.Status != 303 || r.Header.Get("Location") != "/console/login" {
		t.Fatalf("no session: %d %v", r.Status, r.Header)
	}
	// a wrong password
	r := e.form("/console/login", url.Values{"name": {"admin"}, "password": {"sai mật khẩu"}})
	if r.Status != 401 || !strings.Contains(string(r.Body), "không đúng") || r.Header.Get("Set-Cookie") != "" {
		t.Fatalf("wrong password: %d %v", r.Status, r.Header)
	}
	// the right one: a session cookie that scripts and other sites cannot use
	r = e.form("/console/login", url.Values{"name": {"admin"}, "password": {e.passwords["admin"]}})
	cookie := r.Header.Get("Set-Cookie")
	for _, want := range []string{"ballot_session=", "HttpOnly", "Secure", "SameSite=Strict", "path=/console"} {
		if !strings.Contains(strings.ToLower(cookie), strings.ToLower(want)) {
			t.Fatalf("cookie %q lacks %s", cookie, want)
		}
	}
	session := e.login("admin")
	// a one-time password must be changed first
	if r := e.page("GET", "/console", session, nil); r.Status != 303 || r.Header.Get("Location") != "/console/password" {
		t.Fatalf("must change: %d %v", r.Status, r.Header)
	}
	pw := e.page("GET", "/console/password", session, nil)
	csrf := csrfOf(t, pw)
	change := url.Values{"old_password": {e.passwords["admin"]}, "new_password": {"một câu mật khẩu đủ dài"}}
	// without or with a wrong CSRF token, or from another site: refused
	if r := e.page("POST", "/console/password", session, change); r.Status != 403 {
		t.Fatalf("no CSRF: %d", r.Status)
	}
	change.Set("_csrf", "sai")
	if r := e.page("POST", "/console/password", session, change); r.Status != 403 {
		t.Fatalf("wrong CSRF: %d", r.Status)
	}
	change.Set("_csrf", csrf)
	if r := e.do("POST", "/console/password", "", change.Encode(), "Cookie", "ballot_session="+session, "Content-Type", "application/x-www-form-urlencoded", "Origin", "https://evil.example"); r.Status != 403 {
		t.Fatalf("cross-site: %d", r.Status)
	}
	if r := e.page("POST", "/console/password", session, change); r.Status != 200 || !strings.Contains(string(r.Body), "Đã đổi mật khẩu") {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	home := e.page("GET", "/console", session, nil)
	if home.Status != 200 || !strings.Contains(string(home.Body), "Đánh giá chất lượng năm 2026") || home.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("home: %d %s", home.Status, home.Body)
	}
	// signing out ends the session
	e.page("POST", "/console/logout", session, url.Values{"_csrf": {csrf}})
	if r := e.page("GET", "/console", session, nil); r.Status != 303 {
		t.Fatalf("after sign-out: %d", r.Status)
	}
	// the old password no longer works; the new one does
	if r := e.form("/console/login", url.Values{"name": {"admin"}, "password": {e.passwords["admin"]}}); r.Status != 401 {
		t.Fatalf("old password: %d", r.Status)
	}
	e.passwords["admin"] = "một câu mật khẩu đủ dài"
	e.login("admin")
}
