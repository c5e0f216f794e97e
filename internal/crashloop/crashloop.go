// Package crashloop kills the real binary (SIGKILL, or SIGTERM) during
// submissions again and again, then proves every submission answered 201
// was counted: a short loop in go test, a long one in scripts/crashloop.
package crashloop

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"

	"ballot/internal/seal"
)

// Config is one crash loop.
type Config struct {
	Binary  string // the built ballot binary
	DB      string // the database file (need not exist)
	Cycles  int
	Codes   int // codes issued
	Workers int // concurrent submitters
	// Each cycle waits for MinPerCycle acknowledged ballots (default 20;
	// at most a minute), then up to Burst more, before the signal — so a
	// slow, loaded machine still kills mid-load, never before it.
	MinPerCycle int
	Burst       time.Duration
	// Signal ends each cycle: SIGKILL by default (a crash), or SIGTERM (an
	// operator's stop, after which the server must exit 0).
	Signal syscall.Signal
	Log    io.Writer
}

// Result is what a loop found.
type Result struct {
	Acknowledged int // submissions answered 201
	Used         int // codes used per turnout
	Published    int // receipt hashes published after counting
	Missing      []string
	Token        string
	PrivateKey   string
	// With SIGTERM: each cycle's exit status, and how many submissions
	// were answered after the signal was sent (in flight then).
	ExitCodes           []int
	AnsweredAfterSignal int
}

// Server is the binary serving the database. The binary's process tests
// and scripts/bench start it here too.
type Server struct {
	cmd   *exec.Cmd
	URL   string
	Token string // printed at the first start on an empty database
	Pprof string // the profiles' address, when started with --pprof
}

var (
	tokenRE  = regexp.MustCompile(`API token:\s+(bt_\S+)`)
	listenRE = regexp.MustCompile(`listening on (http://\S+)`)
	pprofRE  = regexp.MustCompile(`profiles on (http://\S+)`)
)

// Start runs `ballot serve` on a free port, with any further args, and
// waits until it listens (and, with --pprof, serves its profiles).
func Start(binary, db string, args ...string) (*Server, error) {
	cmd := exec.Command(binary, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{cmd: cmd}
	timer := time.AfterFunc(15*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	profiles := slices.Contains(args, "--pprof")
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if m := tokenRE.FindStringSubmatch(lines.Text()); m != nil {
			s.Token = m[1]
		}
		if m := pprofRE.FindStringSubmatch(lines.Text()); m != nil {
			s.Pprof = m[1]
		}
		if m := listenRE.FindStringSubmatch(lines.Text()); m != nil {
			s.URL = m[1]
		}
		if s.URL != "" && (!profiles || s.Pprof != "") {
			go io.Copy(io.Discard, out)
			return s, nil
		}
	}
	cmd.Wait()
	return nil, fmt.Errorf("the server did not start")
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Kill stops the server with SIGKILL.
func (s *Server) Kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
}

// Terminate sends sig and returns the exit status; a server still running
// after 30 s is killed (status -1).
func (s *Server) Terminate(sig syscall.Signal) int {
	s.cmd.Process.Signal(sig)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
		return s.cmd.ProcessState.ExitCode()
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-done
		return -1
	}
}

// Stop ends the server the way an operator would (SIGINT) and waits; one
// that has not ended after 15 s is killed.
func (s *Server) Stop() {
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

// Call sends a JSON request; an error means no answer (a killed server).
func Call(method, url, token string, body any) (int, map[string]any, error) {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return 0, nil, err
	}
	return res.StatusCode, out, nil
}

