package browser_test

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"ballot/internal/browser"
	"ballot/internal/rounds"
)

// The province is seeded once for the package's tests and benchmarks (a
// few seconds), each using rounds of its own: the counted round and its
// twin for ratings, the open and closed ones for the admin's and the
// committee's flows.
var shared struct {
	once sync.Once
	dir  string
	p    *browser.Province
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopChromium()
	if shared.p != nil {
		shared.p.Close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

func province(tb testing.TB) *browser.Province {
	tb.Helper()
	shared.once.Do(func() {
		if shared.dir, shared.err = os.MkdirTemp("", "ballot-province"); shared.err != nil {
			return
		}
		shared.p, shared.err = browser.NewProvince(shared.dir, browser.ProvinceRounds{Twin: true, Open: true, Closed: true, Draft: true},
			options())
	})
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	return shared.p
}

// session is a console session over plain HTTP.
type session struct {
	tb     testing.TB
	base   string
	client *http.Client
}

// signIn signs user in to the province's console.
func signIn(tb testing.TB, p *browser.Province, user string) *session {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	s := &session{tb: tb, base: p.URL, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if res, _ := s.post("/console/login", url.Values{"name": {user}, "password": {browser.Password}}); res.StatusCode != 303 {
		tb.Fatalf("sign-in of %s: %d", user, res.StatusCode)
	}
	return s
}

func (s *session) get(path string) (*http.Response, []byte) {
	s.tb.Helper()
	res, err := s.client.Get(s.base + path)
	if err != nil {
		s.tb.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

func (s *session) post(path string, v url.Values) (*http.Response, []byte) {
	s.tb.Helper()
	req, _ := http.NewRequest("POST", s.base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.base)
	res, err := s.client.Do(req)
	if err != nil {
		s.tb.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf is the CSRF token of a page the session has.
func (s *session) csrf() string {
	s.tb.Helper()
	_, body := s.get("/console")
	m := csrfRE.FindSubmatch(body)
	if m == nil {
		s.tb.Fatal("no CSRF token")
	}
	return string(m[1])
}

// maxPage is P7's budget (docs/design.md §6) of a console page's HTML.
const maxPage = 200 << 10

// maxTargets bounds the targets a console page names: a unit's children
// (47 at most in the province) or a page of 50 batches, never the 978.
const maxTargets = 100

// TestEveryConsolePageOfTheProvinceFitsItsBudget fetches every console page
// of a counted province round as its user sees it: each answers, whole,
// within 200 KB (the time each takes is BenchmarkConsolePages'), and
// names at most maxTargets of the province's targets.
func TestEveryConsolePageOfTheProvinceFitsItsBudget(t *testing.T) {
	t.Parallel()
	p := province(t)
	tree, err := p.Service.Tree(p.Counted)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	tree.Walk("gialai", func(u *rounds.Unit) {
		if u.IsTarget() {
			names = append(names, html.EscapeString(u.Name))
		}
	})
	sessions := map[string]*session{}
	for _, pg := range p.Pages() {
		s := sessions[pg.User]
		if s == nil {
			s = signIn(t, p, pg.User)
			sessions[pg.User] = s
		}
		res, body := s.get(pg.Path)
		if res.StatusCode != 200 {
			t.Errorf("%s (%s as %s): %d %.300s", pg.Name, pg.Path, pg.User, res.StatusCode, body)
			continue
		}
		if len(body) > maxPage {
			t.Errorf("%s (%s): %d bytes, more than %d", pg.Name, pg.Path, len(body), maxPage)
		}
		named := 0
		for _, name := range names {
			if strings.Contains(string(body), name) {
				named++
			}
		}
		if named > maxTargets {
			t.Errorf("%s (%s) names %d targets, more than %d", pg.Name, pg.Path, named, maxTargets)
		}
		t.Logf("%-20s %7d bytes, %3d targets named", pg.Name, len(body), named)
	}
}

// sheetOf is the form of a saved sheet of deciding unit: every row at
// level(i).
func sheetOf(p *browser.Province, csrf, unit string, level func(i int) string) url.Values {
	tree, _ := p.Service.Tree(p.Counted)
	v := url.Values{"_csrf": {csrf}, "decision": {"12-QĐ/TU"}, "date": {"2026-12-05"}}
	for i, ch := range tree.Children(unit) {
		v.Add("row", ch.ID)
		v.Set("level."+ch.ID, level(i))
	}
	return v
}

// BenchmarkConsolePages times every console page of the counted province
// round (P7: ≤ 300 ms on the server, ≤ 200 KB), beside the sign-in page as
// a same-run baseline, and saving a district's rating sheet (≤ 300 ms):
//
//	go test ./internal/browser/ -run XXX -bench ConsolePages -benchtime 20x
func BenchmarkConsolePages(b *testing.B) {
	p := province(b)
	sessions := map[string]*session{}
	for _, pg := range append([]browser.ConsolePage{{Name: "baseline-sign-in-page", User: browser.AdminUser, Path: "/console/login"}}, p.Pages()...) {
		s := sessions[pg.User]
		if s == nil {
			s = signIn(b, p, pg.User)
			sessions[pg.User] = s
		}
		b.Run(pg.Name, func(b *testing.B) {
			var n int
			for b.Loop() {
				res, body := s.get(pg.Path)
				if res.StatusCode != 200 {
					b.Fatalf("%s: %d", pg.Path, res.StatusCode)
				}
				n = len(body)
			}
			b.ReportMetric(float64(n), "bytes/page")
		})
	}
	// a district's whole sheet, every row changed at each save
	s := sessions[browser.ProvinceUser]
	csrf := s.csrf()
	levels := []string{"htt", "htxs"}
	forms := []url.Values{sheetOf(p, csrf, "chuse", func(int) string { return levels[0] }), sheetOf(p, csrf, "chuse", func(int) string { return levels[1] })}
	b.Run("save-district-sheet", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if res, body := s.post("/console/rounds/"+p.Counted+"/ratings/chuse", forms[i%2]); res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "notice=saved") {
				b.Fatalf("save: %d %v %.300s", res.StatusCode, res.Header, body)
			}
		}
		b.ReportMetric(float64(len(forms[0]["row"])), "rows")
	})
}
