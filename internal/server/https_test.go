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

// TestTheConsoleSaysItNeedsHTTPS: reached over plain HTTP under another
// host than this machine, the sign-in page says the console needs HTTPS and
// how to get it, and a sign-in is refused with that page, with no cookie,
// instead of landing on an empty form. On localhost, through a TLS proxy
// and over TLS it signs in; participant pages work over HTTP anyway.
func TestTheConsoleSaysItNeedsHTTPS(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.srv = server.New(e.svc, server.Config{Log: slog.New(slog.NewJSONHandler(e.logs, nil))}) // no proxy
	lan := []string{"Host", "192.168.1.20:8080", "Origin", "http://192.168.1.20:8080", "X-Forwarded-Proto", "http"}
	page := e.do("GET", "/console/login", "", nil, lan...)
	if page.Status != 200 || !strings.Contains(string(page.Body), "Bảng điều khiển cần HTTPS") || !strings.Contains(string(page.Body), "--tls-cert") {
		t.Fatalf("sign-in page over LAN HTTP: %d\n%s", page.Status, page.Body)
	}
	form := url.Values{"name": {"admin"}, "password": {e.passwords["admin"]}}.Encode()
	r := e.do("POST", "/console/login", "", form, append(lan, "Content-Type", "application/x-www-form-urlencoded")...)
	if r.Status != 403 || r.Header.Get("Set-Cookie") != "" || !strings.Contains(string(r.Body), "cần HTTPS") {
		t.Fatalf("sign-in over LAN HTTP: %d %v\n%s", r.Status, r.Header, r.Body)
	}
	// a client cannot claim HTTPS without a trusted proxy
	spoof := e.do("GET", "/console/login", "", nil, "Host", "192.168.1.20", "X-Forwarded-Proto", "https")
	if !strings.Contains(string(spoof.Body), "cần HTTPS") {
		t.Fatal("X-Forwarded-Proto from an untrusted peer was believed")
	}
	// participant pages work over HTTP
	if p := e.do("GET", "/", "", nil, lan...); p.Status != 200 || strings.Contains(string(p.Body), "HTTPS") {
		t.Fatalf("code entry over LAN HTTP: %d", p.Status)
	}
	// on this machine's own name browsers keep the cookie: no warning
	for _, host := range []string{"localhost:8080", "127.0.0.1:8080", "[::1]:8080"} {
		local := []string{"Host", host, "Origin", "http://" + host, "X-Forwarded-Proto", "http"}
		if p := e.do("GET", "/console/login", "", nil, local...); strings.Contains(string(p.Body), "cần HTTPS") {
			t.Fatalf("%s: warned", host)
		}
		if r := e.do("POST", "/console/login", "", form, append(local, "Content-Type", "application/x-www-form-urlencoded")...); r.Status != 303 {
			t.Fatalf("%s: sign-in %d", host, r.Status)
		}
	}
	// behind a trusted TLS proxy: no warning, sign-in works
	e.srv = server.New(e.svc, server.Config{Log: slog.New(slog.NewJSONHandler(e.logs, nil)), TrustedProxies: viaHTTPS})
	if r := e.do("POST", "/console/login", "", form, "Host", "phieu.example.vn", "Origin", "https://phieu.example.vn", "Content-Type", "application/x-www-form-urlencoded"); r.Status != 303 {
		t.Fatalf("through a TLS proxy: %d %s", r.Status, r.Body)
	}
}

// TestTheClientIsTheLastAddressBeforeTheTrustedProxies: behind trusted
// proxies the client is the last address in X-Forwarded-For that is not a
// proxy, so a client sending the header itself cannot pick a fresh
// guessing bucket for each guess.
func TestTheClientIsTheLastAddressBeforeTheTrustedProxies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.openRound([]string{"c1"}, 1)
	trusted := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32"), netip.MustParsePrefix("10.1.0.0/16")}
	e.srv = server.New(e.svc, server.Config{Log: slog.New(slog.NewJSONHandler(e.logs, nil)), TrustedProxies: trusted, GuessLimit: 3, GuessWindow: time.Minute, Now: e.clock.Now})
	for i := 0; i < 3; i++ {
		// the client forged its own first hop; the proxies (10.1.x) appended the real one
		xff := "203.0.113." + string(rune('1'+i)) + ", 198.51.100.7, 10.1.2.3"
		if r := e.do("POST", "/api/v1/ballots", "", submission(codes.New(), newSID(), []string{"c1"}, ""), "X-Forwarded-For", xff); r.Status != 404 {
			t.Fatalf("guess %d: %d", i, r.Status)
		}
	}
	r := e.do("POST", "/api/v1/ballots", "", submission(codes.New(), newSID(), []string{"c1"}, ""), "X-Forwarded-For", "192.0.2.99, 198.51.100.7, 10.1.9.9")
	if r.Status != 429 {
		t.Fatalf("a fourth guess with another forged hop: %d", r.Status)
	}
	// another client behind the same proxies is not throttled
	if r := e.do("POST", "/api/v1/ballots", "", submission(codes.New(), newSID(), []string{"c1"}, ""), "X-Forwarded-For", "198.51.100.8, 10.1.2.3"); r.Status != 404 {
		t.Fatalf("another client: %d", r.Status)
	}
}

func TestParseProxies(t *testing.T) {
	t.Parallel()
	got, err := server.ParseProxies(" 10.0.0.1, 192.168.0.0/16,::1 ,")
	if err != nil || len(got) != 3 || got[0].String() != "10.0.0.1/32" || got[2].String() != "::1/128" {
		t.Fatalf("%v %v", got, err)
	}
	for _, bad := range []string{"10.0.0.256", "10.0.0.0/40", "10.0.0.1/8", "localhost", "10.0.0.1;10.0.0.2"} {
		if _, err := server.ParseProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
