package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ballot/internal/crashloop"
)

// startServer runs the real binary on db.
func startServer(t *testing.T, db string) *crashloop.Server {
	t.Helper()
	s, err := crashloop.Start(binary, db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEveryAcknowledgedBallotSurvivesKill9: the real binary is killed with
// SIGKILL during bursts of submissions, four times; after counting, every
// receipt answered 201 is published, receipts equal used codes, and
// `ballot check` finds the file clean. (scripts/crashloop runs the long
// version.)
func TestEveryAcknowledgedBallotSurvivesKill9(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ballot.db")
	res, err := crashloop.Run(crashloop.Config{Binary: binary, DB: db, Cycles: 4, Codes: 6000, Workers: 32, MinPerCycle: 25, Burst: 120 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Acknowledged < 100 {
		t.Fatalf("only %d acknowledged ballots: the bursts were too small to show anything", res.Acknowledged)
	}
	if len(res.Missing) > 0 {
		t.Fatalf("%d acknowledged receipts are not counted, e.g. %s", len(res.Missing), res.Missing[0])
	}
	if res.Published != res.Used {
		t.Fatalf("%d receipts published, %d codes used", res.Published, res.Used)
	}
	if out, ok := crashloop.Check(binary, db); !ok {
		t.Fatalf("ballot check after the crashes:\n%s", out)
	}
	t.Logf("%d acknowledged ballots over 4 kills, %d codes used, all counted", res.Acknowledged, res.Used)

	// the counted round's tally and report come out of the command line in
	// every format
	for _, format := range []string{"json", "csv", "xlsx", "html"} {
		out := filepath.Join(t.TempDir(), "tally."+format)
		_, errOut, code := runBinary(t, "tally", "--db", db, "--round", "r1", "--format", format, "--out", out)
		raw, _ := os.ReadFile(out)
		if code != 0 || len(raw) < 500 || !strings.Contains(errOut, "writing") {
			t.Fatalf("ballot tally --format %s: exit %d, %d bytes, %s", format, code, len(raw), errOut)
		}
		if format == "json" {
			var v struct {
				Targets []struct{ Ballots int }
			}
			if err := json.Unmarshal(raw, &v); err != nil || len(v.Targets) != 1 || v.Targets[0].Ballots != res.Used {
				t.Fatalf("the JSON tally does not count %d ballots: %v", res.Used, err)
			}
		}
		out = filepath.Join(t.TempDir(), "report."+format)
		if _, errOut, code := runBinary(t, "report", "--db", db, "--round", "r1", "--format", format, "--out", out); code != 0 {
			t.Fatalf("ballot report --format %s: exit %d: %s", format, code, errOut)
		}
		if format == "json" {
			raw, _ := os.ReadFile(out)
			if !strings.Contains(string(raw), `"total": 1`) || !strings.Contains(string(raw), `"not_rated": 1`) {
				t.Fatalf("report: %s", raw)
			}
		}
	}
}

// TestSIGTERMUnderLoadAnswersInFlightAndExitsZero: the real binary gets
// SIGTERM during bursts of submissions, three times. Each time it answers
// what is in flight, exits 0 within the bounded wait, and every receipt it
// answered 201 is counted; `ballot check` finds the file clean.
func TestSIGTERMUnderLoadAnswersInFlightAndExitsZero(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ballot.db")
	res, err := crashloop.Run(crashloop.Config{Binary: binary, DB: db, Cycles: 3, Codes: 5000, Workers: 32, MinPerCycle: 25,
		Burst: 100 * time.Millisecond, Signal: syscall.SIGTERM})
	if err != nil {
		t.Fatal(err)
	}
	for i, code := range res.ExitCodes {
		if code != 0 {
			t.Fatalf("cycle %d: exit status %d after SIGTERM", i+1, code)
		}
	}
	if len(res.ExitCodes) != 3 {
		t.Fatalf("%d exit statuses for 3 cycles", len(res.ExitCodes))
	}
	if len(res.Missing) > 0 || res.Published != res.Used {
		t.Fatalf("%d acknowledged receipts not counted; %d published, %d used", len(res.Missing), res.Published, res.Used)
	}
	if out, ok := crashloop.Check(binary, db); !ok {
		t.Fatalf("ballot check:\n%s", out)
	}
	t.Logf("%d acknowledged over 3 SIGTERMs, %d answered after the signal, all counted", res.Acknowledged, res.AnsweredAfterSignal)
}
