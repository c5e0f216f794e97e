package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"net"
	"sync"
	"time"

	"ballot/internal/apperr"
)

// Guessing limits: check-valid codes that match nothing, per client and
// window. Typos never count (the check digit refuses them first), so a
// meeting room behind one address stays far below this.
const (
	DefaultGuessLimit  = 30
	DefaultGuessWindow = 10 * time.Minute
	// DefaultClients bounds the clients a throttle remembers (about 100
	// bytes each).
	DefaultClients = 100_000
	// inFlightWait is how long a try waits for the tries of its client
	// still being checked, when together they would pass the limit.
	inFlightWait = 2 * time.Second
	// sweepEvery spaces the walks over the whole table that look for
	// throttled clients whose window has passed.
	sweepEvery = time.Second
)

// throttle counts failed tries (unknown codes, wrong passwords) per client and
// window. A try is reserved under the lock before its secret is checked, so
// tries in flight count against the limit and N concurrent tries get at most
// the limit checked (docs/design.md §3.11); a try that turns out right gives
// its reservation back.
//
// Clients are kept only as keyed hashes, in memory, under a key made at
// start: nothing about them is stored or logged. The table is bounded: when
// it is full, the client seen least recently that is not throttled (and has
// nothing in flight) is forgotten first; a throttled client is never
// forgotten within its window. If the table holds only those, newcomers
// share one overflow entry with the same limit until room comes back.
type throttle struct {
	mu     sync.Mutex
	key    []byte
	limit  int
	window time.Duration
	// slow, if set, is the pause a client must leave after its n-th
	// failure before its next try (a slow-down before the lockout).
	slow func(failures int) time.Duration
	// inFlight, if set, bounds a client's tries being checked at once
	// (below the limit), so that one client cannot fill a queue others
	// wait in.
	inFlight int
	// msg is the message key of a refusal; it takes the minutes to wait.
	msg     string
	now     func() time.Time
	max     int
	clients map[[16]byte]*tries
	// recent lists the clients that may be forgotten, most recent first
	// (a ring around recent itself).
	recent    tries
	overflow  tries
	lastSweep time.Time
	// resolved tells waiting tries that a try in flight has ended.
	resolved notice
}

// tries is one client's window.
type tries struct {
	id         [16]byte
	start      int64 // the window's start, Unix nanoseconds
	last       int64 // the last failure
	failed     int32
	inFlight   int32
	prev, next *tries // in recent, when listed
}

func newThrottle(limit int, window time.Duration, max int, now func() time.Time) *throttle {
	if limit <= 0 {
		limit = DefaultGuessLimit
	}
	if window <= 0 {
		window = DefaultGuessWindow
	}
	if max <= 0 {
		max = DefaultClients
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic(err)
	}
	t := &throttle{key: key, limit: limit, window: window, msg: "code.throttled", now: now, max: max,
		clients: map[[16]byte]*tries{}}
	t.recent.prev, t.recent.next = &t.recent, &t.recent
	return t
}

func (t *throttle) id(client string) [16]byte {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(client))
	var id [16]byte
	copy(id[:], m.Sum(nil))
	return id
}

// try is a reserved attempt; exactly one of failed or passed ends it.
type try struct {
	t *throttle
	e *tries
}

// reserve takes one try for client, or refuses with too_many and a
// Retry-After: the client used up its window, must wait out its slow-down,
// or has so many tries in flight (that one more could pass the limit, or
// as many as it may have at once) and none of them resolved within
// inFlightWait.
func (t *throttle) reserve(client string) (*try, error) {
	id := t.id(client)
	// The wait is real time, whatever clock the windows run on.
	deadline := time.Now().Add(inFlightWait)
	t.mu.Lock()
	defer t.mu.Unlock()
	for {
		now := t.now()
		e := t.entry(id, now)
		if wait := t.refusal(e, now); wait > 0 {
			return nil, t.refuse(wait)
		}
		if int(e.failed+e.inFlight) < t.limit && (t.inFlight == 0 || int(e.inFlight) < t.inFlight) {
			e.inFlight++
			return &try{t: t, e: e}, nil
		}
		if !t.resolved.wait(&t.mu, deadline) {
			return nil, t.refuse(time.Second)
		}
	}
}

