package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"ballot/internal/codes"
	"ballot/internal/demo"
	"ballot/internal/server"
)

// The attacks of issue 14 by clients without credentials, each against the
// HTTP application. cmd/ballot's TestAbuseKeepsTheServerSmall drives them
// against the real binary and measures its memory.

// atOnce sends n requests at the same time and counts their statuses.
func (e *env) atOnce(n int, req func(i int) resp) map[int]int {
	var mu sync.Mutex
	got := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := req(i)
			mu.Lock()
			got[r.Status]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return got
}

// behindProxy serves e with clients told apart by X-Forwarded-For
// (app.Test's peer, 0.0.0.0, is the trusted proxy).
func (e *env) behindProxy(cfg server.Config) {
	cfg.Log, cfg.Now, cfg.TrustedProxies = slog.New(slog.NewJSONHandler(e.logs, nil)), e.clock.Now, viaHTTPS
	e.srv = server.New(e.svc, cfg)
}

func from(ip string) []string { return []string{"X-Forwarded-For", ip} }

func (e *env) signIn(name, password, ip string) resp {
	return e.form("/console/login", url.Values{"name": {name}, "password": {password}}, from(ip)...)
}

// TestSixtyConcurrentWrongPasswordsGetAtMostTenChecked: every try is
// reserved before its password is hashed, so 60 at once from one address
// get at most the limit of 10 checked (all 60 were), the rest are told to
// wait; meanwhile the admin signs in from elsewhere without waiting behind
// them (the address holds one place in the hashing queue per user name).
func TestSixtyConcurrentWrongPasswordsGetAtMostTenChecked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.behindProxy(server.Config{})
	attack := make(chan map[int]int)
	go func() {
		attack <- e.atOnce(60, func(int) resp { return e.signIn("admin", "đoán mò", "198.51.100.7") })
	}()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	if r := e.signIn("admin", e.passwords["admin"], "203.0.113.5"); r.Status != 303 {
		t.Fatalf("the admin from another address during the attack: %d", r.Status)
	}
	took := time.Since(start)
	got := <-attack
	if got[401] == 0 || got[401] > 10 || got[401]+got[429] != 60 {
		t.Fatalf("60 wrong passwords at once: %v (at most 10 may be checked)", got)
	}
	r := e.signIn("admin", "đoán mò", "198.51.100.7")
	if r.Status != 429 || r.Header.Get("Retry-After") == "" || !strings.Contains(string(r.Body), "đăng nhập sai") {
		t.Fatalf("after them: %d %v", r.Status, r.Header)
	}
	t.Logf("%v; the admin's sign-in took %s", got, took)
}

// TestFailedSignInsSlowDownAndLockOutOnlyThatAddress: failures slow a user
// down from one address, ten lock it out there for the window — and
// nowhere else, so nobody can lock the admin out from afar.
func TestFailedSignInsSlowDownAndLockOutOnlyThatAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.behindProxy(server.Config{})
	const attacker = "198.51.100.7"
	for i := 1; i <= 10; i++ {
		if r := e.signIn("admin", "đoán", attacker); r.Status != 401 {
			t.Fatalf("failure %d: %d", i, r.Status)
		}
		if i >= 3 {
			// a pause after the third failure: a try at once is refused
			if r := e.signIn("admin", "đoán", attacker); r.Status != 429 || r.Header.Get("Retry-After") == "" {
				t.Fatalf("no slow-down after %d failures: %d", i, r.Status)
			}
			e.clock.Add(time.Minute)
		}
	}
	if r := e.signIn("admin", e.passwords["admin"], attacker); r.Status != 429 {
		t.Fatalf("after 10 failures, the right password from the same address: %d", r.Status)
	}
	if r := e.signIn("admin", e.passwords["admin"], "203.0.113.5"); r.Status != 303 {
		t.Fatalf("the admin from another address is locked out too: %d", r.Status)
	}
	if r := e.signIn("admin", e.passwords["admin"], "2001:db8:1:2:3:4:5:6"); r.Status != 303 {
		t.Fatalf("the admin over IPv6: %d", r.Status)
	}
	e.clock.Add(15 * time.Minute)
	if r := e.signIn("admin", e.passwords["admin"], attacker); r.Status != 303 {
		t.Fatalf("after the window: %d", r.Status)
	}
}

