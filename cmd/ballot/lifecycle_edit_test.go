package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// moveTarget puts target c of round r1 under a unit of its own, renamed.
func moveTarget(t *testing.T, path string) {
	t.Helper()
	editRound(t, path, "r1", func(rb *bolt.Bucket) error {
		ub := rb.Bucket([]byte("units"))
		var key, raw []byte
		ub.ForEach(func(k, v []byte) error {
			var u map[string]any
			if json.Unmarshal(v, &u) == nil && u["id"] == "c" {
				u["name"], u["parent"] = "Đơn vị khác", "p"
				key, raw = append([]byte(nil), k...), mustJSON(u)
			}
			return nil
		})
		if key == nil {
			t.Fatalf("the attack found no unit c among the round's units")
		}
		return ub.Put(key, raw)
	})
}

// TestEditsOfARoundsLifeAreNamed: an insider who can write the file and
// restart the server edits a round's own record rather than its ballots —
// swaps its public key while it is open or before it opens (the server's
// next data key was then wrapped to the insider's key: every later ballot
// readable by them, none by the committee), opens a closed round again to
// take more ballots and closes it again, makes a counted round countable
// again, moves a target to another unit (the units and forms are frozen at
// opening), or marks a round a parent round (which check verified as one,
// skipping its ballots' anchors), or unmarks a round that requires the
// committee's key so that an admin may set one. Each passed `ballot check` before; each is
// named now, counting refuses, and no key is made for such a round.
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
	refusesToServe := func(path string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, _ := exec.CommandContext(ctx, binary, "serve", "--db", path, "--addr", "127.0.0.1:0").CombinedOutput()
		if ctx.Err() != nil || !strings.Contains(string(out), "round r1 in the file differs from what the audit chain records") {
			t.Fatalf("a server on a file whose open round was edited: %v %s", ctx.Err(), out)
		}
	}

	// 1. the public key swapped while the round is open: the server's
	// next data key would be wrapped to the insider's key, so the server
	// refuses to start on the file, and check names it
	rekeyed := copyDB(t, db)
	mine, _ := seal.GenerateKeyPair()
	editRoundRecord(t, rekeyed, "r1", func(r map[string]any) { r["public_key"] = mine.Public })
	refusesToServe(rekeyed)
	mustFail(t, "its public key is not the one the audit chain recorded", "check", "--db", rekeyed)

	// 1b. the same before opening: the round is not opened
	s2, err := crashloop.Start(binary, db)
	if err != nil {
		t.Fatal(err)
	}
	u2 := s2.URL + "/api/v1/rounds"
	api(t, "POST", u2, tok, map[string]any{"title": "Đợt hai", "year": 2026})
	api(t, "POST", u2+"/r2/forms", tok, map[string]string{"template": "to-chuc-co-so-dang"})
	api(t, "POST", u2+"/r2/units", tok, []map[string]string{{"id": "p", "name": "P", "kind": "province"},
		{"id": "c", "name": "C", "parent": "p", "kind": "grassroots", "group": "xa", "form": "to-chuc-co-so-dang"}})
	if st, r := api(t, "PUT", u2+"/r2/key", tok, map[string]string{"public_key": kp.Public}); st != 200 {
		t.Fatalf("r2 key: %d %v", st, r)
	}
	s2.Stop()
	draft := copyDB(t, db)
	editRoundRecord(t, draft, "r2", func(r map[string]any) { r["public_key"] = mine.Public })
	s3, err := crashloop.Start(binary, draft)
	if err != nil {
		t.Fatal(err)
	}
	st, r := api(t, "POST", s3.URL+"/api/v1/rounds/r2/open", tok, nil)
	s3.Stop()
	if st != 409 || !strings.Contains(fmt.Sprint(r), "r2") {
		t.Fatalf("opening a round whose key was swapped in the file: %d %v", st, r)
	}
	mustFail(t, "its public key is not the one the audit chain recorded", "check", "--db", draft)

	// 1c. a round that requires the committee's key no longer marked so,
	// for an admin to set one (and hold its private half)
	s4, err := crashloop.Start(binary, db)
	if err != nil {
		t.Fatal(err)
	}
	api(t, "POST", s4.URL+"/api/v1/rounds", tok, map[string]any{"title": "Đợt ba", "year": 2026, "committee_key_required": true})
	s4.Stop()
	unmarked := copyDB(t, db)
	editRoundRecord(t, unmarked, "r3", func(r map[string]any) { delete(r, "committee_key_required") })
	mustFail(t, "it was created as a round whose key only the counting committee sets", "check", "--db", unmarked)
	s5, err := crashloop.Start(binary, unmarked)
	if err != nil {
		t.Fatal(err)
	}
	st, r = api(t, "PUT", s5.URL+"/api/v1/rounds/r3/key", tok, map[string]string{"public_key": mine.Public})
	s5.Stop()
	if st != 409 || !strings.Contains(fmt.Sprint(r), "r3") {
		t.Fatalf("an admin setting the key of a committee-key round unmarked in the file: %d %v", st, r)
	}

	// 2. a closed round opened again in the file, to take more ballots:
	// named, and no server starts on it
	closeRound(db)
	if out, errOut, code := runBinary(t, "check", "--db", db); code != 0 {
		t.Fatalf("check of the honest file: %s%s", out, errOut)
	}
	reopened := copyDB(t, db)
	editRoundRecord(t, reopened, "r1", func(r map[string]any) { r["state"] = "open"; delete(r, "closed_at") })
	mustFail(t, "its state is open, but the audit chain leaves it closed", "check", "--db", reopened)
	refusesToServe(reopened)

	// 2b. a target moved to another unit in the file before counting: the
	// figures of every unit above it would change
	moved := copyDB(t, db)
	moveTarget(t, moved)
	mustFail(t, "units and forms: differs from the digest anchored in audit entry", "check", "--db", moved)
	mustFail(t, "units or forms differ from the digest anchored", "count", "--db", moved, "--round", "r1", "--key-file", keyFile)

	// 3. a counted round made countable again
	if out, errOut, code := runBinary(t, "count", "--db", db, "--round", "r1", "--key-file", keyFile); code != 0 {
		t.Fatalf("count: %s%s", out, errOut)
	}
	recount := copyDB(t, db)
	editRoundRecord(t, recount, "r1", func(r map[string]any) { r["state"] = "closed"; delete(r, "counted_at") })
	mustFail(t, "its state is closed, but the audit chain leaves it counted", "check", "--db", recount)
	mustFail(t, "differ from what the audit chain records", "count", "--db", recount, "--round", "r1", "--key-file", keyFile)

	// 3b. a target moved after counting, where the report sums it up
	movedLater := copyDB(t, db)
	moveTarget(t, movedLater)
	mustFail(t, "units and forms: differs from the digest anchored in audit entry", "check", "--db", movedLater)

	// 4. a round marked a parent round, whose check skipped its ballots
	parent := copyDB(t, db)
	editRoundRecord(t, parent, "r1", func(r map[string]any) { r["parent"] = true })
	mustFail(t, "it is stored as a parent round: true, but was created as one: false", "check", "--db", parent)

	if out, errOut, code := runBinary(t, "check", "--db", db); code != 0 {
		t.Fatalf("check of the honest counted file: %s%s", out, errOut)
	}
}
