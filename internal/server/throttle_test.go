package server_test

import (
	"log/slog"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"ballot/internal/codes"
	"ballot/internal/server"
)

func TestCodeGuessingIsThrottledPerClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, _, cs := e.openRound([]string{"c1"}, 3)
	// app.Test's peer is 0.0.0.0: trust it as a proxy so clients differ
	// by X-Forwarded-For.
	e.srv = server.New(e.svc, server.Config{Log: slog.New(slog.NewJSONHandler(e.logs, nil)), TrustedProxies: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")}, GuessLimit: 5, GuessWindow: time.Minute, Now: e.clock.Now})
	from := func(ip string) []string { return []string{"X-Forwarded-For", ip} }
	unknown := func() string { return codes.New() } // check-valid, matches nothing

	for i := 0; i < 5; i++ {
		if r := e.do("POST", "/api/v1/ballots", "", submission(unknown(), newSID(), []string{"c1"}, ""), from("198.51.100.7")...); r.Status != 404 {
			t.Fatalf("guess %d: %d", i, r.Status)
		}
	}
	r := e.do("POST", "/api/v1/ballots", "", submission(cs[0], newSID(), []string{"c1"}, ""), from("198.51.100.7")...)
	if r.Status != 429 || r.ErrCode() != "too_many" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("after 5 guesses: %d %s", r.Status, r.Body)
	}
	// the page path is guarded alike
	p := e.do("POST", "/", "", url.Values{"code": {cs[0]}}.Encode(), append([]string{"Content-Type", "application/x-www-form-urlencoded"}, from("198.51.100.7")...)...)
	if p.Status != 429 || !strings.Contains(string(p.Body), "Tạm dừng") {
		t.Fatalf("page after 5 guesses: %d", p.Status)
	}
	// typos never count: the check digit refuses them before any lookup
	d := strings.ReplaceAll(cs[1], " ", "")
	typo := d[:15] + string('0'+(d[15]-'0'+1)%10)
	for i := 0; i < 20; i++ {
		if r := e.do("POST", "/api/v1/ballots", "", submission(typo, newSID(), []string{"c1"}, ""), from("203.0.113.9")...); r.Status != 400 {
			t.Fatalf("typo: %d", r.Status)
		}
	}
	e.must(201, "POST", "/api/v1/ballots", "", submission(cs[1], newSID(), []string{"c1"}, ""), from("203.0.113.9")...)
	// the window ends
	e.clock.Add(time.Minute)
	e.must(201, "POST", "/api/v1/ballots", "", submission(cs[0], newSID(), []string{"c1"}, ""), from("198.51.100.7")...)
	// no address reaches the logs
	for _, ip := range []string{"198.51.100.7", "203.0.113.9"} {
		if strings.Contains(e.logs.String(), ip) {
			t.Fatalf("the logs hold a client address %s", ip)
		}
	}
}
