package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"ballot/internal/crashloop"
	"ballot/internal/seal"
)

// editRoundRecord rewrites round rid's own record (its state, kind and
// key) in the file at path.
func editRoundRecord(t *testing.T, path, rid string, fn func(r map[string]any)) {
	t.Helper()
	editRound(t, path, rid, func(rb *bolt.Bucket) error {
		var r map[string]any
		if err := json.Unmarshal(rb.Get([]byte("round")), &r); err != nil {
			return err
		}
		fn(r)
		raw, _ := json.Marshal(r)
		return rb.Put([]byte("round"), raw)
	})
}

// TestEditsOfARoundsLifeAreNamed: an insider who can write the file and
// restart the server edits a round's own record rather than its ballots —
// swaps its public key while it is open (the next server's data key is then
// wrapped to the insider's key: every later ballot readable by them), opens
// a closed round again to take more ballots and closes it again, makes a
// counted round countable again, or marks a round a parent round (which
// check used to verify as one, skipping its ballots' anchors). Each passed
// `ballot check` before; each is named now, and counting refuses.
func TestEditsOfARoundsLifeAreNamed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "ballot.db")
	srv, err := crashloop.Start(binary, db)
	if err != nil {
		t.Fatal(err)
	}
	tok, u := srv.Token, srv.URL+"/api/v1/rounds"
	kp := oneTargetRound(t, srv.URL, tok, "Đợt thử sửa đợt", "to-chuc-co-so-dang")
	_, b := api(t, "POST", u+"/r1/batches", tok, map[string]any{"targets": []string{"c"}, "count": 8})
	cs := b["codes"].([]any)
	api(t, "POST", u+"/r1/open", tok, nil)
	vote := func(url string, code any) {
		t.Helper()
		ans := map[string]any{"level": "htnv"}
		for i := 1; i <= 7; i++ {
			ans["c"+string(rune('0'+i))] = "tot"
		}
		if st, r := api(t, "POST", url+"/api/v1/ballots", "", map[string]any{"code": code, "ballots": []map[string]any{{"target": "c", "answers": ans}}}); st != 201 {
			t.Fatalf("vote: %d %v", st, r)
		}
	}
	for _, c := range cs[:3] {
		vote(srv.URL, c)
	}
	srv.Stop()
	keyFile := filepath.Join(dir, "r1.key")
	if err := os.WriteFile(keyFile, []byte(kp.Private+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	restartAndVote := func(path string, code any) {
		t.Helper()
		s, err := crashloop.Start(binary, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Stop()
		vote(s.URL, code)
	}

	// 1. the public key swapped while the round is open, the server
	// restarted (its new data key is wrapped to the insider's key) and a
	// ballot taken; then the key put back
	rekeyed := copyDB(t, db)
	mine, _ := seal.GenerateKeyPair()
	editRoundRecord(t, rekeyed, "r1", func(r map[string]any) { r["public_key"] = mine.Public })
	restartAndVote(rekeyed, cs[3])
	mustFail(t, "its public key is not the one the audit chain recorded", "check", "--db", rekeyed)
	editRoundRecord(t, rekeyed, "r1", func(r map[string]any) { r["public_key"] = kp.Public })
	mustFail(t, "1 data keys were made for a public key other than the round's", "check", "--db", rekeyed)

	// 2. a closed round opened again in the file, a ballot taken, closed
	// again by the application (which anchors the new ballots anew)
	closeRound := func(path string) {
		t.Helper()
		s, err := crashloop.Start(binary, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Stop()
		if st, r := api(t, "POST", s.URL+"/api/v1/rounds/r1/close", tok, nil); st != 200 {
			t.Fatalf("close: %d %v", st, r)
		}
	}
	closeRound(db)
	if out, errOut, code := runBinary(t, "check", "--db", db); code != 0 {
		t.Fatalf("check of the honest file: %s%s", out, errOut)
	}
	reopened := copyDB(t, db)
	editRoundRecord(t, reopened, "r1", func(r map[string]any) { r["state"] = "open"; delete(r, "closed_at") })
	mustFail(t, "its state is open, but the audit chain leaves it closed", "check", "--db", reopened)
	restartAndVote(reopened, cs[4])
	closeRound(reopened)
	mustFail(t, "the audit chain records it closed 2 times", "check", "--db", reopened)
	mustFail(t, "differ from what the audit chain records", "count", "--db", reopened, "--round", "r1", "--key-file", keyFile)

	// 3. a counted round made countable again
	if out, errOut, code := runBinary(t, "count", "--db", db, "--round", "r1", "--key-file", keyFile); code != 0 {
		t.Fatalf("count: %s%s", out, errOut)
	}
	recount := copyDB(t, db)
	editRoundRecord(t, recount, "r1", func(r map[string]any) { r["state"] = "closed"; delete(r, "counted_at") })
	mustFail(t, "its state is closed, but the audit chain leaves it counted", "check", "--db", recount)

	// 4. a round marked a parent round, whose check skipped its ballots
	parent := copyDB(t, db)
	editRoundRecord(t, parent, "r1", func(r map[string]any) { r["parent"] = true })
	mustFail(t, "it is stored as a parent round: true, but was created as one: false", "check", "--db", parent)

	if out, errOut, code := runBinary(t, "check", "--db", db); code != 0 {
		t.Fatalf("check of the honest counted file: %s%s", out, errOut)
	}
}