// TestSixtyConcurrentGuessesGetAtMostTheLimit: unknown codes sent at once
// from one address get at most the limit of 30 looked up (31 were).
func TestSixtyConcurrentGuessesGetAtMostTheLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, _, cs := e.openRound([]string{"c1"}, 3)
	got := e.atOnce(60, func(int) resp {
		return e.do("POST", "/api/v1/ballots", "", submission(codes.New(), newSID(), []string{"c1"}, ""))
	})
	if got[404] != server.DefaultGuessLimit || got[429] != 60-server.DefaultGuessLimit {
		t.Fatalf("60 guesses at once: %v, want %d looked up", got, server.DefaultGuessLimit)
	}
	if r := e.do("POST", "/api/v1/ballots", "", submission(cs[0], newSID(), []string{"c1"}, "")); r.Status != 429 {
		t.Fatalf("the throttled client: %d", r.Status)
	}
}

// TestAFloodOfAddressesDoesNotFreeAThrottledClient: a throttled client
// stays throttled however many other addresses come (100,010 flushed the
// table; here the table holds 1,000 and 1,010 come; the real size is
// TestAFullTableNeverForgetsAThrottledClient).
func TestAFloodOfAddressesDoesNotFreeAThrottledClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.openRound([]string{"c1"}, 3)
	e.behindProxy(server.Config{Clients: 1000})
	guess := func(ip string) int {
		return e.do("POST", "/api/v1/ballots", "", submission(codes.New(), newSID(), []string{"c1"}, ""), from(ip)...).Status
	}
	for i := 0; i < server.DefaultGuessLimit; i++ {
		if s := guess("198.51.100.7"); s != 404 {
			t.Fatalf("guess %d: %d", i, s)
		}
	}
	for i := 0; i < 1010; i++ {
		if s := guess(fmt.Sprintf("10.0.%d.%d", i>>8, i&255)); s != 404 {
			t.Fatalf("address %d: %d", i, s)
		}
	}
	if s := guess("198.51.100.7"); s != 429 {
		t.Fatalf("after the flood the throttled client guesses again: %d", s)
	}
}

// rawPost starts a request on a new connection: headers, then prefix of
// the body. It returns the connection, to send more or read the answer.
func rawPost(t *testing.T, base, path, headers string, prefix []byte) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\n%s\r\n", path, strings.TrimPrefix(base, "http://"), base, headers)
	conn.Write(prefix)
	return conn
}

// answer reads the response on conn within 5 s.
func answer(t *testing.T, conn net.Conn) (*http.Response, map[string]any) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer res.Body.Close()
	var body map[string]any
	raw, _ := io.ReadAll(res.Body)
	json.Unmarshal(raw, &body)
	return res, body
}

func errCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// TestLargeBodiesAreRefusedBeforeTheyAreRead: a body over its route's limit
// is refused from its Content-Length with only the first kilobytes sent
// (the server used to read 31 MiB first, for each of 120 at once); one in
// chunks, without a length, is refused at once; a compressed one is refused;
// a signed-in route reads nothing of a body without credentials.
func TestLargeBodiesAreRefusedBeforeTheyAreRead(t *testing.T) {
	e := newEnv(t)
	rid := e.draftRound()
	base := e.listen()
	const huge = 31 << 20
	form := "Content-Type: application/x-www-form-urlencoded\r\n"
	json := "Content-Type: application/json\r\n"
	for _, c := range []struct{ name, path, headers, code string }{
		{"code entry", "/", form, "invalid"},
		{"ballot page", "/ballot", form, "invalid"},
		{"ballots API", "/api/v1/ballots", json, "invalid"},
		{"sign-in", "/console/login", form, ""},
		{"unit import without a token", "/api/v1/rounds/" + rid + "/units", "Content-Type: text/csv\r\n", "unauthorized"},
		{"no such route", "/nowhere", form, "not_found"},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn := rawPost(t, base, c.path, c.headers+fmt.Sprintf("Content-Length: %d\r\n", huge), make([]byte, 64<<10))
			res, body := answer(t, conn)
			if res.StatusCode/100 != 4 || (c.code != "" && errCode(body) != c.code) || !res.Close {
				t.Fatalf("%d %v close=%v", res.StatusCode, body, res.Close)
			}
		})
	}
	t.Run("chunked without end", func(t *testing.T) {
		conn := rawPost(t, base, "/api/v1/ballots", json+"Transfer-Encoding: chunked\r\n", nil)
		go func() {
			chunk := fmt.Sprintf("%x\r\n%s\r\n", 16<<10, strings.Repeat(" ", 16<<10))
			for i := 0; i < 2000; i++ {
				if _, err := io.WriteString(conn, chunk); err != nil {
					return
				}
			}
		}()
		res, body := answer(t, conn)
		if res.StatusCode != 400 || errCode(body) != "invalid" || !strings.Contains(fmt.Sprint(body), "Content-Length") {
			t.Fatalf("%d %v", res.StatusCode, body)
		}
	})
	t.Run("compressed", func(t *testing.T) {
		conn := rawPost(t, base, "/api/v1/ballots", json+"Content-Encoding: gzip\r\nContent-Length: 20\r\n", make([]byte, 20))
		if res, body := answer(t, conn); res.StatusCode != 400 || errCode(body) != "invalid" {
			t.Fatalf("%d %v", res.StatusCode, body)
		}
	})
	// and the server goes on
	e.must(200, "GET", "/healthz", "", nil)
}

// TestConcurrentLargeBodiesAreBounded: bodies beyond the read-ahead hold
// their size from a budget while they are read; when clients without
// credentials hold it all, one more waits briefly and is answered busy —
// while small ballots and an admin's import still go through.
func TestConcurrentLargeBodiesAreBounded(t *testing.T) {
	e := newEnv(t)
	rid, _, cs := e.openRound([]string{"c1"}, 3)
	base := e.listen()
	const size = 512 << 10 // the ballots API's limit; 32 of them fill the budget
	hdr := fmt.Sprintf("Content-Type: application/json\r\nContent-Length: %d\r\n", size)
	// past fasthttp's read-ahead, so that the route is reading each body
	prefix := []byte(`{"code":` + strings.Repeat(" ", 9<<10))
	held := make([]net.Conn, 32)
	for i := range held {
		held[i] = rawPost(t, base, "/api/v1/ballots", hdr, prefix)
	}
	time.Sleep(200 * time.Millisecond) // all 32 are being read
	start := time.Now()
	res, body := answer(t, rawPost(t, base, "/api/v1/ballots", hdr, prefix))
	if res.StatusCode != 503 || errCode(body) != "busy" || res.Header.Get("Retry-After") == "" {
		t.Fatalf("a 33rd large body: %d %v", res.StatusCode, body)
	}
	if d := time.Since(start); d < time.Second {
		t.Fatalf("answered busy after %s without waiting", d)
	}
	// a ballot of ordinary size needs no budget
	b, _ := json.Marshal(submission(cs[0], newSID(), []string{"c1"}, "Ý kiến"))
	r, err := client.Post(base+"/api/v1/ballots", "application/json", strings.NewReader(string(b)))
	if err != nil || r.StatusCode != 201 {
		t.Fatalf("an ordinary ballot: %v %v", r, err)
	}
	r.Body.Close()
	// a signed-in route has its own budget
	req, _ := http.NewRequest("POST", base+"/api/v1/rounds/"+rid+"/batches", strings.NewReader(`{"targets":["c1"],"count":1}`))
	req.Header.Set("Authorization", "Bearer "+e.admin)
	req.Header.Set("Content-Type", "application/json")
	if r, err := client.Do(req); err != nil || r.StatusCode != 201 {
		t.Fatalf("an admin's request: %v %v", r, err)
	} else {
		r.Body.Close()
	}
	// one held body ends (cut short: refused), and its budget serves the next
	held[0].Close()
	conn := rawPost(t, base, "/api/v1/ballots", hdr, append([]byte(`{"code":"1"`), make([]byte, size-11)...))
	if res, body := answer(t, conn); res.StatusCode != 400 {
		t.Fatalf("after budget came back: %d %v", res.StatusCode, body)
	}
}

