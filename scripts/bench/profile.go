package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuTime is the processor time used so far by the server and by this
// generator, which share the machine's cores.
type cpuTime struct{ server, generator time.Duration }

func cpuNow(pid int) cpuTime {
	var c cpuTime
	if raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		// Fields after the command name: utime and stime are the 12th and
		// 13th, in clock ticks (100 a second on Linux).
		if i := bytes.LastIndexByte(raw, ')'); i > 0 {
			f := strings.Fields(string(raw[i+1:]))
			if len(f) > 12 {
				u, _ := strconv.ParseInt(f[11], 10, 64)
				s, _ := strconv.ParseInt(f[12], 10, 64)
				c.server = time.Duration(u+s) * 10 * time.Millisecond
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		c.generator = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return c
}

// cores is how many cores each side kept busy between a and b, over d.
func cores(a, b cpuTime, d time.Duration) string {
	return fmt.Sprintf("server %.2f cores, generator %.2f cores", (b.server-a.server).Seconds()/d.Seconds(), (b.generator-a.generator).Seconds()/d.Seconds())
}

// cpuProfile asks the server for a CPU profile over d (it answers at the
// end) and saves it in dir; wait returns its path.
func cpuProfile(s *server, dir, name string, d time.Duration) (wait func() (string, error)) {
	done := make(chan error, 1)
	path := filepath.Join(dir, name+"-cpu.pprof")
	go func() { done <- save(fmt.Sprintf("%sprofile?seconds=%d", s.Pprof, int(d.Seconds())), path) }()
	return func() (string, error) { return path, <-done }
}

// otherProfiles saves the server's mutex, block and allocation profiles.
func otherProfiles(s *server, dir, name string) error {
	for _, kind := range []string{"mutex", "block", "allocs"} {
		if err := save(s.Pprof+kind, filepath.Join(dir, name+"-"+kind+".pprof")); err != nil {
			return err
		}
	}
	return nil
}

func save(url, path string) error {
	res, err := http.Get(url)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("%s: %d", url, res.StatusCode)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// shares are the parts of a ballot's processor time worth naming, each the
// cumulative share of one function (they nest, so they do not add up).
var shares = []struct{ what, fn string }{
	{"HTTP server (fasthttp, whole request)", "github.com/valyala/fasthttp.(*Server).serveConn"},
	{"  the ballot handler", "ballot/internal/server.(*Server).submitBallots"},
	{"    JSON decoding of the body", "ballot/internal/valid.JSON"},
	{"    validation (validator tags)", "ballot/internal/valid.Struct"},
	{"    code lookup (HMAC, bbolt read)", "ballot/internal/service.(*Service).lookup"},
	{"    answers checked against the form", "ballot/internal/forms.(*Form).CheckAnswers"},
	{"    sealing (XChaCha20-Poly1305)", "ballot/internal/seal.(*DataKey).Seal"},
	{"the writer's commit (one goroutine)", "ballot/internal/service.(*writer).commit"},
	{"  bbolt Commit (pages, write, fsync)", "go.etcd.io/bbolt.(*Tx).Commit"},
	{"    fdatasync", "go.etcd.io/bbolt.fdatasync"},
	{"network reads (syscalls)", "internal/poll.(*FD).Read"},
	{"network writes (syscalls)", "internal/poll.(*FD).Write"},
	{"garbage collection (background marking)", "runtime.gcBgMarkWorker"},
	{"allocation", "runtime.mallocgc"},
}

// breakdown prints the named shares of a CPU profile, read with go tool pprof.
func breakdown(path string) (string, error) {
	out, err := exec.Command("go", "tool", "pprof", "-top", "-cum", "-nodecount=100000", path).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go tool pprof: %v\n%s", err, out)
	}
	cum := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		// flat flat% sum% cum cum% name...
		if len(f) >= 6 && strings.HasSuffix(f[4], "%") {
			cum[strings.Join(f[5:], " ")] = f[4]
		}
	}
	var b strings.Builder
	for _, s := range shares {
		share := cum[s.fn]
		if share == "" {
			share = "0%"
		}
		fmt.Fprintf(&b, "  %-44s %7s\n", s.what, share)
	}
	return b.String(), nil
}

// fsyncLatency is the mean time of writing a 4 KiB page and fdatasync-ing
// it in dir — the floor under every durable commit on this disk.
func fsyncLatency(dir string) (time.Duration, error) {
	f, err := os.Create(filepath.Join(dir, "fsync-probe"))
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	page := make([]byte, 4096)
	const n = 200
	t0 := time.Now()
	for i := range n {
		if _, err := f.WriteAt(page, int64(i%16)*4096); err != nil {
			return 0, err
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			return 0, err
		}
	}
	return time.Since(t0) / n, nil
}
