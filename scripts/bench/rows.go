package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"ballot/internal/abuse"
)

// loaded is a fresh server with the province scenario seeded.
func (b *bench) loaded(name string, profiles bool) (*server, []vote, error) {
	s, err := start(b.bin, filepath.Join(b.dir, name+".db"), profiles)
	if err != nil {
		return nil, nil, err
	}
	fmt.Printf("%s: seeding the province scenario …\n", name)
	pool, err := seedProvince(s)
	if err != nil {
		s.Stop()
		return nil, nil, err
	}
	b.idle = max(b.idle, abuse.AnonMemory(s.Pid()))
	return s, pool, nil
}

// ballotsFrom hands out the pool's votes one by one, then nil.
func ballotsFrom(s *server, pool []vote) func() (*http.Request, int) {
	var next atomic.Int64
	return func() (*http.Request, int) {
		i := int(next.Add(1) - 1)
		if i >= len(pool) {
			return nil, 0
		}
		req, _ := http.NewRequest("POST", s.URL+"/api/v1/ballots", bytes.NewReader(pool[i].body))
		req.Header.Set("Content-Type", "application/json")
		return req, 201
	}
}

func healthz(s *server) func() (*http.Request, int) {
	return func() (*http.Request, int) {
		req, _ := http.NewRequest("GET", s.URL+"/healthz", nil)
		return req, 200
	}
}

// accepted checks that every 201 is a code the turnout counts as used.
func accepted(s *server, ok int) error {
	var turnout struct{ Used int }
	if err := s.call("GET", "/api/v1/rounds/r1/turnout", nil, &turnout); err != nil {
		return err
	}
	if turnout.Used != ok {
		return fmt.Errorf("%d submissions answered 201 but the turnout counts %d codes used", ok, turnout.Used)
	}
	return nil
}

func (b *bench) p1() error {
	s, pool, err := b.loaded("p1", *profileDir != "")
	if err != nil {
		return err
	}
	defer s.Stop()
	// P5 takes the last code; P1 the others.
	w, err := pageWeight(s, pool[len(pool)-1].code)
	if err != nil {
		return err
	}
	pool = pool[:len(pool)-1]
	b.add(row{id: "P5", what: "code entry + one-target ballot page, all bytes", goal: "≤ 30 KB, no external request",
		figure:   fmt.Sprintf("%s in %d responses (bodies %s), %d external", kb(w.wire), w.requests, kb(w.body), len(w.external)),
		baseline: "—", ratio: fmt.Sprintf("%.2f of budget", float64(w.wire)/30_000),
		met: w.wire <= 30_000 && len(w.external) == 0})

	mem := abuse.Watch(s.Pid())
	d := time.Duration(*seconds) * time.Second
	pid := s.Pid()
	fmt.Printf("P1: GET /healthz, %d connections, %s …\n", *conns, d)
	c0 := cpuNow(pid)
	base := closedLoop(*conns, d, healthz(s))
	c1 := cpuNow(pid)
	fmt.Printf("  %.0f/s; %s\n", base.rate, cores(c0, c1, d))
	fmt.Printf("P1: POST /api/v1/ballots, %d connections, %s …\n", *conns, d)
	var profiled func() (string, error)
	if *profileDir != "" {
		if err := os.MkdirAll(*profileDir, 0o755); err != nil {
			return err
		}
		profiled = cpuProfile(s, *profileDir, "p1", d-time.Second)
	}
	c2 := cpuNow(pid)
	sub := closedLoop(*conns, d, ballotsFrom(s, pool))
	c3 := cpuNow(pid)
	b.peak = max(b.peak, mem.Stop())
	fmt.Printf("  %.0f/s; %s\n", sub.rate, cores(c2, c3, d))
	if err := accepted(s, sub.ok); err != nil {
		return err
	}
	commits, requests := s.metric("ballot_commits_total"), s.metric("ballot_commit_requests_sum")
	busy, writing, pages := s.metric("ballot_commit_seconds_sum"), s.metric("ballot_disk_write_seconds_total"), s.metric("ballot_disk_pages_written_total")
	fmt.Printf("  the writer committed %.0f times in %.2f s of the %s run (%.0f%% busy): %.2f s writing and syncing %.0f pages (%.1f per ballot), %.2f s building them\n",
		commits, busy, d, 100*busy/d.Seconds(), writing, pages, pages/max(requests, 1), busy-writing)
	if fsync, err := fsyncLatency(b.dir); err == nil {
		fmt.Printf("  for scale: one 4 KiB write + fdatasync on this disk takes %s\n", fsync.Round(time.Microsecond))
	}
	if profiled != nil {
		path, err := profiled()
		if err != nil {
			return err
		}
		if err := otherProfiles(s, *profileDir, "p1"); err != nil {
			return err
		}
		shares, err := breakdown(path)
		if err != nil {
			return err
		}
		fmt.Printf("  where the server's processor time went (cumulative shares of %s):\n%s", path, shares)
	}
	ratio := sub.rate / base.rate
	b.add(row{id: "P1", what: fmt.Sprintf("durable ballots/s, %d connections (%d accepted = %d used; %.0f per fsync'd commit)", *conns, sub.ok, sub.ok, requests/max(commits, 1)),
		goal:     "≥ 0.5 × baseline; p99 ≤ 100 ms",
		figure:   fmt.Sprintf("%.0f/s, p50 %.1f ms, p99 %.1f ms, %d errors", sub.rate, sub.p50, sub.p99, sub.errors),
		baseline: fmt.Sprintf("GET /healthz %.0f/s, p99 %.1f ms", base.rate, base.p99),
		ratio:    fmt.Sprintf("%.2f", ratio), met: ratio >= 0.5 && sub.p99 <= 100 && sub.errors == 0})
	return nil
}

