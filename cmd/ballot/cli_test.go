package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ballot/internal/crashloop"
	"ballot/internal/storage"
)

// TestEveryCommandHasHelp: `ballot help CMD`, `ballot CMD --help` and
// `-h` print the command's usage and flags on standard output and exit 0;
// the groups (`ballot user --help`) list their commands.
func TestEveryCommandHasHelp(t *testing.T) {
	t.Parallel()
	for _, c := range commands {
		args := strings.Fields(c.name)
		for _, line := range [][]string{append([]string{"help"}, args...), append(args, "--help"), append(args, "-h")} {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), line, &stdout, &stderr)
			if err != nil {
				t.Fatalf("%v: %v", line, err)
			}
			if !strings.HasPrefix(stdout.String(), "Usage: ballot "+c.name) || stderr.Len() != 0 {
				t.Fatalf("%v: stdout %q, stderr %q", line, stdout.String(), stderr.String())
			}
			if c.synopsis != "" && strings.Contains(c.synopsis, "--") && !strings.Contains(stdout.String(), "Flags:") {
				t.Fatalf("%v lists no flags:\n%s", line, stdout.String())
			}
		}
	}
	for _, group := range []string{"user", "token"} {
		out, errOut, code := runBinary(t, group, "--help")
		if code != 0 || !strings.Contains(out, "Usage: ballot "+group+" ") || errOut != "" {
			t.Fatalf("ballot %s --help: exit %d, %q, %q", group, code, out, errOut)
		}
		if _, errOut, code := runBinary(t, group); code != 2 || !strings.Contains(errOut, "Usage: ballot "+group+" ") {
			t.Fatalf("ballot %s: exit %d, %q", group, code, errOut)
		}
	}
	for _, line := range [][]string{{"help"}, {"help", "help"}, {"--help", "--help"}, {"-h", "help"}} {
		if out, errOut, code := runBinary(t, line...); code != 0 || !strings.Contains(out, "ballot serve") {
			t.Fatalf("ballot %v: exit %d, %q, %.200s", line, code, out, errOut)
		}
	}
	if _, errOut, code := runBinary(t); code != 2 || !strings.Contains(errOut, "Usage:") {
		t.Fatalf("ballot alone: exit %d, %q", code, errOut)
	}
	if _, errOut, code := runBinary(t, "serve", "--no-such-flag"); code != 2 || !strings.Contains(errOut, "no-such-flag") {
		t.Fatalf("a bad flag: exit %d, %q", code, errOut)
	}
}

// TestUnexpectedArgumentsAreRefused: a word where a flag was meant (a
// forgotten --, a stray path) is refused, with exit status 2, before
// anything runs.
func TestUnexpectedArgumentsAreRefused(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ballot.db")
	for _, line := range [][]string{{"check", "--db", db, "extra"}, {"serve", "--db", db, "0.0.0.0:80"}, {"keygen", "out.key"}, {"version", "now"}} {
		_, errOut, code := runBinary(t, line...)
		if code != 2 || !strings.Contains(errOut, "unexpected argument") {
			t.Fatalf("%v: exit %d, %q", line, code, errOut)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("a refused command created the database")
	}
	// every command, before it looks at anything else
	for _, c := range commands {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append(strings.Fields(c.name), "stray"), &stdout, &stderr)
		if exitCode(err) != 2 || !strings.Contains(err.Error(), `unexpected argument "stray"`) {
			t.Errorf("ballot %s stray: %v", c.name, err)
		}
	}
}

// TestUsageListsEveryEnvironmentVariable: each BALLOT_* variable the code
// reads is in the usage.
func TestUsageListsEveryEnvironmentVariable(t *testing.T) {
	t.Parallel()
	read := regexp.MustCompile(`envOr\("(BALLOT_[A-Z_]+)"`)
	files, _ := filepath.Glob("*.go")
	found := 0
	for _, f := range files {
		src, _ := os.ReadFile(f)
		for _, m := range read.FindAllSubmatch(src, -1) {
			found++
			if !strings.Contains(usage(), string(m[1])) {
				t.Errorf("%s reads %s, which the usage does not list", f, m[1])
			}
		}
	}
	if found < 10 {
		t.Fatalf("found only %d variables read", found)
	}
}

// TestTrustedProxyEntriesAreChecked: a typo in --trusted-proxy is an error
// at start, before anything is written.
func TestTrustedProxyEntriesAreChecked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, bad := range []string{"10.0.0.300", "10.0.0.0/33", "10.0.0.1/8", "proxy.local", "10.0.0.1,,x"} {
		_, errOut, code := runBinary(t, "serve", "--db", filepath.Join(dir, "b.db"), "--addr", "127.0.0.1:0", "--trusted-proxy", bad)
		if code != 1 || !strings.Contains(errOut, "--trusted-proxy") {
			t.Fatalf("%q: exit %d, %q", bad, code, errOut)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("wrote %s", entries[0].Name())
	}
}

