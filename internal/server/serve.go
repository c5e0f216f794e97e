package server

import (
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// quietGrace is how long a connection may stay silent from its accept
// before a shutdown closes it: net/http's (and fasthttp's) rule for a
// connection that has not begun its first request.
const quietGrace = 5 * time.Second

// Serve answers on ln, over TLS when tlsConfig is given, until Shutdown.
func (s *Server) Serve(ln net.Listener, tlsConfig *tls.Config) error {
	quiet := &quietListener{Listener: ln, conns: map[*quietConn]time.Time{}}
	s.quiet.Store(quiet)
	var served net.Listener = quiet
	if tlsConfig != nil {
		served = tls.NewListener(served, tlsConfig)
	}
	return s.App.Listener(served)
}

// Shutdown stops accepting, answers the requests in flight and waits at
// most timeout for them. A connection that has sent nothing for
// quietGrace since its accept is closed, not waited for: fasthttp counts
// a new connection as busy from its accept, so one a browser opened
// ahead of need would otherwise hold the shutdown for the whole timeout.
func (s *Server) Shutdown(timeout time.Duration) error {
	done := make(chan struct{})
	if quiet := s.quiet.Load(); quiet != nil {
		go func() {
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for {
				quiet.closeSilent(quietGrace)
				select {
				case <-done:
					return
				case <-tick.C:
				}
			}
		}()
	}
	err := s.App.ShutdownWithTimeout(timeout)
	close(done)
	return err
}

// quietListener remembers each accepted connection until it has sent its
// first byte (a TLS ClientHello, or a request line).
type quietListener struct {
	net.Listener
	mu    sync.Mutex
	conns map[*quietConn]time.Time
}

func (l *quietListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	qc := &quietConn{Conn: c, l: l}
	l.mu.Lock()
	l.conns[qc] = time.Now()
	l.mu.Unlock()
	return qc, nil
}

func (l *quietListener) forget(c *quietConn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// closeSilent closes the connections silent for at least grace since
// their accept.
func (l *quietListener) closeSilent(grace time.Duration) {
	l.mu.Lock()
	var silent []*quietConn
	for c, at := range l.conns {
		if time.Since(at) >= grace {
			silent = append(silent, c)
			delete(l.conns, c)
		}
	}
	l.mu.Unlock()
	for _, c := range silent {
		c.Conn.Close()
	}
}

type quietConn struct {
	net.Conn
	l     *quietListener
	spoke atomic.Bool
}

func (c *quietConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 && !c.spoke.Load() {
		c.spoke.Store(true)
		c.l.forget(c)
	}
	return n, err
}

func (c *quietConn) Close() error {
	c.l.forget(c)
	return c.Conn.Close()
}