// TestBodiesWithoutALengthAreRefused: fasthttp's stream of a chunked body
// ends alike at its last chunk and when the client stops between two, so
// a chunked body is refused whole or cut short (here after whole CSV rows,
// a valid import by itself) and stores nothing; with a Content-Length the
// same import is taken.
func TestBodiesWithoutALengthAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.must(201, "POST", "/api/v1/rounds", e.admin, map[string]any{"title": "Đợt", "year": 2026}).JSON["id"].(string)
	e.must(201, "POST", "/api/v1/rounds/"+rid+"/forms", e.admin, map[string]string{"template": "to-chuc-co-so-dang"})
	base := e.listen()
	csv := "id,name,parent,kind,group,form\np,Tỉnh,,province,,\nc1,Xã Một,p,grassroots,xa,to-chuc-co-so-dang\nc2,Xã Hai,p,grassroots,xa,to-chuc-co-so-dang\n"
	for _, whole := range []bool{false, true} {
		conn := rawPost(t, base, "/api/v1/rounds/"+rid+"/units", "Authorization: Bearer "+e.admin+"\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n", nil)
		fmt.Fprintf(conn, "%x\r\n%s\r\n", len(csv), csv)
		if whole {
			io.WriteString(conn, "0\r\n\r\n")
		} else {
			conn.(*net.TCPConn).CloseWrite()
		}
		if res, body := answer(t, conn); res.StatusCode != 400 || errCode(body) != "invalid" {
			t.Fatalf("chunked (whole %v): %d %v", whole, res.StatusCode, body)
		}
		if n := len(e.must(200, "GET", "/api/v1/rounds/"+rid+"/units", e.admin, nil).JSON["units"].([]any)); n != 0 {
			t.Fatalf("a chunked body (whole %v) stored %d units", whole, n)
		}
	}
	req, _ := http.NewRequest("POST", base+"/api/v1/rounds/"+rid+"/units", strings.NewReader(csv))
	req.Header.Set("Authorization", "Bearer "+e.admin)
	req.Header.Set("Content-Type", "text/csv")
	if res, err := client.Do(req); err != nil || res.StatusCode != 201 {
		t.Fatalf("with a length: %v %v", res, err)
	} else {
		res.Body.Close()
	}
}

// TestAConsoleUploadLargerThanTheDefaultGoesThrough: the province's unit
// file (100 KB, above the default 64 KiB) uploads through the console,
// whose import route has its own limit; a form post elsewhere that large
// is refused.
func TestAConsoleUploadLargerThanTheDefaultGoesThrough(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	session, csrf := e.ready("admin")
	if len(demo.ProvinceCSV) <= 64<<10 {
		t.Fatal("the fixture is no larger than the default limit: the test shows nothing")
	}
	if r := e.upload("/console/rounds/"+rid+"/units", session, csrf, string(demo.ProvinceCSV)); r.Status != 303 {
		t.Fatalf("province units through the console: %d %s", r.Status, r.Body)
	}
	if r := e.upload("/console/rounds/"+rid+"/key", session, csrf, string(demo.ProvinceCSV)); r.Status != 400 {
		t.Fatalf("as large a post to a route with the default limit: %d", r.Status)
	}
}