func (b *bench) p1b() error {
	s, pool, err := b.loaded("p1b", false)
	if err != nil {
		return err
	}
	defer s.Stop()
	mem := abuse.Watch(s.Pid())
	fmt.Printf("P1b: GET /healthz at %d/s for 10 s …\n", *steadyRate)
	base := openLoop(*conns, *steadyRate, 10*time.Second, healthz(s))
	d := time.Duration(*steadySeconds) * time.Second
	fmt.Printf("P1b: POST /api/v1/ballots at %d/s for %s …\n", *steadyRate, d)
	sub := openLoop(*conns, *steadyRate, d, ballotsFrom(s, pool))
	b.peak = max(b.peak, mem.Stop())
	if err := accepted(s, sub.ok); err != nil {
		return err
	}
	b.add(row{id: "P1b", what: fmt.Sprintf("steady %d ballots/s for %s (%d accepted = used)", *steadyRate, d, sub.ok),
		goal:     "p99 ≤ 50 ms, no error",
		figure:   fmt.Sprintf("p50 %.1f ms, p99 %.1f ms, %d errors", sub.p50, sub.p99, sub.errors),
		baseline: fmt.Sprintf("GET /healthz p50 %.1f ms, p99 %.1f ms", base.p50, base.p99),
		ratio:    fmt.Sprintf("%.2f of the p99 goal", sub.p99/50), met: sub.p99 <= 50 && sub.errors == 0})
	return nil
}

func (b *bench) p4() error {
	b.add(row{id: "P4", what: "server's peak anonymous memory (heap, stacks, runtime; not the mapped file) during P1 and P1b",
		goal: "≤ 150 MB", figure: mb(b.peak), baseline: mb(b.idle) + " idle after seeding",
		ratio: fmt.Sprintf("%.2f of the goal", float64(b.peak)/150e6), met: b.peak > 0 && b.peak <= 150e6})
	return nil
}