// Run sets up a round, runs the loop, closes and counts (offline, with the
// binary's count command), and compares.
func Run(c Config) (*Result, error) {
	logf := func(format string, args ...any) {
		if c.Log != nil {
			fmt.Fprintf(c.Log, format+"\n", args...)
		}
	}
	srv, err := Start(c.Binary, c.DB)
	if err != nil {
		return nil, err
	}
	res := &Result{Token: srv.Token}
	kp, _ := seal.GenerateKeyPair()
	res.PrivateKey = kp.Private
	u := srv.URL + "/api/v1/rounds"
	setup := []struct {
		method, path string
		body         any
		want         int
	}{
		{"POST", "", map[string]any{"title": "Đợt thử sập nguồn", "year": 2026}, 201},
		{"POST", "/r1/forms", map[string]string{"template": "diem-100"}, 201},
		{"POST", "/r1/units", []map[string]string{{"id": "p", "name": "P", "kind": "province"}, {"id": "c", "name": "C", "parent": "p", "kind": "grassroots", "form": "diem-100"}}, 201},
		{"PUT", "/r1/key", map[string]string{"public_key": kp.Public}, 200},
	}
	for _, s := range setup {
		if st, body, err := Call(s.method, u+s.path, srv.Token, s.body); err != nil || st != s.want {
			srv.Kill()
			return nil, fmt.Errorf("setup %s %s: %d %v %v", s.method, s.path, st, body, err)
		}
	}
	codes := make(chan string, c.Codes)
	for left := c.Codes; left > 0; left -= 10000 {
		st, b, err := Call("POST", u+"/r1/batches", srv.Token, map[string]any{"targets": []string{"c"}, "count": min(left, 10000)})
		if err != nil || st != 201 {
			srv.Kill()
			return nil, fmt.Errorf("batch: %d %v", st, err)
		}
		for _, code := range b["codes"].([]any) {
			codes <- code.(string)
		}
	}
	if st, _, err := Call("POST", u+"/r1/open", srv.Token, nil); err != nil || st != 200 {
		srv.Kill()
		return nil, fmt.Errorf("open: %d %v", st, err)
	}
	if c.MinPerCycle <= 0 {
		c.MinPerCycle = 20
	}
	if c.Signal == 0 {
		c.Signal = syscall.SIGKILL
	}
	var mu sync.Mutex
	acknowledged := map[string]bool{}
	for cycle := 0; cycle < c.Cycles; cycle++ {
		if cycle > 0 {
			if srv, err = Start(c.Binary, c.DB); err != nil {
				return nil, fmt.Errorf("restart %d: %w", cycle, err)
			}
		}
		stop := make(chan struct{})
		var signalled atomic.Bool
		var inCycle, afterSignal atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < c.Workers; w++ {
			wg.Add(1)
			go func(url string) {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					case code := <-codes:
						body := map[string]any{"code": code, "submission_id": uuid.NewString(), "ballots": []map[string]any{
							{"target": "c", "answers": map[string]any{"s1": 10, "s2": 10, "s3": 5, "s4": 20, "s5": 5, "level": "htnv"}}}}
						st, r, err := Call("POST", url+"/api/v1/ballots", "", body)
						if err != nil {
							return // killed, or stopped listening
						}
						if signalled.Load() {
							afterSignal.Add(1)
						}
						if st == 201 {
							inCycle.Add(1)
							mu.Lock()
							acknowledged[r["receipt"].(string)] = true
							mu.Unlock()
						}
					}
				}
			}(srv.URL)
		}
		deadline := time.Now().Add(time.Minute)
		for inCycle.Load() < int64(c.MinPerCycle) && time.Now().Before(deadline) && len(codes) > 0 {
			time.Sleep(5 * time.Millisecond)
		}
		if inCycle.Load() < int64(c.MinPerCycle) {
			srv.Kill()
			close(stop)
			wg.Wait()
			return nil, fmt.Errorf("cycle %d: only %d ballots acknowledged in a minute (%d codes left)", cycle+1, inCycle.Load(), len(codes))
		}
		time.Sleep(time.Duration(rand.Int64N(int64(c.Burst) + 1)))
		signalled.Store(true)
		if c.Signal == syscall.SIGKILL {
			srv.Kill()
		} else {
			res.ExitCodes = append(res.ExitCodes, srv.Terminate(c.Signal))
		}
		close(stop)
		wg.Wait()
		res.AnsweredAfterSignal += int(afterSignal.Load())
		logf("cycle %d: %v after %d acknowledged in it; %d acknowledged so far", cycle+1, c.Signal, inCycle.Load(), len(acknowledged))
	}
	res.Acknowledged = len(acknowledged)

	if srv, err = Start(c.Binary, c.DB); err != nil {
		return nil, err
	}
	if st, _, err := Call("POST", u2(srv, "/r1/close"), res.Token, nil); err != nil || st != 200 {
		srv.Kill()
		return nil, fmt.Errorf("close: %d %v", st, err)
	}
	_, turnout, _ := Call("GET", u2(srv, "/r1/turnout"), res.Token, nil)
	res.Used = int(turnout["used"].(float64))
	srv.Kill()
	keyFile := c.DB + ".key"
	if err := writeKey(keyFile, kp.Private); err != nil {
		return nil, err
	}
	if out, err := exec.Command(c.Binary, "count", "--db", c.DB, "--round", "r1", "--key-file", keyFile).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("count: %v\n%s", err, out)
	}
	if srv, err = Start(c.Binary, c.DB); err != nil {
		return nil, err
	}
	defer srv.Kill()
	_, pub, err := Call("GET", u2(srv, "/r1/receipts"), "", nil)
	if err != nil {
		return nil, err
	}
	published := map[string]bool{}
	for _, h := range pub["hashes"].([]any) {
		published[h.(string)] = true
	}
	res.Published = len(published)
	for rc := range acknowledged {
		if !published[hashHex(rc)] {
			res.Missing = append(res.Missing, rc)
		}
	}
	return res, nil
}

func u2(s *Server, path string) string { return s.URL + "/api/v1/rounds" + path }

// Check runs `ballot check` on the database; it returns its output and
// whether it was clean.
func Check(binary, db string) (string, bool) {
	out, err := exec.Command(binary, "check", "--db", db).CombinedOutput()
	return strings.TrimSpace(string(out)), err == nil
}
