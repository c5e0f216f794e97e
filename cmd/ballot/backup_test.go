package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"ballot/internal/crashloop"
)

func TestOnlineBackupDuringLoadRestoresAndChecks(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ballot.db")
	srv := startServer(t, db)
	defer srv.Kill()
	tok, u := srv.Token, srv.URL+"/api/v1/rounds"
	oneTargetRound(t, srv.URL, tok, "Đợt thử", "diem-100")
	_, b := api(t, "POST", u+"/r1/batches", tok, map[string]any{"targets": []string{"c"}, "count": 600})
	api(t, "POST", u+"/r1/open", tok, nil)

	codes := make(chan string, 600)
	for _, c := range b["codes"].([]any) {
		codes <- c.(string)
	}
	close(codes)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for code := range codes {
				crashloop.Call("POST", srv.URL+"/api/v1/ballots", "", map[string]any{"code": code, "submission_id": uuid.NewString(), "ballots": []map[string]any{
					{"target": "c", "answers": map[string]any{"s1": 10, "s2": 10, "s3": 5, "s4": 20, "s5": 5, "level": "htnv"}}}})
			}
		}()
	}
	backup := filepath.Join(dir, "backup.db")
	out, errOut, code := runBinary(t, "backup", "--url", srv.URL, "--token", tok, "--out", backup)
	wg.Wait()
	if code != 0 || !strings.Contains(out, "checked") {
		t.Fatalf("online backup: %d %s %s", code, out, errOut)
	}
	if out, _, code := runBinary(t, "check", "--db", backup); code != 0 {
		t.Fatalf("check of the backup:\n%s", out)
	}
	// an offline backup of a database a server holds fails at once
	if _, errOut, code := runBinary(t, "backup", "--db", db, "--out", filepath.Join(dir, "b2.db")); code == 0 || !strings.Contains(errOut, "in use") {
		t.Fatalf("offline backup of a held database: %d %s", code, errOut)
	}
	// restore: not over an existing database without --force, not over a held one
	if _, errOut, code := runBinary(t, "restore", "--from", backup, "--db", db); code == 0 || !strings.Contains(errOut, "--force") {
		t.Fatalf("restore over an existing database: %d %s", code, errOut)
	}
	if _, errOut, code := runBinary(t, "restore", "--from", backup, "--db", db, "--force"); code == 0 || !strings.Contains(errOut, "in use") {
		t.Fatalf("restore over a held database: %d %s", code, errOut)
	}
	restored := filepath.Join(dir, "restored.db")
	if out, errOut, code := runBinary(t, "restore", "--from", backup, "--db", restored); code != 0 {
		t.Fatalf("restore: %d %s %s", code, out, errOut)
	}
	if _, _, code := runBinary(t, "restore", "--from", filepath.Join(dir, "missing.db"), "--db", filepath.Join(dir, "x.db")); code == 0 {
		t.Fatal("restored from a missing file")
	}
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 1000)), 0o600)
	if _, errOut, code := runBinary(t, "restore", "--from", garbage, "--db", filepath.Join(dir, "y.db")); code == 0 || !strings.Contains(errOut, "not a ballot database") {
		t.Fatalf("restored from garbage: %d %s", code, errOut)
	}
	_, live := api(t, "GET", u+"/r1/turnout", tok, nil)
	srv.Kill()
	again := startServer(t, restored)
	defer again.Kill()
	st, r := api(t, "GET", again.URL+"/api/v1/rounds/r1/turnout", tok, nil)
	if st != 200 || r["issued"] != 600.0 || r["used"].(float64) > live["used"].(float64) {
		t.Fatalf("restored turnout %d %v (live %v)", st, r, live)
	}
	t.Logf("backup taken during load: %v of %v used codes in it", r["used"], live["used"])
}