func (b *bench) p6() error {
	empty := filepath.Join(b.dir, "empty.db")
	s, err := start(b.bin, empty, false) // the first start creates the admin
	if err != nil {
		return err
	}
	s.Stop()
	base, err := startupTimes(b.bin, empty, 5)
	if err != nil {
		return err
	}
	full := filepath.Join(b.dir, "million.db")
	fmt.Printf("P6: filling a database with %d ballots …\n", *ballots)
	t0 := time.Now()
	if err := fillDatabase(full, *ballots); err != nil {
		return err
	}
	filled := time.Since(t0)
	st, _ := os.Stat(full)
	took, err := startupTimes(b.bin, full, 5)
	if err != nil {
		return err
	}
	os.Remove(full)
	b.add(row{id: "P6", what: fmt.Sprintf("start (exec → first answer) on a %s database of %d ballots (filled in %s), median of 5", mb(st.Size()), *ballots, filled.Round(time.Second)),
		goal: "≤ 1 s", figure: took.Round(time.Millisecond).String(), baseline: base.Round(time.Millisecond).String() + " on an empty database",
		ratio: fmt.Sprintf("%.2f", took.Seconds()/base.Seconds()), met: took <= time.Second})
	return nil
}

func (b *bench) p2() error {
	fmt.Printf("P2: go test -bench Count with %d ballots over 10,000 targets …\n", *ballots)
	all, err := goBench("./internal/service/", "^BenchmarkCount$", fmt.Sprintf("BALLOT_BENCH_BALLOTS=%d", *ballots), "BALLOT_BENCH_TARGETS=10000")
	if err != nil {
		return err
	}
	base, err := figure(all, "BenchmarkCount/read+decrypt", "ns/op")
	if err != nil {
		return err
	}
	count, err := figure(all, "BenchmarkCount/decrypt+tally", "ns/op")
	if err != nil {
		return err
	}
	b.add(row{id: "P2", what: fmt.Sprintf("count (decrypt + tally + withholding) of %d ballots over 10,000 targets", *ballots),
		goal: "≤ 1 s and ≤ 2 × baseline", figure: secs(count), baseline: secs(base) + " reading and decrypting alone",
		ratio: fmt.Sprintf("%.2f", count/base), met: count <= 1e9 && count <= 2*base})
	return nil
}

func (b *bench) p3() error {
	fmt.Println("P3: go test -bench TallyXLSX at 1,000 and 10,000 targets …")
	all, err := goBench("./internal/export/", "^BenchmarkTallyXLSX$")
	if err != nil {
		return err
	}
	var t, h [2]float64
	for i, n := range []string{"1000", "10000"} {
		name := "BenchmarkTallyXLSX/targets=" + n
		if t[i], err = figure(all, name, "ns/op"); err != nil {
			return err
		}
		if h[i], err = figure(all, name, "peak-heap-MB"); err != nil {
			return err
		}
	}
	b.add(row{id: "P3", what: "XLSX export of the tally of 10,000 targets",
		goal:     "≤ 3 s; peak heap ≤ 1.5 × at 1,000 targets",
		figure:   fmt.Sprintf("%s, peak heap %.1f MB", secs(t[1]), h[1]),
		baseline: fmt.Sprintf("1,000 targets: %s, peak heap %.1f MB", secs(t[0]), h[0]),
		ratio:    fmt.Sprintf("heap %.2f", h[1]/h[0]), met: t[1] <= 3e9 && h[1] <= 1.5*h[0]})
	return nil
}

func kb(n int) string   { return fmt.Sprintf("%.1f KB", float64(n)/1000) }
func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
func secs(ns float64) string {
	return fmt.Sprintf("%.2f s", ns/1e9)
}

// machine describes the computer: cores, processor and memory.
func machine(host string) string {
	model := ""
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if raw, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(string(raw)); len(f) > 1 {
			mem = f[1] + " kB"
		}
	}
	return fmt.Sprintf("%s: %d cores (%s), %s memory", host, runtime.NumCPU(), model, mem)
}
