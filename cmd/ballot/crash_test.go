package main

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"ballot/internal/seal"
)

// proc is the real binary serving a database.
type proc struct {
	cmd   *exec.Cmd
	url   string
	token string
}

// startServer runs `ballot serve` on a free port and waits until it listens.
func startServer(t *testing.T, db string) *proc {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--db", db, "--addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &proc{cmd: cmd}
	lines := bufio.NewScanner(out)
	deadline := time.AfterFunc(10*time.Second, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for lines.Scan() {
		line := lines.Text()
		if m := tokenRE.FindStringSubmatch(line); m != nil {
			s.token = m[1]
		}
		if _, after, ok := strings.Cut(line, "listening on "); ok {
			s.url = strings.Fields(after)[0]
			go func() {
				for lines.Scan() {
				}
			}()
			return s
		}
	}
	t.Fatalf("the server did not start")
	return nil
}

func (s *proc) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
}

// TestEveryAcknowledgedBallotSurvivesKill9: the real binary is killed with
// SIGKILL during bursts of submissions, several times; after counting,
// every receipt that was answered 201 is published, and `ballot check`
// finds the file clean.
func TestEveryAcknowledgedBallotSurvivesKill9(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ballot.db")
	srv := startServer(t, db)
	tok := srv.token
	kp, _ := seal.GenerateKeyPair()
	u := srv.url + "/api/v1/rounds"
	must := func(st int, want int, what string) {
		t.Helper()
		if st != want {
			t.Fatalf("%s: %d", what, st)
		}
	}
	st, _ := api(t, "POST", u, tok, map[string]any{"title": "Đợt thử", "year": 2026})
	must(st, 201, "round")
	st, _ = api(t, "POST", u+"/r1/forms", tok, map[string]string{"template": "diem-100"})
	must(st, 201, "form")
	st, _ = api(t, "POST", u+"/r1/units", tok, []map[string]string{{"id": "p", "name": "P", "kind": "province"}, {"id": "c", "name": "C", "parent": "p", "kind": "grassroots", "form": "diem-100"}})
	must(st, 201, "units")
	st, _ = api(t, "PUT", u+"/r1/key", tok, map[string]string{"public_key": kp.Public})
	must(st, 200, "key")
	st, b := api(t, "POST", u+"/r1/batches", tok, map[string]any{"targets": []string{"c"}, "count": 6000})
	must(st, 201, "batch")
	codes := make(chan string, 6000)
	for _, c := range b["codes"].([]any) {
		codes <- c.(string)
	}
	st, _ = api(t, "POST", u+"/r1/open", tok, nil)
	must(st, 200, "open")

	var mu sync.Mutex
	acknowledged := map[string]bool{}
	for cycle := 0; cycle < 4; cycle++ {
		if cycle > 0 {
			srv = startServer(t, db)
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := 0; w < 32; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					case code := <-codes:
						body := map[string]any{"code": code, "submission_id": uuid.NewString(), "ballots": []map[string]any{
							{"target": "c", "answers": map[string]any{"s1": 10, "s2": 10, "s3": 5, "s4": 20, "s5": 5, "level": "htnv"}}}}
						st, r, err := tryAPI("POST", srv.url+"/api/v1/ballots", body)
						if err != nil {
							return // the server is gone
						}
						if st == 201 {
							mu.Lock()
							acknowledged[r["receipt"].(string)] = true
							mu.Unlock()
						}
					}
				}
			}()
		}
		time.Sleep(time.Duration(60+rand.IntN(120)) * time.Millisecond)
		srv.kill()
		close(stop)
		wg.Wait()
	}
	if len(acknowledged) < 50 {
		t.Fatalf("only %d acknowledged ballots: the bursts were too small to show anything", len(acknowledged))
	}

	srv = startServer(t, db)
	st, _ = api(t, "POST", u2(srv, "/r1/close"), tok, nil)
	must(st, 200, "close")
	_, turnout := api(t, "GET", u2(srv, "/r1/turnout"), tok, nil)
	srv.kill()
	// count offline, as the committee would with its key file
	keyFile := filepath.Join(t.TempDir(), "round.key")
	os.WriteFile(keyFile, []byte("# committee key\n"+kp.Private+"\n"), 0o600)
	if out, errOut, code := runBinary(t, "count", "--db", db, "--round", "r1", "--key-file", keyFile); code != 0 || !strings.Contains(out, "counted") {
		t.Fatalf("ballot count: %d %s %s", code, out, errOut)
	}
	srv = startServer(t, db)
	_, pub := api(t, "GET", u2(srv, "/r1/receipts"), "", nil)
	published := map[string]bool{}
	for _, h := range pub["hashes"].([]any) {
		published[h.(string)] = true
	}
	for rc := range acknowledged {
		if !published[receiptHashHex(rc)] {
			t.Errorf("acknowledged receipt %s is not counted", rc)
		}
	}
	if pub["count"] != turnout["used"] {
		t.Errorf("%v receipts published, %v codes used", pub["count"], turnout["used"])
	}
	srv.kill()
	if out, _, code := runBinary(t, "check", "--db", db); code != 0 {
		t.Fatalf("ballot check after the crashes:\n%s", out)
	}
	t.Logf("%d acknowledged ballots over 4 kills, %v codes used, all counted", len(acknowledged), turnout["used"])

	// the counted round's tally comes out of `ballot tally` in every format
	for _, format := range []string{"json", "csv", "xlsx", "html"} {
		out := filepath.Join(t.TempDir(), "tally."+format)
		_, errOut, code := runBinary(t, "tally", "--db", db, "--round", "r1", "--format", format, "--out", out)
		raw, _ := os.ReadFile(out)
		if code != 0 || len(raw) < 500 || !strings.Contains(errOut, "writing") {
			t.Fatalf("ballot tally --format %s: exit %d, %d bytes, %s", format, code, len(raw), errOut)
		}
		if format == "json" {
			var v struct {
				Targets []struct{ Ballots int }
			}
			if err := json.Unmarshal(raw, &v); err != nil || len(v.Targets) != 1 || float64(v.Targets[0].Ballots) != turnout["used"] {
				t.Fatalf("the JSON tally does not count %v ballots: %v %s", turnout["used"], err, raw[:min(200, len(raw))])
			}
		}
		out = filepath.Join(t.TempDir(), "report."+format)
		if _, errOut, code := runBinary(t, "report", "--db", db, "--round", "r1", "--format", format, "--out", out); code != 0 {
			t.Fatalf("ballot report --format %s: exit %d: %s", format, code, errOut)
		}
		if format == "json" {
			raw, _ := os.ReadFile(out)
			if !strings.Contains(string(raw), `"total": 1`) || !strings.Contains(string(raw), `"not_rated": 1`) {
				t.Fatalf("report: %s", raw)
			}
		}
	}
}

func u2(s *proc, path string) string { return s.url + "/api/v1/rounds" + path }
