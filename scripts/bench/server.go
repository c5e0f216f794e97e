package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"ballot/internal/crashloop"
)

// server is a running ballot binary.
type server struct {
	*crashloop.Server
	// started is how long the process took from exec to its first answer.
	started time.Duration
}

// start runs `ballot serve` on db and waits until it answers /healthz;
// with profiles, it also serves Go's profiles.
func start(bin, db string, profiles bool) (*server, error) {
	t0 := time.Now()
	var args []string
	if profiles {
		args = []string{"--pprof", "127.0.0.1:0"}
	}
	cs, err := crashloop.Start(bin, db, args...)
	if err != nil {
		return nil, err
	}
	for {
		res, err := http.Get(cs.URL + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return &server{Server: cs, started: time.Since(t0)}, nil
			}
		}
		if time.Since(t0) > 30*time.Second {
			cs.Stop()
			return nil, fmt.Errorf("the server does not answer /healthz")
		}
		time.Sleep(time.Millisecond)
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
	req, _ := http.NewRequest(method, s.URL+path, rd)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+s.Token)
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
	req, _ := http.NewRequest("GET", s.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+s.Token)
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