// TestABinaryFormatIsNotWrittenToATerminal: tally and report without --out
// refuse xlsx when standard output is a terminal (a pseudo-terminal here).
func TestABinaryFormatIsNotWrittenToATerminal(t *testing.T) {
	t.Parallel()
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminal: %v", err)
	}
	defer tty.Close()
	if !isTerminal(tty) {
		t.Fatal("/dev/ptmx is not seen as a terminal")
	}
	db := filepath.Join(t.TempDir(), "ballot.db")
	m, _ := startMain(t, db, nil)
	m.Close()
	for _, cmd := range []string{"tally", "report"} {
		var stderr bytes.Buffer
		err := run(context.Background(), []string{cmd, "--db", db, "--round", "r1", "--format", "xlsx"}, tty, &stderr)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "terminal") {
			t.Fatalf("%s to a terminal: %v", cmd, err)
		}
	}
	null, _ := os.Open(os.DevNull)
	defer null.Close()
	if isTerminal(null) {
		t.Fatal("/dev/null is seen as a terminal")
	}
}

// TestVersionNamesTheRevision: `ballot version` prints the module version,
// the VCS revision the binary was built from and the schema it reads.
func TestVersionNamesTheRevision(t *testing.T) {
	t.Parallel()
	out, _, code := runBinary(t, "version")
	if code != 0 || !strings.HasPrefix(out, "ballot ") || !strings.Contains(out, "database schema ") {
		t.Fatalf("exit %d: %q", code, out)
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse: %v (the tests build from a git checkout)", err)
	}
	if !strings.Contains(out, "revision "+strings.TrimSpace(string(head))) {
		t.Fatalf("version does not name revision %s:\n%s", head, out)
	}
}

// TestMetricsNameTheBuild: /metrics of the running binary names the build
// `ballot version` prints — module version, VCS revision, schema — so an
// operator can see which binary serves after an upgrade.
func TestMetricsNameTheBuild(t *testing.T) {
	t.Parallel()
	out, _, code := runBinary(t, "version")
	if code != 0 {
		t.Fatalf("version: exit %d", code)
	}
	version := strings.TrimPrefix(strings.SplitN(out, "\n", 2)[0], "ballot ")
	revision := ""
	if m := regexp.MustCompile(`(?m)^revision (\S+)`).FindStringSubmatch(out); m != nil {
		revision = m[1]
	}
	srv, err := crashloop.Start(binary, filepath.Join(t.TempDir(), "ballot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Kill()
	req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+srv.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	line := regexp.MustCompile(`(?m)^ballot_build_info\{.*\} 1$`).Find(body)
	want := []string{`version="` + version + `"`, `revision="` + revision + `"`, fmt.Sprintf(`schema="%d"`, storage.SchemaVersion)}
	for _, w := range want {
		if !strings.Contains(string(line), w) {
			t.Fatalf("/metrics: %q lacks %s (ballot version says:\n%s)", line, w, out)
		}
	}
}

// TestABadBooleanVariableIsRefused: BALLOT_COMMITTEE_KEY_REQUIRED must
// read as true or false; a "yes" taken for false would quietly let admins
// set round keys. Nothing is written.
func TestABadBooleanVariableIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a server that starts is killed
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "serve", "--db", filepath.Join(dir, "ballot.db"), "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "BALLOT_COMMITTEE_KEY_REQUIRED=yes")
	out, err := cmd.CombinedOutput()
	if exitCode := cmd.ProcessState.ExitCode(); err == nil || exitCode != 1 || !strings.Contains(string(out), `BALLOT_COMMITTEE_KEY_REQUIRED="yes"`) {
		t.Fatalf("exit %d: %s", exitCode, out)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("wrote %s", entries[0].Name())
	}
}

// TestAMissingRequiredFlagIsAUsageError: a command without a flag it needs
// says which, exits 2 as any other misuse does, and writes nothing.
func TestAMissingRequiredFlagIsAUsageError(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ballot.db")
	for _, line := range [][]string{
		{"restore", "--db", db}, {"check", "--db", ""}, {"count", "--db", db}, {"count", "--db", db, "--round", "r1"},
		{"tally", "--db", db}, {"report", "--db", db}, {"minutes", "--db", db}, {"documents", "--db", db},
		{"tally", "--db", db, "--round", "r1", "--format", "pdf"},
		{"export-result", "--db", db}, {"import-result", "--db", db}, {"register-key", "--db", db},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), line, &stdout, &stderr)
		if exitCode(err) != 2 || err == nil || !(strings.Contains(err.Error(), "required") || strings.Contains(err.Error(), "must be one of")) {
			t.Errorf("ballot %s: exit %d, %v", strings.Join(line, " "), exitCode(err), err)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("a refused command created the database")
	}
}
