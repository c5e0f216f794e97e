package main

import (
	"ballot/internal/auth"
	"ballot/internal/seal"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// binary is the real ballot program, built once for the tests that are
// about processes (locks, crashes, command output). It is built with
// lightPasswordsTag and hashes passwords lightly (passwords_light.go); the
// tests about hashing start shipped(t), built as the program ships.
var binary string

// lightPasswordsTag builds binary.
const lightPasswordsTag = "light_passwords_for_tests"

// lightPasswords is the cost of binary's hashes, and of the commands these
// tests run in their own process (passwordCost).
var lightPasswords = auth.Cost{Time: 1, Memory: 64, Threads: 1}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ballot-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "ballot")
	if err := build(binary, "-tags", lightPasswordsTag); err != nil {
		panic(err)
	}
	passwordCost = lightPasswords // for the commands run in this process
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// build builds the program into out, with any further go build flags.
func build(out string, flags ...string) error {
	args := append(append([]string{"build", "-buildvcs=auto"}, flags...), "-o", out, ".")
	if b, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		os.Stderr.Write(b)
		return err
	}
	return nil
}

var shippedOnce struct {
	sync.Once
	err error
}

// shipped is the program built as it ships, without lightPasswordsTag:
// it hashes at the server's cost. It is built at its first use.
func shipped(t *testing.T) string {
	t.Helper()
	path := filepath.Join(filepath.Dir(binary), "ballot-shipped")
	shippedOnce.Do(func() { shippedOnce.err = build(path) })
	if shippedOnce.err != nil {
		t.Fatalf("go build: %v", shippedOnce.err)
	}
	return path
}

