package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// server is a running ballot binary.
type server struct {
	cmd   *exec.Cmd
	url   string
	token string
	// pprof is the address of the server's profiles, when asked for.
	pprof string
	// started is how long the process took from exec to its first answer.
	started time.Duration
}

var (
	tokenRE  = regexp.MustCompile(`API token:\s+(bt_\S+)`)
	listenRE = regexp.MustCompile(`listening on (http://\S+)`)
	pprofRE  = regexp.MustCompile(`profiles on (http://\S+)`)
)

// start runs `ballot serve` on db and waits until it answers /healthz;
// with profiles, it also serves Go's profiles.
func start(bin, db string, profiles bool) (*server, error) {
	t0 := time.Now()
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0")
	if profiles {
		cmd.Args = append(cmd.Args, "--pprof", "127.0.0.1:0")
	}
	cmd.Stderr = io.Discard // access logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := tokenRE.FindStringSubmatch(sc.Text()); m != nil {
			s.token = m[1]
		}
		if m := pprofRE.FindStringSubmatch(sc.Text()); m != nil {
			s.pprof = m[1]
		}
		if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
			s.url = m[1]
		}
		if s.url != "" && (!profiles || s.pprof != "") {
			go io.Copy(io.Discard, out)
			for {
				res, err := http.Get(s.url + "/healthz")
				if err == nil {
					res.Body.Close()
					if res.StatusCode == 200 {
						s.started = time.Since(t0)
						return s, nil
					}
				}
				if time.Since(t0) > 30*time.Second {
					s.stop()
					return nil, fmt.Errorf("the server does not answer /healthz")
				}
				time.Sleep(time.Millisecond)
			}
		}
	}
	cmd.Wait()
	return nil, fmt.Errorf("the server did not start")
}

// stop ends the server the way an operator would (SIGINT) and waits.
func (s *server) stop() {
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

// call sends an authenticated API request; body is JSON, or CSV when []byte.
func (s *server) call(method, path string, body, out any) error {
	var rd io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ctype = bytes.NewReader(b), "text/csv"
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, s.url+path, rd)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+s.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// metric reads one figure from the server's Prometheus endpoint.
func (s *server) metric(name string) float64 {
	req, _ := http.NewRequest("GET", s.url+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}

// memory samples the server's anonymous resident memory (Go heap, stacks
// and runtime, not the mapped database file) until stopped, keeping the peak.
type memory struct {
	peak atomic.Int64
	stop chan struct{}
	wg   sync.WaitGroup
}

func watchMemory(pid int) *memory {
	m := &memory{stop: make(chan struct{})}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		for {
			if v := anonMemory(pid); v > m.peak.Load() {
				m.peak.Store(v)
			}
			select {
			case <-m.stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return m
}

// done stops sampling and returns the peak in bytes.
func (m *memory) done() int64 {
	close(m.stop)
	m.wg.Wait()
	return m.peak.Load()
}

// anonMemory is a process's RssAnon from /proc, in bytes.
func anonMemory(pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "RssAnon:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
