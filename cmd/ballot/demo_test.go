package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// demoRun runs `ballot args…` in the process until its guide is printed,
// then stops it, and returns what it printed.
func demoRun(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, out, errOut) }()
	deadline := time.After(60 * time.Second)
	for !guideEnd.MatchString(out.String()) {
		select {
		case err := <-done:
			cancel()
			t.Fatalf("ballot %s stopped: %v\n%s%s", strings.Join(args, " "), err, out, errOut)
		case <-deadline:
			cancel()
			t.Fatalf("no guide within a minute:\n%s", out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("ballot %s: %v", strings.Join(args, " "), err)
	}
	return out.String()
}

var (
	guideEnd  = regexp.MustCompile(`starts\s+over\.\n`)
	consoleRE = regexp.MustCompile(`Console \(in a browser on this computer\): (http://127\.0\.0\.1:\d+/console)\n`)
	keyRE     = regexp.MustCompile(`AGE-SECRET-KEY-1[0-9A-Z]+`)
	codeRE    = regexp.MustCompile(`(?m)^  (\d{4} \d{4} \d{4} \d{4})`)
)

// TestTheDemoPrintsItsGuideEveryRunAndResetsOnlyADemo: the first run of
// ballot demo seeds and prints what to try (the console's address, the
// users' one-time passwords, codes, the committee's key, three steps); a
// second run on the same file says it was made before and prints the same;
// --reset starts over. A database ballot serve made is neither seeded nor
// reset, byte for byte, and ballot serve on a demo database says it is one.
func TestTheDemoPrintsItsGuideEveryRunAndResetsOnlyADemo(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ballot-demo.db")
	first := demoRun(t, "demo", "--db", db, "--addr", "127.0.0.1:0")
	console := consoleRE.FindStringSubmatch(first)
	codes := codeRE.FindAllStringSubmatch(first, -1)
	if console == nil || len(codes) < 4 || keyRE.FindString(first) == "" || !strings.Contains(first, "API token of admin (JSON API, README): bt_") ||
		!strings.Contains(first, "admin    admin") || strings.Count(first, "one-time password: ") != 4 {
		t.Fatalf("the first run printed:\n%s", first)
	}
	for _, step := range []string{"1. Vote on a phone", "2. Close and count", "3. Rate and download the report"} {
		if !strings.Contains(first, step) {
			t.Errorf("the guide lacks %q", step)
		}
	}
	if strings.Contains(first, "First start") || strings.Contains(first, "earlier") {
		t.Errorf("the first run prints the server's first start, or says it ran before:\n%s", first)
	}

	again := demoRun(t, "demo", "--db", db, "--addr", "127.0.0.1:0")
	if !strings.Contains(again, "by an earlier `ballot demo`") || keyRE.FindString(again) != keyRE.FindString(first) ||
		!strings.Contains(again, codes[0][1]) || strings.Count(again, "one-time password: ") != 4 {
		t.Fatalf("the second run printed:\n%s", again)
	}

	reset := demoRun(t, "demo", "--db", db, "--addr", "127.0.0.1:0", "--reset")
	if !strings.Contains(reset, "--reset: deleted") || strings.Contains(reset, "earlier") || keyRE.FindString(reset) == keyRE.FindString(first) {
		t.Fatalf("--reset printed:\n%s", reset)
	}

	// a database ballot serve made
	real := filepath.Join(dir, "ballot.db")
	m, _ := startMain(t, real, nil)
	m.Close()
	before, _ := os.ReadFile(real)
	stopped, stop := context.WithCancel(context.Background())
	stop() // a run that is not refused stops at once rather than serving on
	for _, args := range [][]string{{"demo", "--db", real}, {"demo", "--db", real, "--reset"}} {
		var out, errOut bytes.Buffer
		err := run(stopped, append(args, "--addr", "127.0.0.1:0"), &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), "not a demo database") {
			t.Errorf("ballot %s: %v", strings.Join(args, " "), err)
		}
	}
	if after, _ := os.ReadFile(real); !bytes.Equal(before, after) {
		t.Error("ballot demo changed a database ballot serve made")
	}

	// ballot serve and ballot check on the demo database say it is one
	m, out := startMain(t, db, nil)
	m.Close()
	if !strings.Contains(out, "is a demo database") {
		t.Errorf("serve on a demo database printed:\n%s", out)
	}
	if out, _, code := runBinary(t, "check", "--db", db); code != 0 || !strings.Contains(out, "demo database") {
		t.Errorf("check of a demo database: exit %d\n%s", code, out)
	}
	if out, _, code := runBinary(t, "check", "--db", real); code != 0 || strings.Contains(out, "demo") {
		t.Errorf("check of a real database: exit %d\n%s", code, out)
	}
}
