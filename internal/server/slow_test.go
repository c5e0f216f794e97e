package server_test

import (
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"ballot/internal/server"
)

// TestASlowClientIsCutOff: a client that sends its request slower than the
// read timeout loses the connection instead of holding it.
func TestASlowClientIsCutOff(t *testing.T) {
	e := newEnv(t)
	e.srv = server.New(e.svc, server.Config{Log: slog.New(slog.NewJSONHandler(e.logs, nil)), TrustedProxies: viaHTTPS, ReadTimeout: 500 * time.Millisecond})
	base := e.listen()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "POST /api/v1/ballots HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"code\":")
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 512)
	for {
		// keep trickling, slower than any real phone
		conn.Write([]byte(" "))
		if _, err := conn.Read(buf); err != nil {
			break
		}
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("the slow client held the connection for %s", d)
	}
	// and the server still serves others
	e.must(200, "GET", "/healthz", "", nil)
}