// refusal is how long e must wait before another try (0: it may try).
func (t *throttle) refusal(e *tries, now time.Time) time.Duration {
	if int(e.failed) >= t.limit {
		return time.Unix(0, e.start).Add(t.window).Sub(now)
	}
	if t.slow != nil && e.failed > 0 {
		pause := t.slow(int(e.failed))
		if e.inFlight > 0 && pause > 0 {
			return pause
		}
		return time.Unix(0, e.last).Add(pause).Sub(now)
	}
	return 0
}

func (t *throttle) refuse(wait time.Duration) error {
	e := apperr.New(apperr.TooMany, t.msg, int((t.window+time.Minute-1)/time.Minute))
	e.RetryAfter = max(wait, time.Second)
	return e
}

// failed counts the try against its client.
func (r *try) failed() {
	t := r.t
	t.mu.Lock()
	defer t.mu.Unlock()
	r.e.inFlight--
	r.e.failed++
	r.e.last = t.now().UnixNano()
	if int(r.e.failed) >= t.limit {
		t.unlist(r.e) // throttled: kept for its whole window
	}
	t.resolved.broadcast()
}

// passed gives the try back; clear also forgets the client's failures
// (a right password from the same client).
func (r *try) passed(clear bool) {
	t := r.t
	t.mu.Lock()
	defer t.mu.Unlock()
	r.e.inFlight--
	if clear && r.e.failed > 0 {
		r.e.failed = 0
		if r.e != &t.overflow && r.e.next == nil {
			t.listFront(r.e) // no longer throttled
		}
	}
	t.resolved.broadcast()
}

// entry returns client id's window, starting a new one if the last has
// passed, and marks it seen. Called with mu held.
func (t *throttle) entry(id [16]byte, now time.Time) *tries {
	e := t.clients[id]
	if e == nil {
		if len(t.clients) >= t.max && !t.evict(now) {
			e = &t.overflow
		} else {
			e = &tries{id: id, start: now.UnixNano()}
			t.clients[id] = e
		}
	}
	if now.Sub(time.Unix(0, e.start)) >= t.window {
		e.start, e.failed = now.UnixNano(), 0
	}
	if e != &t.overflow && int(e.failed) < t.limit {
		t.unlist(e)
		t.listFront(e)
	}
	return e
}

// evict forgets one client to make room: the least recently seen that is
// not throttled and has nothing in flight; failing that, throttled clients
// whose window has passed (looked for at most once per sweepEvery). It
// reports whether there is room now.
func (t *throttle) evict(now time.Time) bool {
	for e := t.recent.prev; e != &t.recent; e = e.prev {
		if e.inFlight == 0 {
			t.unlist(e)
			delete(t.clients, e.id)
			return true
		}
	}
	if now.Sub(t.lastSweep) < sweepEvery {
		return false
	}
	t.lastSweep = now
	for id, e := range t.clients {
		if e.inFlight == 0 && now.Sub(time.Unix(0, e.start)) >= t.window {
			t.unlist(e)
			delete(t.clients, id)
		}
	}
	return len(t.clients) < t.max
}

func (t *throttle) listFront(e *tries) {
	e.prev, e.next = &t.recent, t.recent.next
	e.next.prev, t.recent.next = e, e
}

func (t *throttle) unlist(e *tries) {
	if e.next != nil {
		e.prev.next, e.next.prev = e.next, e.prev
		e.prev, e.next = nil, nil
	}
}

// clientKey is whom a request is throttled as: its address, or for IPv6
// its /64, which one subscriber usually holds whole.
func clientKey(ip string) string {
	a := net.ParseIP(ip)
	if a == nil || a.To4() != nil {
		return ip
	}
	return a.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// guarded runs a participant's code lookup under the guessing throttle: an
// unknown code is a failed try; any other outcome gives the try back. fn
// may give it back earlier, by calling lookedUp once its code is known to
// be good (a submission then waits for its commit without holding a try).
func (s *Server) guarded(ip string, fn func(lookedUp func()) error) error {
	r, err := s.guesses.reserve(clientKey(ip))
	if err != nil {
		return err
	}
	ended := false
	err = fn(func() {
		if !ended {
			ended = true
			r.passed(false)
		}
	})
	if ended {
		return err
	}
	if apperr.Is(err, apperr.AccessCodeUnknown) {
		r.failed()
	} else {
		r.passed(false)
	}
	return err
}
