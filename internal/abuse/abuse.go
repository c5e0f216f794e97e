// Package abuse drives the attacks of clients without credentials against
// the real binary, sampling its anonymous memory and checking legitimate
// requests are answered (docs/design.md §3.11): for go test and scripts/bench.
package abuse

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"ballot/internal/codes"
	"ballot/internal/crashloop"
	"ballot/internal/seal"
)

// Attacker is the address the attacks come from (one address: told apart
// by X-Forwarded-For from the trusted proxy 127.0.0.1); Legitimate that of
// the people still served.
const (
	Attacker   = "198.51.100.7"
	Legitimate = "203.0.113.5"
)

// Fixture is a prepared database: an admin whose password is known, and a
// round open with codes to vote. Copies of the file serve one attack each.
type Fixture struct {
	User, Password, Token string
	Codes                 []string
}

// Prepare makes db: the first start (which creates the first admin), an
// admin added offline so that its password is known, then, served again,
// seed (if any: a larger scenario for a realistic base) and a round of one
// target opened with n codes.
func Prepare(binary, db string, n int, seed func(url, token string) error) (*Fixture, error) {
	first, err := crashloop.Start(binary, db)
	if err != nil {
		return nil, err
	}
	first.Stop()
	f := &Fixture{User: "quantri", Token: first.Token}
	out, err := exec.Command(binary, "user", "add", "--db", db, "--name", f.User, "--role", "admin").Output()
	if err != nil {
		return nil, fmt.Errorf("user add: %v", err)
	}
	f.Password = strings.TrimSpace(string(out))
	s, err := crashloop.Start(binary, db)
	if err != nil {
		return nil, err
	}
	defer s.Stop()
	if seed != nil {
		if err := seed(s.URL, f.Token); err != nil {
			return nil, err
		}
	}
	return f, f.openRound(s.URL, n)
}

func (f *Fixture) openRound(base string, n int) error {
	kp, _ := seal.GenerateKeyPair()
	st, r, err := crashloop.Call("POST", base+"/api/v1/rounds", f.Token, map[string]any{"title": "Đợt thử tấn công", "year": 2026})
	if err != nil || st != 201 {
		return fmt.Errorf("round: %d %v %v", st, r, err)
	}
	u := base + "/api/v1/rounds/" + r["id"].(string)
	for _, step := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/forms", map[string]string{"template": "diem-100"}},
		{"POST", "/units", []map[string]string{{"id": "p", "name": "P", "kind": "province"}, {"id": "c", "name": "C", "parent": "p", "kind": "grassroots", "form": "diem-100"}}},
		{"PUT", "/key", map[string]string{"public_key": kp.Public}},
	} {
		if st, body, err := crashloop.Call(step.method, u+step.path, f.Token, step.body); err != nil || st/100 != 2 {
			return fmt.Errorf("setup %s %s: %d %v %v", step.method, step.path, st, body, err)
		}
	}
	for left := n; left > 0; left -= 10_000 {
		st, b, err := crashloop.Call("POST", u+"/batches", f.Token, map[string]any{"targets": []string{"c"}, "count": min(left, 10_000)})
		if err != nil || st != 201 {
			return fmt.Errorf("batch: %d %v", st, err)
		}
		for _, c := range b["codes"].([]any) {
			f.Codes = append(f.Codes, c.(string))
		}
	}
	if st, _, err := crashloop.Call("POST", u+"/open", f.Token, nil); err != nil || st != 200 {
		return fmt.Errorf("open: %d %v", st, err)
	}
	return nil
}

// Server is the binary serving a copy of a fixture's database.
type Server struct {
	*crashloop.Server
	*Fixture
	codes chan string
}

