package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ballot/internal/crashloop"
)

// TestSIGTERMAnswersTheRequestInFlight: a ballot whose request is half
// sent when the real binary gets SIGTERM is still answered 201 once the
// rest arrives — the server stops listening at once but waits for it — and
// the server then exits 0 with the ballot stored. (The load test, where
// most requests end before the signal, cannot tell a server that drops its
// open connections at exit from one that answers them.)
func TestSIGTERMAnswersTheRequestInFlight(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ballot.db")
	srv, err := crashloop.Start(binary, db)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Kill()
	u := srv.URL + "/api/v1/rounds"
	oneTargetRound(t, srv.URL, srv.Token, "Đợt thử dừng máy", "diem-100")
	_, b := api(t, "POST", u+"/r1/batches", srv.Token, map[string]any{"targets": []string{"c"}, "count": 1})
	if st, r := api(t, "POST", u+"/r1/open", srv.Token, nil); st != 200 {
		t.Fatalf("open: %d %v", st, r)
	}
	body, _ := json.Marshal(map[string]any{"code": b["codes"].([]any)[0], "submission_id": "0b5e7d2c-6a1f-4c3e-9d8b-2f4a6c8e0a1b",
		"ballots": []map[string]any{{"target": "c", "answers": map[string]any{"s1": 10, "s2": 10, "s3": 5, "s4": 20, "s5": 5, "level": "htnv"}}}})
	host := strings.TrimPrefix(srv.URL, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	half := len(body) / 2
	fmt.Fprintf(conn, "POST /api/v1/ballots HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", host, len(body), body[:half])
	time.Sleep(100 * time.Millisecond) // the server has read the first half

	exit := make(chan int, 1)
	go func() { exit <- srv.Terminate(syscall.SIGTERM) }()
	// The server stops listening: a new connection is refused…
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still listens 10 s after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case code := <-exit:
		t.Fatalf("the server exited (status %d) with a request half received", code)
	case <-time.After(300 * time.Millisecond):
	}
	// …but the request it had begun to read is answered.
	if _, err := conn.Write(body[half:]); err != nil {
		t.Fatalf("the rest of the request: %v", err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to the request in flight: %v", err)
	}
	var receipt struct{ Receipt string }
	json.NewDecoder(res.Body).Decode(&receipt)
	res.Body.Close()
	if res.StatusCode != 201 || receipt.Receipt == "" {
		t.Fatalf("the request in flight: %d %+v", res.StatusCode, receipt)
	}
	select {
	case code := <-exit:
		if code != 0 {
			t.Fatalf("exit status %d after SIGTERM", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not exit")
	}
	again, err := crashloop.Start(binary, db)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Kill()
	if st, tn := api(t, "GET", again.URL+"/api/v1/rounds/r1/turnout", srv.Token, nil); st != 200 || tn["used"] != 1.0 {
		t.Fatalf("after the restart: %d %v, want the ballot answered in flight stored", st, tn)
	}
}

// TestSIGTERMDoesNotWaitForAConnectionThatNeverSpoke: a connection opened
// and left silent (a browser's preconnect, an HTTP client's spare) does
// not hold the stop for the 20 s shutdown timeout: the real binary closes
// it once it has been silent for 5 s and exits 0. (fasthttp counts a new
// connection as busy from its accept; the server waited the whole timeout
// and exited 1.)
func TestSIGTERMDoesNotWaitForAConnectionThatNeverSpoke(t *testing.T) {
	t.Parallel()
	srv, err := crashloop.Start(binary, filepath.Join(t.TempDir(), "ballot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Kill()
	silent, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	time.Sleep(200 * time.Millisecond) // accepted
	start := time.Now()
	code := srv.Terminate(syscall.SIGTERM)
	if took := time.Since(start); code != 0 || took > 10*time.Second {
		t.Fatalf("exit status %d after %v with a silent connection open", code, took.Round(time.Millisecond))
	}
	silent.SetReadDeadline(time.Now().Add(time.Second))
	if n, err := silent.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Fatalf("the silent connection is still open: %d %v", n, err)
	}
}
