// Command load measures durable ballot submissions over HTTP (SPEC §6 P1)
// against a baseline measured in the same run: it builds and starts the
// real server on a fresh database, seeds the "province" scenario (978
// targets, 61,567 codes), drives a trivial route and then the ballot route
// with the same generator and connection count, checks that every 201 is a
// stored ballot, and prints the figures.
//
//	go run ./scripts/load [-conns 256] [-seconds 10]
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"ballot/internal/demo"
	"ballot/internal/rounds"
	"ballot/internal/seal"
)

var (
	conns   = flag.Int("conns", 256, "concurrent connections")
	seconds = flag.Int("seconds", 10, "length of each measured run")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

type server struct {
	cmd   *exec.Cmd
	url   string
	token string
}

func run() error {
	dir, err := os.MkdirTemp("", "ballot-load")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "ballot")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/ballot").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	srv, err := start(bin, filepath.Join(dir, "ballot.db"))
	if err != nil {
		return err
	}
	defer srv.cmd.Process.Kill()

	fmt.Println("seeding the province scenario …")
	pool, err := seed(srv)
	if err != nil {
		return err
	}
	fmt.Printf("%d codes over %d targets\n", len(pool), 978)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns}, Timeout: 30 * time.Second}
	d := time.Duration(*seconds) * time.Second

	base := drive(client, d, func() (*http.Request, int) {
		req, _ := http.NewRequest("GET", srv.url+"/healthz", nil)
		return req, 200
	})
	var next atomic.Int64
	sub := drive(client, d, func() (*http.Request, int) {
		i := int(next.Add(1) - 1)
		if i >= len(pool) {
			return nil, 0
		}
		req, _ := http.NewRequest("POST", srv.url+"/api/v1/ballots", bytes.NewReader(pool[i]))
		req.Header.Set("Content-Type", "application/json")
		return req, 201
	})

	var turnout struct{ Used int }
	if err := call(srv, "GET", "/api/v1/rounds/r1/turnout", nil, &turnout); err != nil {
		return err
	}
	commits, requests := metric(srv, "ballot_commits_total"), metric(srv, "ballot_commit_requests_sum")
	rss := anonMemory(srv.cmd.Process.Pid)

	fmt.Printf("\n%-34s %12s %10s %10s %8s\n", "run", "requests/s", "p50 ms", "p99 ms", "errors")
	for _, r := range []result{base, sub} {
		fmt.Printf("%-34s %12.0f %10.2f %10.2f %8d\n", r.name, r.rate, r.p50, r.p99, r.errors)
	}
	fmt.Printf("\nP1 ratio (ballots/s ÷ baseline/s): %.2f   (goal ≥ 0.5; p99 goal ≤ 100 ms)\n", sub.rate/base.rate)
	fmt.Printf("accepted 201s: %d; codes used per turnout: %d (must be equal)\n", sub.ok, turnout.Used)
	if commits > 0 {
		fmt.Printf("commits: %.0f, submissions per commit (fsync): %.1f\n", commits, requests/commits)
	}
	fmt.Printf("anonymous memory of the server after the run: %.1f MB\n", float64(rss)/1e6)
	if sub.ok != turnout.Used {
		return fmt.Errorf("%d submissions answered 201 but %d codes used", sub.ok, turnout.Used)
	}
	return nil
}

var (
	tokenRE  = regexp.MustCompile(`API token:\s+(bt_\S+)`)
	listenRE = regexp.MustCompile(`listening on (http://\S+)`)
)

func start(bin, db string) (*server, error) {
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0")
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
		if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
			s.url = m[1]
			go io.Copy(io.Discard, out)
			return s, nil
		}
	}
	return nil, fmt.Errorf("the server did not start")
}

func call(s *server, method, path string, body, out any) error {
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

// seed makes round r1 over the province tree with its codes, opens it, and
// returns a ready request body for every code.
func seed(s *server) ([][]byte, error) {
	kp, _ := seal.GenerateKeyPair()
	steps := []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/rounds", map[string]any{"title": "Tải thử", "year": 2026}},
		{"POST", "/api/v1/rounds/r1/forms", map[string]string{"template": "to-chuc-co-so-dang"}},
		{"POST", "/api/v1/rounds/r1/forms", map[string]string{"template": "tap-the-lanh-dao"}},
		{"POST", "/api/v1/rounds/r1/units", demo.ProvinceCSV},
		{"PUT", "/api/v1/rounds/r1/key", map[string]string{"public_key": kp.Public}},
	}
	for _, st := range steps {
		if err := call(s, st.method, st.path, st.body, nil); err != nil {
			return nil, err
		}
	}
	units, err := rounds.ParseCSV(demo.ProvinceCSV)
	if err != nil {
		return nil, err
	}
	var pool [][]byte
	extra := 61_567 - 957*62 - 21*106 // the last district gets the rest
	for i, u := range units {
		if !u.IsTarget() {
			continue
		}
		n := 62
		if u.Kind == "district" {
			n = 106
			if i == len(units)-1 || u.ID == lastDistrict(units) {
				n += extra
			}
		}
		var b struct{ Codes []string }
		if err := call(s, "POST", "/api/v1/rounds/r1/batches", map[string]any{"targets": []string{u.ID}, "count": n}, &b); err != nil {
			return nil, err
		}
		for _, c := range b.Codes {
			body, _ := json.Marshal(map[string]any{"code": c, "submission_id": uuid.NewString(),
				"ballots": []map[string]any{{"target": u.ID, "answers": answers(u.Form)}}})
			pool = append(pool, body)
		}
	}
	return pool, call(s, "POST", "/api/v1/rounds/r1/open", nil, nil)
}

func lastDistrict(units []rounds.Unit) string {
	last := ""
	for _, u := range units {
		if u.Kind == "district" {
			last = u.ID
		}
	}
	return last
}

func answers(form string) map[string]any {
	a := map[string]any{"level": "htt", "comment": "Tập thể đoàn kết, lãnh đạo hoàn thành tốt nhiệm vụ."}
	for i := 1; i <= 7; i++ {
		a["c"+strconv.Itoa(i)] = "tot"
	}
	return a
}

type result struct {
	name          string
	rate          float64
	p50, p99      float64
	ok, errors    int
	latenciesMsec []float64
}

// drive sends requests made by next on every connection for d, or until
// next returns nil.
func drive(client *http.Client, d time.Duration, next func() (*http.Request, int)) result {
	var mu sync.Mutex
	var lat []float64
	var ok, bad int
	var path string
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < *conns; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []float64
			myOK, myBad := 0, 0
			for time.Now().Before(deadline) {
				req, want := next()
				if req == nil {
					break
				}
				t0 := time.Now()
				res, err := client.Do(req)
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				mine = append(mine, float64(time.Since(t0).Microseconds())/1000)
				if err != nil || res.StatusCode != want {
					myBad++
				} else {
					myOK++
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			ok += myOK
			bad += myBad
			mu.Unlock()
		}()
	}
	req, _ := next()
	if req != nil {
		path = req.Method + " " + req.URL.Path
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	sort.Float64s(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return math.NaN()
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	return result{name: path, rate: float64(ok) / elapsed, p50: pct(0.50), p99: pct(0.99), ok: ok, errors: bad}
}

func metric(s *server, name string) float64 {
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

// anonMemory is the server's anonymous resident memory (heap and stacks,
// not the mapped database file), from /proc.
func anonMemory(pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "RssAnon:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1000
		}
	}
	return 0
}