// Start serves db, a copy of the fixture's file, behind a trusted proxy
// 127.0.0.1 (so that X-Forwarded-For names the client).
func (f *Fixture) Start(binary, db string) (*Server, error) {
	cs, err := crashloop.Start(binary, db, "--trusted-proxy", "127.0.0.1")
	if err != nil {
		return nil, err
	}
	s := &Server{Server: cs, Fixture: f, codes: make(chan string, len(f.Codes))}
	for _, c := range f.Codes {
		s.codes <- c
	}
	return s, nil
}

// Result is one attack.
type Result struct {
	Name     string
	Requests int
	Statuses map[int]int // answers by status
	Cut      int         // requests the server ended without an answer
	Held     int         // connections still held, unanswered, at the end
	Took     time.Duration
	Idle     int64  // the server's anonymous memory just before, bytes
	Peak     int64  // its peak during the attack
	Legit    string // what the legitimate requests meanwhile got
	LegitOK  bool
}

func (r Result) String() string {
	var st []string
	for _, code := range []int{201, 303, 400, 401, 404, 409, 429, 503} {
		if n := r.Statuses[code]; n > 0 {
			st = append(st, fmt.Sprintf("%d×%d", n, code))
		}
	}
	if r.Cut > 0 {
		st = append(st, fmt.Sprintf("%d cut", r.Cut))
	}
	if r.Held > 0 {
		st = append(st, fmt.Sprintf("%d held", r.Held))
	}
	return fmt.Sprintf("%s: %d requests in %s (%s), %.1f MB before, peak %.1f MB; meanwhile %s", r.Name, r.Requests,
		r.Took.Round(10*time.Millisecond), strings.Join(st, ", "), float64(r.Idle)/1e6, float64(r.Peak)/1e6, r.Legit)
}

// Run runs attack while sampling memory; then, still during the attack
// unless it is over, the legitimate requests.
func (s *Server) Run(name string, attack func(*Result)) Result {
	r := Result{Name: name, Statuses: map[int]int{}, Idle: AnonMemory(s.Pid())}
	m := Watch(s.Pid())
	start := time.Now()
	done := make(chan struct{})
	go func() { attack(&r); close(done) }()
	time.Sleep(100 * time.Millisecond) // the attack is under way
	r.Legit, r.LegitOK = s.legitimate()
	<-done
	r.Took = time.Since(start)
	r.Peak = m.Stop()
	return r
}

// legitimate signs the admin in from another address and submits a ballot.
func (s *Server) legitimate() (string, bool) {
	signin, ballot := s.signIn(s.Password, Legitimate), 0
	select {
	case code := <-s.codes:
		ballot = s.Ballot(code, Legitimate)
	default: // no code left
	}
	return fmt.Sprintf("a right sign-in %d, a ballot %d", signin, ballot), signin == 303 && ballot == 201
}

// client never follows redirects: a sign-in answers 303.
var client = &http.Client{
	Transport:     &http.Transport{MaxIdleConnsPerHost: 64},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       60 * time.Second,
}

