package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"ballot/internal/storage"
)

// TestAListenFailureIsOneLineAndWritesNothing: a taken port or a malformed
// --addr ends serve with one line on standard error and exit status 1,
// before a database is created or a password printed.
func TestAListenFailureIsOneLineAndWritesNothing(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	for name, addr := range map[string]string{"taken": taken.Addr().String(), "malformed": "no-port-here", "bad port": "127.0.0.1:99999"} {
		dir := t.TempDir()
		db := filepath.Join(dir, "ballot.db")
		stdout, stderr, code := runBinary(t, "serve", "--db", db, "--addr", addr)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 1 || len(lines) != 1 || !strings.Contains(lines[0], "cannot listen on "+addr) {
			t.Fatalf("%s: exit %d, stderr %q", name, code, stderr)
		}
		if name == "taken" && !strings.Contains(stderr, "address already in use") {
			t.Fatalf("taken: %q does not say the address is in use", stderr)
		}
		if stdout != "" {
			t.Fatalf("%s: printed %q", name, stdout)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("%s: wrote %v", name, entries[0].Name())
		}
	}
	// Nor does a taken port with flags that write: --redirect-http beside
	// ACME (its cache), demo --reset (which deletes the demo database), or
	// a taken --pprof (the profiles were served after the database opened).
	taken2 := taken.Addr().String()
	dir := t.TempDir()
	demoDB := filepath.Join(dir, "demo.db")
	s, err := storage.Open(demoDB, storage.Options{Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	before, _ := os.ReadDir(dir)
	for name, line := range map[string][]string{
		"redirect taken": {"serve", "--db", filepath.Join(dir, "ballot.db"), "--addr", "127.0.0.1:0", "--acme-domain", "phieu.example.vn", "--redirect-http", taken2},
		"demo --reset":   {"demo", "--reset", "--db", demoDB, "--addr", taken2},
		"pprof taken":    {"serve", "--db", filepath.Join(dir, "ballot.db"), "--addr", "127.0.0.1:0", "--pprof", taken2},
	} {
		stdout, stderr, code := runBinary(t, line...)
		if lines := strings.Split(strings.TrimSpace(stderr), "\n"); code != 1 || len(lines) != 1 || !strings.Contains(stderr, "cannot listen on "+taken2) || stdout != "" {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q", name, code, stdout, stderr)
		}
		if after, _ := os.ReadDir(dir); len(after) != len(before) || after[0].Name() != "demo.db" {
			t.Fatalf("%s: the folder holds %v", name, after)
		}
	}
}

// TestCloseStopsEverythingOpenStarted: after Close, none of the goroutines
// Open started (server, schedule, backups, intake writer) is left, even
// with a schedule ticking every millisecond and a submission just made.
func TestCloseStopsEverythingOpenStarted(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 5; i++ {
		m := &Main{DBPath: filepath.Join(dir, "ballot.db"), Addr: "127.0.0.1:0", ScheduleEvery: time.Millisecond,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		m.Backups.Dir, m.Backups.Every, m.Backups.Keep = filepath.Join(dir, "backups"), time.Hour, 2
		if err := m.Open(); err != nil {
			t.Fatal(err)
		}
		if st, _ := api(t, "GET", m.URL()+"/healthz", "", nil); st != 200 {
			t.Fatalf("healthz: %d", st)
		}
		time.Sleep(5 * time.Millisecond)
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		if left := ourGoroutines(); left != "" {
			t.Fatalf("after Close, still running:\n%s", left)
		}
	}
	// an offline command stops the intake its service started too
	if err := run(context.Background(), []string{"check", "--db", filepath.Join(dir, "ballot.db")}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if left := ourGoroutines(); left != "" {
		t.Fatalf("after ballot check, still running:\n%s", left)
	}
}

// ourGoroutines returns the stacks of goroutines running this module's
// code, other than the test's own.
func ourGoroutines() string {
	deadline := time.Now().Add(2 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var left []string
		for _, g := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(g, "ballot/internal/") && !strings.Contains(g, "testing.tRunner") {
				left = append(left, g)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return strings.Join(left, "\n\n")
		}
		time.Sleep(10 * time.Millisecond) // a goroutine on its way out
	}
}

// TestCloseStoresWhatTheWriterHoldsBeforeClosingTheStore: when Close stops
// waiting for requests (ShutdownTimeout) while the writer still holds
// submissions — one in a commit that waits for the file, one queued behind
// it — the intake answers both with receipts before the store is closed.
func TestCloseStoresWhatTheWriterHoldsBeforeClosingTheStore(t *testing.T) {
	t.Parallel()
	m, out := startMain(t, filepath.Join(t.TempDir(), "ballot.db"), nil)
	tok := tokenRE.FindStringSubmatch(out)[1]
	u := m.URL() + "/api/v1/rounds"
	oneTargetRound(t, m.URL(), tok, "Đợt thử dừng", "diem-100")
	_, b := api(t, "POST", u+"/r1/batches", tok, map[string]any{"targets": []string{"c"}, "count": 2})
	api(t, "POST", u+"/r1/open", tok, nil)
	m.ShutdownTimeout = 100 * time.Millisecond

	// A transaction of our own keeps the writer waiting for the file.
	held, release := make(chan struct{}), make(chan struct{})
	go m.store.Update(func(*storage.Tx) error { close(held); <-release; return nil })
	<-held
	statuses := make(chan int, 2)
	submit := func(code any) {
		body, _ := json.Marshal(map[string]any{"code": code, "ballots": []map[string]any{
			{"target": "c", "answers": map[string]any{"s1": 10, "s2": 10, "s3": 5, "s4": 20, "s5": 5, "level": "htnv"}}}})
		res, err := http.Post(m.URL()+"/api/v1/ballots", "application/json", bytes.NewReader(body))
		if err != nil {
			statuses <- 0
			return
		}
		res.Body.Close()
		statuses <- res.StatusCode
	}
	go submit(b["codes"].([]any)[0])
	time.Sleep(200 * time.Millisecond) // the writer is in its commit of the first
	go submit(b["codes"].([]any)[1])
	time.Sleep(200 * time.Millisecond) // the second is queued behind it
	closed := make(chan struct{})
	go func() { m.Close(); close(closed) }()
	time.Sleep(300 * time.Millisecond) // past the shutdown timeout
	select {
	case <-closed:
		t.Fatal("Close returned while the writer held two submissions")
	default:
	}
	close(release)
	for i := 0; i < 2; i++ {
		if st := <-statuses; st != 201 {
			t.Fatalf("a submission the writer held at Close: status %d", st)
		}
	}
	<-closed
}

// TestABadBackupScheduleWritesNothing: a --backup-every or --backup-keep
// that cannot run, or a --backup-dir that cannot be made, ends serve with
// one line and exit status 1 before the database is created or the first
// admin's password printed.
func TestABadBackupScheduleWritesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notADir := filepath.Join(dir, "file")
	os.WriteFile(notADir, nil, 0o600)
	for name, flags := range map[string][]string{
		"every 10ms": {"--backup-dir", filepath.Join(dir, "b"), "--backup-every", "10ms"},
		"keep 0":     {"--backup-dir", filepath.Join(dir, "b"), "--backup-keep", "0"},
		"dir a file": {"--backup-dir", filepath.Join(notADir, "b")},
	} {
		stdout, stderr, code := runBinary(t, append([]string{"serve", "--db", filepath.Join(dir, "ballot.db"), "--addr", "127.0.0.1:0"}, flags...)...)
		if lines := strings.Split(strings.TrimSpace(stderr), "\n"); code != 1 || len(lines) != 1 || !strings.Contains(stderr, "--backup-") || stdout != "" {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q", name, code, stdout, stderr)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Fatalf("%s: the folder holds %d files", name, len(entries))
		}
	}
}

// TestCloseWaitsForRequestsInFlightOnlySoLong: a request that never ends
// holds Close for ShutdownTimeout, not longer, and Close says so.
func TestCloseWaitsForRequestsInFlightOnlySoLong(t *testing.T) {
	t.Parallel()
	m, _ := startMain(t, filepath.Join(t.TempDir(), "ballot.db"), nil)
	m.ShutdownTimeout = 300 * time.Millisecond
	conn, err := net.Dial("tcp", m.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("POST /api/v1/ballots HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"))
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	err = m.Close()
	if d := time.Since(start); d < 300*time.Millisecond || d > 3*time.Second {
		t.Fatalf("Close took %s with a request that never ends (timeout 300ms)", d)
	}
	if err == nil || !strings.Contains(err.Error(), "in flight after 300ms") {
		t.Fatalf("Close: %v", err)
	}
}