// runBinary runs the binary with args and returns stdout, stderr, exit code.
// A run still going after a minute is killed and fails the test: a serve
// that should have refused to start would otherwise hang the suite.
func runBinary(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("ballot %v still ran after a minute (killed); stdout:\n%s", args, stdout.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// lockedBuffer is an io.Writer safe for a server goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// startMain runs the server in-process on a free port.
func startMain(t *testing.T, db string, now func() time.Time) (*Main, string) {
	t.Helper()
	out := &lockedBuffer{}
	// Passwords are hashed lightly: the shipped binary's tests hash at the
	// server's cost.
	m := &Main{DBPath: db, Addr: "127.0.0.1:0", Now: now, ScheduleEvery: time.Hour, Stdout: out,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), PasswordCost: lightPasswords}
	if err := m.Open(); err != nil {
		t.Fatal(err)
	}
	return m, out.String()
}

var tokenRE = regexp.MustCompile(`API token:\s+(bt_\S+)`)

// api calls the running server.
func api(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequestWithContext(context.Background(), method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func TestFirstStartCreatesAdminAndPrintsPasswordAndToken(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ballot.db")
	m, out := startMain(t, db, nil)
	match := tokenRE.FindStringSubmatch(out)
	if match == nil || !strings.Contains(out, "one-time password:") {
		t.Fatalf("first start printed:\n%s", out)
	}
	if st, _ := api(t, "GET", m.URL()+"/api/v1/rounds", match[1], nil); st != 200 {
		t.Fatalf("the printed token does not work: %d", st)
	}
	m.Close()
	m2, out2 := startMain(t, db, nil)
	defer m2.Close()
	if strings.Contains(out2, "API token") {
		t.Fatalf("second start printed credentials again:\n%s", out2)
	}
}

func TestClosingMissedWhileDownIsAppliedAtStart(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ballot.db")
	now := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	m, out := startMain(t, db, func() time.Time { return now })
	tok := tokenRE.FindStringSubmatch(out)[1]
	u := m.URL() + "/api/v1/rounds"
	api(t, "POST", u, tok, map[string]any{"title": "Đợt 2026", "year": 2026, "closes_at": now.Add(time.Hour)})
	api(t, "POST", u+"/r1/forms", tok, map[string]string{"template": "diem-100"})
	api(t, "POST", u+"/r1/units", tok, []map[string]string{{"id": "p", "name": "P", "kind": "province"}, {"id": "c", "name": "C", "parent": "p", "kind": "grassroots", "form": "diem-100"}})
	if st, r := api(t, "POST", u+"/r1/open", tok, nil); st != 200 || r["state"] != "open" {
		t.Fatalf("open: %d %v", st, r)
	}
	m.Close()

	// The server is down while the closing time passes; the next start
	// applies it before serving (the ticker is an hour away).
	later := now.Add(3 * time.Hour)
	m2, _ := startMain(t, db, func() time.Time { return later })
	defer m2.Close()
	if st, r := api(t, "GET", m2.URL()+"/api/v1/rounds/r1", tok, nil); st != 200 || r["state"] != "closed" {
		t.Fatalf("after restart: %d %v", st, r)
	}
}

func TestOfflineCommandOnAHeldDatabaseFailsAtOnce(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ballot.db")
	m, _ := startMain(t, db, nil)
	defer m.Close()
	start := time.Now()
	_, stderr, code := runBinary(t, "user", "add", "--db", db, "--name", "bob", "--role", "admin")
	if code == 0 || !strings.Contains(stderr, "in use by another process") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %s: it waited for the lock", d)
	}
	for _, args := range [][]string{{"token", "create", "--db", db, "--user", "admin"}, {"check", "--db", db}} {
		if _, stderr, code := runBinary(t, args...); code == 0 || !strings.Contains(stderr, "in use") {
			t.Fatalf("%v: exit %d, %q", args, code, stderr)
		}
	}
}

func TestUserAddAndTokenCreatePrintTheSecretAlone(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ballot.db")
	m, _ := startMain(t, db, nil) // creates the database
	m.Close()
	pw, stderr, code := runBinary(t, "user", "add", "--db", db, "--name", "tinh-uy", "--role", "authority", "--unit", "gialai")
	if code != 0 || !regexp.MustCompile(`^[A-Za-z0-9]{16}\n$`).MatchString(pw) {
		t.Fatalf("user add: exit %d, stdout %q, stderr %q", code, pw, stderr)
	}
	tok, _, code := runBinary(t, "token", "create", "--db", db, "--user", "tinh-uy")
	if code != 0 || !regexp.MustCompile(`^bt_[A-Za-z0-9_-]{43}\n$`).MatchString(tok) {
		t.Fatalf("token create: exit %d, %q", code, tok)
	}
	if _, stderr, code := runBinary(t, "user", "add", "--db", db, "--name", "x", "--role", "authority"); code == 0 || !strings.Contains(stderr, "unit") {
		t.Fatalf("an authority without a unit: exit %d, %q", code, stderr)
	}
	if _, _, code := runBinary(t, "token", "create", "--db", db, "--user", "nobody"); code == 0 {
		t.Fatal("a token for an unknown user")
	}
	if _, _, code := runBinary(t, "check", "--db", filepath.Join(t.TempDir(), "missing.db")); code == 0 {
		t.Fatal("check created or accepted a missing database")
	}
	m2, _ := startMain(t, db, nil)
	defer m2.Close()
	if st, _ := api(t, "GET", m2.URL()+"/api/v1/rounds", strings.TrimSpace(tok), nil); st != 200 {
		t.Fatalf("the new authority's token: %d", st)
	}
	if st, _ := api(t, "POST", m2.URL()+"/api/v1/rounds", strings.TrimSpace(tok), map[string]any{"title": "x", "year": 2026}); st != 403 {
		t.Fatalf("an authority created a round: %d", st)
	}
}

func TestKeygenPrintsAPublicAndASecretLine(t *testing.T) {
	t.Parallel()
	out, _, code := runBinary(t, "keygen")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "age1") || !strings.HasPrefix(lines[1], "AGE-SECRET-KEY-1") {
		t.Fatalf("keygen: %d %q", code, out)
	}
	f := filepath.Join(t.TempDir(), "round.key")
	out, _, code = runBinary(t, "keygen", "--out", f)
	secret, _ := os.ReadFile(f)
	st, _ := os.Stat(f)
	if code != 0 || !strings.HasPrefix(out, "age1") || strings.Contains(out, "SECRET") || !strings.HasPrefix(string(secret), "AGE-SECRET-KEY-1") || st.Mode().Perm() != 0o600 {
		t.Fatalf("keygen --out: %d %q %q %v", code, out, secret, st.Mode())
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// oneTargetRound makes round r1 on the running server at url: one province
// and one grassroots target "c" on the built-in form, and a fresh key pair
// whose public half it sets; it returns the pair.
func oneTargetRound(t *testing.T, url, tok, title, form string) seal.KeyPair {
	t.Helper()
	u := url + "/api/v1/rounds"
	kp, _ := seal.GenerateKeyPair()
	api(t, "POST", u, tok, map[string]any{"title": title, "year": 2026})
	api(t, "POST", u+"/r1/forms", tok, map[string]string{"template": form})
	api(t, "POST", u+"/r1/units", tok, []map[string]string{{"id": "p", "name": "P", "kind": "province"},
		{"id": "c", "name": "C", "parent": "p", "kind": "grassroots", "group": "xa", "form": form}})
	if st, r := api(t, "PUT", u+"/r1/key", tok, map[string]string{"public_key": kp.Public}); st != 200 {
		t.Fatalf("round setup: %d %v", st, r)
	}
	return kp
}