func (s *Server) post(path, ctype, body, from string) int {
	req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Origin", s.URL)
	req.Header.Set("X-Forwarded-For", from)
	res, err := client.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func (s *Server) signIn(password, from string) int {
	return s.post("/console/login", "application/x-www-form-urlencoded",
		url.Values{"name": {s.User}, "password": {password}}.Encode(), from)
}

// Ballot submits a ballot with code from an address.
func (s *Server) Ballot(code, from string) int {
	b, _ := json.Marshal(map[string]any{"code": code, "submission_id": uuid.NewString(), "ballots": []map[string]any{
		{"target": "c", "answers": map[string]any{"s1": 10, "s2": 10, "s3": 5, "s4": 20, "s5": 5, "level": "htnv"}}}})
	return s.post("/api/v1/ballots", "application/json", string(b), from)
}

// Guess submits a ballot with a check-valid code that matches nothing.
func (s *Server) Guess(from string) int { return s.Ballot(codes.New(), from) }

// SignIns sends n wrong passwords for the admin at once from Attacker.
func (s *Server) SignIns(n int) func(*Result) {
	return func(r *Result) {
		r.Requests = n
		s.atOnce(r, n, func(int) int { return s.signIn("đoán mò "+uuid.NewString(), Attacker) })
	}
}

// Bodies sends n bodies of size bytes at once to path, each written as
// fast as the server takes it until the server answers or cuts it; chunked
// sends them without a Content-Length.
func (s *Server) Bodies(path, ctype string, n, size int, chunked bool) func(*Result) {
	return func(r *Result) {
		r.Requests = n
		s.atOnce(r, n, func(int) int { return s.body(path, ctype, size, chunked) })
	}
}

// body sends one large body on its own connection; 0 means cut.
func (s *Server) body(path, ctype string, size int, chunked bool) int {
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		return 0
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	length := "Content-Length: " + strconv.Itoa(size)
	if chunked {
		length = "Transfer-Encoding: chunked"
	}
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nX-Forwarded-For: %s\r\n%s\r\n\r\n", path, ctype, Attacker, length)
	answered := make(chan int, 1)
	go func() {
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			answered <- 0
			return
		}
		res.Body.Close()
		answered <- res.StatusCode
	}()
	chunk := bytes.Repeat([]byte("a"), 256<<10)
	for sent := 0; sent < size; sent += len(chunk) {
		select {
		case st := <-answered:
			return st
		default:
		}
		part := chunk[:min(len(chunk), size-sent)]
		if chunked {
			fmt.Fprintf(conn, "%x\r\n", len(part))
		}
		if _, err := conn.Write(part); err != nil {
			break
		}
		if chunked {
			io.WriteString(conn, "\r\n")
		}
	}
	if chunked {
		io.WriteString(conn, "0\r\n\r\n")
	}
	return <-answered
}

// Connections opens n connections that each send half a request and
// then nothing, holding them for hold (the server cuts each at its read
// timeout); Statuses counts those answered at once (503 beyond the
// connection bound), Held those still waiting.
func (s *Server) Connections(n int, hold time.Duration) func(*Result) {
	return func(r *Result) {
		r.Requests = n
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for i := 0; i < n; i++ {
			c, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
			if err != nil {
				r.Cut++
				continue
			}
			io.WriteString(c, "POST /api/v1/ballots HTTP/1.1\r\nHost: x\r\n")
			conns = append(conns, c)
		}
		time.Sleep(hold)
		for _, c := range conns {
			c.SetReadDeadline(time.Now().Add(time.Millisecond))
			if res, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
				r.Statuses[res.StatusCode]++
			} else {
				r.Held++
			}
		}
	}
}

