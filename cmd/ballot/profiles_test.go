package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestPprofIsServedOnlyOnItsOwnAddressWhenAsked(t *testing.T) {
	t.Parallel()
	get := func(url string) int {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	for _, asked := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		out := &lockedBuffer{}
		args := []string{"serve", "--db", filepath.Join(t.TempDir(), "b.db"), "--addr", "127.0.0.1:0"}
		if asked {
			args = append(args, "--pprof", "127.0.0.1:0")
		}
		done := make(chan error, 1)
		go func() { done <- run(ctx, args, out, io.Discard) }()
		listening := regexp.MustCompile(`listening on (http://\S+)`)
		profiles := regexp.MustCompile(`profiles on (http://\S+)`)
		deadline := time.Now().Add(10 * time.Second)
		for !listening.MatchString(out.String()) || (asked && !profiles.MatchString(out.String())) {
			if time.Now().After(deadline) {
				t.Fatalf("the server did not start: %s", out)
			}
			time.Sleep(5 * time.Millisecond)
		}
		service := listening.FindStringSubmatch(out.String())[1]
		if code := get(service + "/debug/pprof/"); code != http.StatusNotFound {
			t.Errorf("the service's own address answers /debug/pprof/ with %d", code)
		}
		if asked {
			if code := get(profiles.FindStringSubmatch(out.String())[1] + "goroutine?debug=1"); code != 200 {
				t.Errorf("goroutine profile: %d", code)
			}
		} else if strings.Contains(out.String(), "profiles on") {
			t.Error("profiles served without --pprof")
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
