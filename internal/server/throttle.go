package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
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
	maxClients         = 100_000
)

// throttle counts unknown codes per client. Clients are kept only as keyed
// hashes of their address, in memory, under a key made at start: nothing
// about them is stored or logged.
type throttle struct {
	mu      sync.Mutex
	key     []byte
	limit   int
	window  time.Duration
	now     func() time.Time
	clients map[[16]byte]*guesses
}

type guesses struct {
	start time.Time
	n     int
}

func newThrottle(limit int, window time.Duration, now func() time.Time) *throttle {
	if limit <= 0 {
		limit = DefaultGuessLimit
	}
	if window <= 0 {
		window = DefaultGuessWindow
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic(err)
	}
	return &throttle{key: key, limit: limit, window: window, now: now, clients: map[[16]byte]*guesses{}}
}

func (t *throttle) id(client string) [16]byte {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(client))
	var id [16]byte
	copy(id[:], m.Sum(nil))
	return id
}

// check refuses a client that used up its guesses in the current window.
func (t *throttle) check(client string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	g := t.clients[t.id(client)]
	now := t.now()
	if g == nil || now.Sub(g.start) >= t.window || g.n < t.limit {
		return nil
	}
	e := apperr.New(apperr.TooMany, "code.throttled", int(t.window.Minutes()))
	e.RetryAfter = g.start.Add(t.window).Sub(now)
	return e
}

// fail counts an unknown code against client.
func (t *throttle) fail(client string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	id, now := t.id(client), t.now()
	g := t.clients[id]
	if g == nil || now.Sub(g.start) >= t.window {
		if len(t.clients) >= maxClients {
			t.sweep(now)
		}
		g = &guesses{start: now}
		t.clients[id] = g
	}
	g.n++
}

// sweep forgets clients whose window has passed (or, if none has, all).
func (t *throttle) sweep(now time.Time) {
	for id, g := range t.clients {
		if now.Sub(g.start) >= t.window {
			delete(t.clients, id)
		}
	}
	if len(t.clients) >= maxClients {
		clear(t.clients)
	}
}

// guarded runs a participant's code lookup under the throttle.
func (s *Server) guarded(client string, fn func() error) error {
	if err := s.throttle.check(client); err != nil {
		return err
	}
	err := fn()
	if apperr.Is(err, apperr.CodeUnknown) {
		s.throttle.fail(client)
	}
	return err
}