// Addresses makes a client guess until it is throttled, then sends one
// guess from each of n other addresses (workers at a time), then tries
// the throttled client again: it must still be refused. Statuses counts
// the flood's answers; Legit also says what the throttled client got.
func (s *Server) Addresses(n, workers int, throttled *int) func(*Result) {
	return func(r *Result) {
		const client = "198.51.100.9"
		for s.Guess(client) != 429 {
		}
		r.Requests = n
		var next atomic.Int64
		var mu sync.Mutex
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= n {
						return
					}
					st := s.Guess(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
					mu.Lock()
					r.count(st)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		*throttled = s.Guess(client)
	}
}

func (r *Result) count(st int) {
	if st == 0 {
		r.Cut++
	} else {
		r.Statuses[st]++
	}
}

func (s *Server) atOnce(r *Result, n int, req func(i int) int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			st := req(i)
			mu.Lock()
			r.count(st)
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
}

// Load submits ballots from workers for d: plain load, the baseline.
func (s *Server) Load(workers int, d time.Duration) func(*Result) {
	return func(r *Result) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := time.Now().Add(d)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					var code string
					select {
					case code = <-s.codes:
					default:
						return
					}
					st := s.Ballot(code, fmt.Sprintf("192.0.2.%d", w))
					mu.Lock()
					r.Requests++
					r.count(st)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
}

// Memory samples a process's anonymous resident memory (heap, stacks,
// runtime: not the mapped database file) every 10 ms, keeping the peak.
type Memory struct {
	peak atomic.Int64
	stop chan struct{}
	wg   sync.WaitGroup
}

// Watch starts sampling pid.
func Watch(pid int) *Memory {
	m := &Memory{stop: make(chan struct{})}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		for {
			if v := AnonMemory(pid); v > m.peak.Load() {
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

// Stop ends sampling and returns the peak in bytes.
func (m *Memory) Stop() int64 {
	close(m.stop)
	m.wg.Wait()
	return m.peak.Load()
}

// AnonMemory is a process's RssAnon from /proc, in bytes (0 if unknown).
func AnonMemory(pid int) int64 {
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

// Budget is P4's memory budget (docs/design.md §6), which P8 applies under
// attack.
const Budget = 150e6

// Attack is one of issue 14's attacks and what it must come to.
type Attack struct {
	Name  string
	Run   func(*Result)
	Check func(Result) error
	// Refuses: the attack may have others refused meanwhile (memory
	// stays bounded; service does not).
	Refuses bool
}

// Attacks are issue 14's attacks by clients without credentials, the
// address flood with n addresses (100,010 in the issue).
func (s *Server) Attacks(n int) []Attack {
	const mib = 1 << 20
	throttled := 0
	return []Attack{
		{Name: "60 wrong passwords for the admin at once from one address", Run: s.SignIns(60), Check: func(r Result) error {
			if r.Statuses[401] > 10 {
				return fmt.Errorf("%d passwords checked, limit 10", r.Statuses[401])
			}
			return nil
		}},
		{Name: "120 bodies of 31 MiB at once to POST /", Run: s.Bodies("/", "application/x-www-form-urlencoded", 120, 31*mib, false), Check: refused},
		{Name: "40 bodies of 31 MiB at once to POST /api/v1/ballots", Run: s.Bodies("/api/v1/ballots", "application/json", 40, 31*mib, false), Check: refused},
		{Name: "120 chunked bodies of 31 MiB at once to POST /ballot", Run: s.Bodies("/ballot", "application/x-www-form-urlencoded", 120, 31*mib, true), Check: refused},
		{Name: fmt.Sprintf("a throttled client, then one guess from each of %d addresses", n), Run: s.Addresses(n, 16, &throttled), Check: func(r Result) error {
			if r.Statuses[404] != n || throttled != 429 {
				return fmt.Errorf("the flood got %v; the throttled client then %d", r.Statuses, throttled)
			}
			return nil
		}},
	}
}

// Flood is a connection flood beyond the server's bound of connections:
// memory stays bounded, but while it lasts newcomers are refused.
func (s *Server) Flood(n int) Attack {
	return Attack{Name: fmt.Sprintf("%d connections at once, each sending half a request", n), Run: s.Connections(n, 2*time.Second), Refuses: true,
		Check: func(r Result) error {
			if r.Held+r.Statuses[503]+r.Cut != n {
				return fmt.Errorf("%v, %d held", r.Statuses, r.Held)
			}
			return nil
		}}
}

// refused: every large body was answered with a 4xx or busy, or cut.
func refused(r Result) error {
	n := r.Cut
	for st, k := range r.Statuses {
		if st/100 == 4 || st == 503 {
			n += k
		}
	}
	if n != r.Requests {
		return fmt.Errorf("%d of %d bodies accepted", r.Requests-n, r.Requests)
	}
	return nil
}

// Held reports what r broke: the memory budget, a legitimate request, or
// the attack's own check.
func (a Attack) Held(r Result) error {
	if r.Peak <= 0 || r.Peak > Budget {
		return fmt.Errorf("peak anonymous memory %.1f MB, budget %.0f MB", float64(r.Peak)/1e6, Budget/1e6)
	}
	if !r.LegitOK && !a.Refuses {
		return fmt.Errorf("legitimate requests got %s", r.Legit)
	}
	return a.Check(r)
}
