package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ballot/internal/result/resulttest"
)

// minisignTool is Debian's minisign (.ci/run installs it); without it the
// test fails in CI and is skipped with a message elsewhere.
func minisignTool(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("minisign")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("minisign is not installed (apt-get install minisign)")
		}
		t.Skip("minisign is not installed (apt-get install minisign)")
	}
	return path
}

// parentOver makes, in a database of its own in dir, a parent round over
// child with publicKey registered for the child's root, and closes the
// database for the binary: its path and the round's id.
func parentOver(t *testing.T, dir string, child *resulttest.Child, publicKey string) (string, string) {
	t.Helper()
	path := filepath.Join(dir, "parent.db")
	svc, done := resulttest.OpenAt(t, path)
	c := *child
	c.PublicKey = publicKey
	parent := resulttest.NewParent(t, svc, 2026, "tw", &c)
	done()
	return path, parent.ID
}

// TestSignedResultsThroughTheCommandLine: a child's signing key from
// keygen --sign (mode 0600, never written over), its export-result
// verified by Debian's minisign (and a changed copy refused by it), the
// file imported into a parent round with import-result, a replay refused,
// check clean, the national report written.
func TestSignedResultsThroughTheCommandLine(t *testing.T) {
	t.Parallel()
	tool := minisignTool(t)
	dir := t.TempDir()
	child := resulttest.NewChild(t, resulttest.Spec{Root: "gl", Districts: 2, PerDistrict: 4, Ballots: 3, Year: 2026, Seed: 7})
	child.Close()

	keyFile := filepath.Join(dir, "gl.key")
	out, errOut, code := runBinary(t, "keygen", "--sign", "--out", keyFile)
	public := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(public, "RW") || strings.Contains(out, "\n"+public) {
		t.Fatalf("keygen --sign: exit %d, %q %s", code, out, errOut)
	}
	if st, err := os.Stat(keyFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the signing key file: %v %v", st.Mode(), err)
	}
	if secret, _ := os.ReadFile(keyFile); strings.Contains(out, strings.TrimSpace(string(secret))) {
		t.Fatal("keygen printed the secret key")
	}
	if _, _, code := runBinary(t, "keygen", "--sign", "--out", keyFile); code == 0 {
		t.Fatal("keygen --sign wrote over an existing key")
	}
	if _, errOut, code := runBinary(t, "keygen", "--sign"); code != 2 || !strings.Contains(errOut, "--out") {
		t.Fatalf("keygen --sign without --out: exit %d %s", code, errOut)
	}

	file := filepath.Join(dir, "gl.json")
	if _, errOut, code := runBinary(t, "export-result", "--db", child.Path, "--round", child.Round.ID, "--key-file", keyFile, "--out", file); code != 0 {
		t.Fatalf("export-result: %s", errOut)
	}
	pubFile := filepath.Join(dir, "gl.pub")
	os.WriteFile(pubFile, []byte("untrusted comment: minisign public key\n"+public+"\n"), 0o644)
	verify := exec.Command(tool, "-V", "-m", file, "-p", pubFile)
	got, err := verify.CombinedOutput()
	if err != nil || !strings.Contains(string(got), "Signature and comment signature verified") || !strings.Contains(string(got), "unit=gl") {
		t.Fatalf("minisign -V: %v\n%s", err, got)
	}
	if got, err := exec.Command(tool, "-Vm", file, "-P", public).CombinedOutput(); err != nil {
		t.Fatalf("minisign -Vm FILE -P KEY: %v\n%s", err, got)
	}
	changed := filepath.Join(dir, "changed.json")
	data, _ := os.ReadFile(file)
	os.WriteFile(changed, []byte(strings.Replace(string(data), `"level":"htnv"`, `"level":"htt"`, 1)), 0o644)
	sig, _ := os.ReadFile(file + ".minisig")
	os.WriteFile(changed+".minisig", sig, 0o644)
	if got, err := exec.Command(tool, "-V", "-m", changed, "-p", pubFile).CombinedOutput(); err == nil {
		t.Fatalf("minisign verified a changed file: %s", got)
	}

	parentDB, prid := parentOver(t, dir, child, public)
	if _, errOut, code := runBinary(t, "import-result", "--db", parentDB, "--round", prid, "--file", changed); code == 0 || !strings.Contains(errOut, "does not match") {
		t.Fatalf("import of a changed file: exit %d %s", code, errOut)
	}
	out, errOut, code = runBinary(t, "import-result", "--db", parentDB, "--round", prid, "--file", file)
	if code != 0 || !strings.Contains(out, "imported the result of gl") {
		t.Fatalf("import-result: exit %d %s%s", code, out, errOut)
	}
	if _, errOut, code := runBinary(t, "import-result", "--db", parentDB, "--round", prid, "--file", file); code == 0 || !strings.Contains(errOut, "not newer") {
		t.Fatalf("a replay: exit %d %s", code, errOut)
	}
	if out, errOut, code := runBinary(t, "check", "--db", parentDB); code != 0 {
		t.Fatalf("check of the parent: %s%s", out, errOut)
	}
	out, errOut, code = runBinary(t, "report", "--db", parentDB, "--round", prid, "--format", "csv", "--compare", "none")
	if code != 0 || !strings.Contains(out, "gl") {
		t.Fatalf("report of the parent: exit %d %s%s", code, out, errOut)
	}
}

// TestAServerStartsOverAParentRoundCollectingResults: an open parent
// round takes no ballots, so starting makes it no data key (it has no
// round key to wrap one to) and the server starts and serves it.
func TestAServerStartsOverAParentRoundCollectingResults(t *testing.T) {
	t.Parallel()
	child := resulttest.NewChild(t, resulttest.Spec{Root: "gl", Districts: 1, PerDistrict: 3, Ballots: 3, Year: 2026, Seed: 8})
	db := filepath.Join(t.TempDir(), "parent.db")
	svc, closeDB := resulttest.OpenAt(t, db)
	resulttest.NewParent(t, svc, 2026, "tw", child)
	closeDB()
	m, out := startMain(t, db, nil)
	defer m.Close()
	tok := tokenRE.FindStringSubmatch(out)
	if tok == nil {
		t.Fatalf("no token in %q", out)
	}
	if st, r := api(t, "GET", "http://"+m.ln.Addr().String()+"/api/v1/rounds/r1/results", tok[1], nil); st != 200 || len(r["children"].([]any)) != 1 {
		t.Fatalf("results of the parent round: %d %v", st, r)
	}
}
