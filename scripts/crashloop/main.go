// Command crashloop is the long crash test: it builds the server, submits
// ballots at load, kills the server with SIGKILL at random moments (or
// stops it with SIGTERM, -term), restarts it, many times; then counts and
// checks that every submission answered 201 is counted, that used codes
// equal published receipts, and that `ballot check` is clean.
//
//	go run ./scripts/crashloop [-cycles 20] [-codes 60000] [-workers 64] [-burst 600ms] [-term]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"ballot/internal/crashloop"
)

func main() {
	cycles := flag.Int("cycles", 20, "kill and restart this many times")
	codes := flag.Int("codes", 60000, "codes to issue")
	workers := flag.Int("workers", 64, "concurrent submitters")
	burst := flag.Duration("burst", 600*time.Millisecond, "after a cycle's first 20 acknowledged ballots, up to this much longer before the signal")
	term := flag.Bool("term", false, "stop with SIGTERM (the server must answer what is in flight and exit 0) instead of SIGKILL")
	flag.Parse()
	sig := syscall.SIGKILL
	if *term {
		sig = syscall.SIGTERM
	}
	if err := run(*cycles, *codes, *workers, *burst, sig); err != nil {
		fmt.Fprintln(os.Stderr, "crashloop:", err)
		os.Exit(1)
	}
}

func run(cycles, codes, workers int, burst time.Duration, sig syscall.Signal) error {
	dir, err := os.MkdirTemp("", "ballot-crashloop")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "ballot")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/ballot").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "ballot.db")
	start := time.Now()
	res, err := crashloop.Run(crashloop.Config{Binary: bin, DB: db, Cycles: cycles, Codes: codes, Workers: workers, Burst: burst, Signal: sig, Log: os.Stdout})
	if err != nil {
		return err
	}
	check, clean := crashloop.Check(bin, db)
	fmt.Printf("\n%d kills in %s: %d submissions answered 201, %d codes used, %d receipts published, %d acknowledged but not counted; ballot check clean: %v\n",
		cycles, time.Since(start).Round(time.Second), res.Acknowledged, res.Used, res.Published, len(res.Missing), clean)
	if sig == syscall.SIGTERM {
		fmt.Printf("exit statuses after SIGTERM: %v; %d submissions answered after the signal\n", res.ExitCodes, res.AnsweredAfterSignal)
	}
	if len(res.Missing) > 0 || res.Published != res.Used || !clean {
		return fmt.Errorf("something was lost or is inconsistent:\n%s", check)
	}
	for _, code := range res.ExitCodes {
		if code != 0 {
			return fmt.Errorf("a server stopped with SIGTERM exited %d", code)
		}
	}
	return nil
}
