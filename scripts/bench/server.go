package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
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
