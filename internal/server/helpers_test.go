package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ballot/internal/auth"
	"ballot/internal/server"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// clock is a settable clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// env is a server over a fresh database, with an admin token.
type env struct {
	t     testing.TB
	clock *clock
	svc   *service.Service
	srv   *server.Server
	admin string
	logs  *syncBuffer
	// passwords of the users made in the test, by name
	passwords map[string]string
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var t0 = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

// viaHTTPS is the proxy the tests' requests come through: app.Test's peer,
// a TLS-terminating reverse proxy (do sends X-Forwarded-Proto: https), as
// the console needs HTTPS.
var viaHTTPS = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")}

// publicURL is the participants' address the test servers print on slips.
const publicURL = "https://phieu.example.vn"

func newEnv(t testing.TB) *env { t.Helper(); return newEnvWith(t, service.Options{}) }

// lightPasswords is the cost of the passwords the tests' services hash: the
// server's costs a third of a second or more of both cores, which hundreds
// of users and sign-ins would spend one at a time. What hashing costs is
// tested in internal/auth and against the real binary (cmd/ballot).
var lightPasswords = auth.Cost{Time: 1, Memory: 64, Threads: 1}

// newEnvWith is newEnv with service options (clock, log and, unless set,
// the password cost are set here).
func newEnvWith(t testing.TB, opt service.Options) *env {
	t.Helper()
	return newEnvIn(t, opt, storage.Options{})
}

// newEnvIn is newEnvWith over a database opened with sopt.
func newEnvIn(t testing.TB, opt service.Options, sopt storage.Options) *env {
	t.Helper()
	store, err := storage.Open(filepath.Join(t.TempDir(), "ballot.db"), sopt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() }) // runs after svc.Close
	c := &clock{t: t0}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	opt.Now, opt.Log = c.Now, log
	if opt.PasswordCost == (auth.Cost{}) {
		opt.PasswordCost = lightPasswords
	}
	svc := service.New(store, opt)
	t.Cleanup(svc.Close)
	password, token, created, err := svc.Bootstrap()
	if err != nil || !created {
		t.Fatalf("bootstrap: %v %v", created, err)
	}
	return &env{t: t, clock: c, svc: svc, srv: server.New(svc, server.Config{Log: log, TrustedProxies: viaHTTPS, PublicURL: publicURL}), admin: token, logs: logs, passwords: map[string]string{"admin": password}}
}

// user adds a user of role (scoped to unit) and returns its token.
func (e *env) user(name string, role auth.Role, unit string) string {
	e.t.Helper()
	sys := auth.Principal{Name: "test"}
	pw, err := e.svc.AddUser(sys, auth.NewUser{Name: name, Role: role, Unit: unit})
	if err != nil {
		e.t.Fatal(err)
	}
	e.passwords[name] = pw
	tok, err := e.svc.CreateToken(sys, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// resp is a decoded response.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
	JSON   map[string]any
}

// ErrCode returns the error code of an error response.
func (r resp) ErrCode() string {
	e, _ := r.JSON["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// ErrMessage returns the message of an error response.
func (r resp) ErrMessage() string {
	e, _ := r.JSON["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

// do sends a request; body may be nil, a string, []byte or a value to
// encode as JSON.
func (e *env) do(method, path, token string, body any, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("X-Forwarded-Proto", "https")
	for i := 0; i+1 < len(headers); i += 2 {
		if strings.EqualFold(headers[i], "Host") {
			req.Host = headers[i+1]
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.srv.App.Test(req, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out := resp{Status: res.StatusCode, Header: res.Header}
	out.Body, _ = io.ReadAll(res.Body)
	_ = json.Unmarshal(out.Body, &out.JSON)
	return out
}

// must sends a request and fails the test unless the status is want.
func (e *env) must(want int, method, path, token string, body any, headers ...string) resp {
	e.t.Helper()
	r := e.do(method, path, token, body, headers...)
	if r.Status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r
}

// draftRound creates a round with the templates and a small tree:
// root "p" (province) → "d1" (district, target of tap-the-lanh-dao) →
// "c1", "c2" (grassroots targets of to-chuc-co-so-dang).
func (e *env) draftRound() string {
	e.t.Helper()
	r := e.must(201, "POST", "/api/v1/rounds", e.admin, map[string]any{"title": "Đánh giá chất lượng năm 2026", "year": 2026})
	rid := r.JSON["id"].(string)
	for _, tpl := range []string{"to-chuc-co-so-dang", "tap-the-lanh-dao", "diem-100"} {
		e.must(201, "POST", "/api/v1/rounds/"+rid+"/forms", e.admin, map[string]string{"template": tpl})
	}
	e.must(201, "POST", "/api/v1/rounds/"+rid+"/units", e.admin, smallTree)
	return rid
}

var smallTree = []map[string]string{
	{"id": "p", "name": "Đảng bộ tỉnh", "kind": "province"},
	{"id": "d1", "name": "Đảng bộ huyện Một", "parent": "p", "kind": "district", "group": "huyen", "form": "tap-the-lanh-dao"},
	{"id": "c1", "name": "Chi bộ thôn Một", "parent": "d1", "kind": "grassroots", "group": "xa", "form": "to-chuc-co-so-dang"},
	{"id": "c2", "name": "Chi bộ thôn Hai", "parent": "d1", "kind": "grassroots", "group": "xa", "form": "diem-100"},
}

func (e *env) disable(name string) {
	e.t.Helper()
	if err := e.svc.SetDisabled(auth.Principal{Name: "test"}, name, true); err != nil {
		e.t.Fatal(err)
	}
}
