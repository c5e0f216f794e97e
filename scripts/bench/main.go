// Command bench is the performance harness of docs/design.md §6. From one
// command it builds the server, seeds the "province" scenario (978 targets,
// 61,567 codes) and prints the rows P1–P6 and P8, each figure next to a
// baseline measured in the same run on the same machine:
//
//	go run ./scripts/bench                  # all rows, about 12 minutes
//	go run ./scripts/bench -only P1,P4,P5   # some rows
//
// The rows:
//
//   - P1: 256 connections in a closed loop on POST /api/v1/ballots against
//     GET /healthz; every 201 must be a code the turnout counts as used;
//     fsyncs per commit and the writer's disk time from the server's metrics.
//   - P1b: an open loop of 1,000 ballots/s for 60 s on a fresh database,
//     latencies measured from when each request was due; baseline the same
//     loop on GET /healthz.
//   - P2, P3: the `go test -bench` benchmarks of counting and XLSX export.
//   - P4: the server's peak anonymous memory during P1 and P1b.
//   - P5: bytes of the code-entry page, a one-target ballot page and the
//     files they load.
//   - P6: starting the server on a database of 1,000,000 ballots, against
//     starting it on an empty one.
//   - P8: the server's peak anonymous memory under each attack of clients
//     without credentials (internal/abuse), against idle and plain load.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

var (
	conns         = flag.Int("conns", 256, "concurrent connections (P1)")
	seconds       = flag.Int("seconds", 8, "length of each closed-loop run (P1)")
	steadyRate    = flag.Int("steady-rate", 1000, "ballots per second (P1b)")
	steadySeconds = flag.Int("steady-seconds", 60, "length of the steady run (P1b)")
	ballots       = flag.Int("ballots", 1_000_000, "ballots in the databases of P2 and P6")
	profileDir    = flag.String("profile", "", "save the server's CPU, mutex, block and allocation profiles of the P1 ballot run in this directory, and print where the time goes")
	addresses     = flag.Int("addresses", 100_010, "distinct client addresses of the flood (P8)")
	only          = flag.String("only", "", "comma-separated rows to measure (default all): P1,P1b,P2,P3,P4,P5,P6,P8")
)

func main() {
	flag.Parse()
	b := &bench{want: map[string]bool{}}
	for _, id := range strings.Split(*only, ",") {
		if id = strings.TrimSpace(id); id != "" {
			b.want[strings.ToUpper(id)] = true
		}
	}
	err := b.run()
	b.print()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// row is one line of the table.
type row struct {
	id, what, goal, figure, baseline, ratio string
	met                                     bool
}

type bench struct {
	want map[string]bool
	dir  string
	bin  string
	rows []row
	// peak is the server's peak anonymous memory over the load runs.
	peak, idle int64
}

func (b *bench) wants(id string) bool { return len(b.want) == 0 || b.want[strings.ToUpper(id)] }

func (b *bench) add(r row) {
	if !b.wants(r.id) {
		return
	}
	b.rows = append(b.rows, r)
	fmt.Printf("  %s: %s (baseline %s) — %s\n", r.id, r.figure, r.baseline, verdict(r.met))
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "not met"
}

func (b *bench) run() error {
	dir, err := os.MkdirTemp("", "ballot-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b.dir, b.bin = dir, filepath.Join(dir, "ballot")
	fmt.Println("building the server …")
	if out, err := exec.Command("go", "build", "-o", b.bin, "./cmd/ballot").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	steps := []struct {
		ids []string
		fn  func() error
	}{
		{[]string{"P1", "P4", "P5"}, b.p1},
		{[]string{"P1B", "P4"}, b.p1b},
		{[]string{"P4"}, b.p4},
		{[]string{"P2"}, b.p2},
		{[]string{"P3"}, b.p3},
		{[]string{"P8"}, b.p8},
		// Last: filling a large file leaves the disk and page cache busy.
		{[]string{"P6"}, b.p6},
	}
	for _, st := range steps {
		for _, id := range st.ids {
			if b.wants(id) {
				if err := st.fn(); err != nil {
					return err
				}
				break
			}
		}
	}
	return nil
}

// print writes the table in Markdown, ready for BENCHMARKS.md.
func (b *bench) print() {
	if len(b.rows) == 0 {
		return
	}
	host, _ := os.Hostname()
	fmt.Printf("\n%s, %s, %d connections\n\n", time.Now().Format("2006-01-02 15:04"), machine(host), *conns)
	fmt.Println("| id | what | goal | figure | baseline (same run) | ratio | |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, r := range b.rows {
		fmt.Printf("| %s | %s | %s | %s | %s | %s | %s |\n", r.id, r.what, r.goal, r.figure, r.baseline, r.ratio, verdict(r.met))
	}
}
