package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ballot/internal/audit"
	"ballot/internal/crashloop"
	"ballot/internal/storage"
)

// TestAServerStartDoesTheErasureACrashLeftOwed is the crash of
// TestErasureSurvivesKillsAroundOpenAndCount at its worst moment, every
// time: the opening's transaction committed (its clear codes erased, the
// compaction owed), the process gone before the compaction finished, half a
// compaction file beside the database. `ballot check` names both; the next
// start of the real binary does the erasure and removes the file, before
// anything is served.
func TestAServerStartDoesTheErasureACrashLeftOwed(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ballot.db")
	srv, err := crashloop.Start(binary, db)
	if err != nil {
		t.Fatal(err)
	}
	tok, u := srv.Token, srv.URL+"/api/v1/rounds"
	kp := oneTargetRound(t, srv.URL, tok, "Đợt thử xóa còn nợ", "diem-100")
	_, batch := api(t, "POST", u+"/r1/batches", tok, map[string]any{"targets": []string{"c"}, "count": 2000})
	var clear []string
	for _, c := range batch["codes"].([]any) {
		clear = append(clear, c.(string))
	}
	srv.Stop()

	// the opening's transaction alone, as OpenRound commits it
	store, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = store.Update(func(tx *storage.Tx) error {
		r, err := tx.Round("r1")
		if err != nil {
			return err
		}
		if err := r.MarkOpen(time.Now()); err != nil {
			return err
		}
		if err := tx.EraseClearCodes("r1"); err != nil {
			return err
		}
		if _, err := tx.Audit(audit.Event{Actor: "admin", Action: "round.open", Detail: map[string]any{"round": "r1", "public_key": kp.Public}}, time.Now()); err != nil {
			return err
		}
		return tx.PutRound(r)
	})
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db+".compact", []byte("half a compaction"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n := clearCodesLeft(db, clear); n != len(clear) {
		t.Fatalf("%d of %d clear codes in the file after the commit: the search finds nothing", n, len(clear))
	}
	out, errOut, code := runBinary(t, "check", "--db", db)
	if code == 0 || !strings.Contains(out, "an erasure is still owed") || !strings.Contains(out, "a compaction file lies beside the database") {
		t.Fatalf("check after the crash: exit %d\n%s%s", code, out, errOut)
	}

	restarted(t, db, func(string) {})
	if n := clearCodesLeft(db, clear); n > 0 {
		t.Fatalf("%d clear codes survive the next start", n)
	}
	if _, err := os.Stat(db + ".compact"); !os.IsNotExist(err) {
		t.Fatalf("the compaction file survives the next start: %v", err)
	}
	if out, errOut, code := runBinary(t, "check", "--db", db); code != 0 {
		t.Fatalf("check after the next start: %s%s", out, errOut)
	}
}
