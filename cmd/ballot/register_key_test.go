package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ballot/internal/result"
	"ballot/internal/result/resulttest"
)

// TestRegisterKeyThroughTheCommandLine: a parent round holding a wrong key
// for a child refuses the child's file; `ballot register-key` refuses a
// line that is no key and a unit that is no child's root, then replaces
// the key, and the same file imports.
func TestRegisterKeyThroughTheCommandLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	child := resulttest.NewChild(t, resulttest.Spec{Root: "hg", Districts: 1, PerDistrict: 3, Ballots: 3, Year: 2026, Seed: 11})
	sr := child.Export(t, "")
	child.Close()
	file := filepath.Join(dir, "hg.json")
	os.WriteFile(file, sr.File, 0o644)
	os.WriteFile(file+".minisig", sr.Signature, 0o644)

	_, stranger, err := result.NewSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	parentDB, prid := parentOver(t, dir, child, stranger)

	if _, errOut, code := runBinary(t, "import-result", "--db", parentDB, "--round", prid, "--file", file); code == 0 || !strings.Contains(errOut, "registered for no unit") {
		t.Fatalf("import under a wrong key: exit %d %s", code, errOut)
	}
	for _, bad := range [][]string{{"--unit", "hg", "--public-key", "RWnot-a-key"}, {"--unit", "tw", "--public-key", child.PublicKey}} {
		args := append([]string{"register-key", "--db", parentDB, "--round", prid}, bad...)
		if out, errOut, code := runBinary(t, args...); code == 0 || errOut == "" {
			t.Fatalf("register-key %v: exit %d %s%s", bad, code, out, errOut)
		}
	}
	out, errOut, code := runBinary(t, "register-key", "--db", parentDB, "--round", prid, "--unit", "hg", "--public-key", child.PublicKey)
	if code != 0 || !strings.Contains(out, "for hg") {
		t.Fatalf("register-key: exit %d %s%s", code, out, errOut)
	}
	if out, errOut, code := runBinary(t, "import-result", "--db", parentDB, "--round", prid, "--file", file); code != 0 || !strings.Contains(out, "imported the result of hg") {
		t.Fatalf("import after the key was registered: exit %d %s%s", code, out, errOut)
	}
}
