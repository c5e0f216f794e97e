package main

import (
	binenc "encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"ballot/internal/audit"
	"ballot/internal/ballots"
	"ballot/internal/crashloop"
	"ballot/internal/forms"
	"ballot/internal/seal"
	"ballot/internal/storage"
)

// The attacks of issue 14 by an insider with write access to the file and
// the round's public key only: a small program (this test) edits the
// buckets with bbolt directly. Each edit must be named by `ballot check`
// or refused by counting.

// roundBucket runs fn on round rid's bucket of the database file at path.
func editRound(t *testing.T, path, rid string, fn func(rb *bolt.Bucket) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error { return fn(tx.Bucket([]byte("rounds")).Bucket([]byte(rid))) }); err != nil {
		t.Fatal(err)
	}
}

// copyDB copies the database and its key file to a fresh place.
func copyDB(t *testing.T, db string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "copy.db")
	copyFile(t, db, to)
	if _, err := os.Stat(db + ".keys"); err == nil {
		copyFile(t, db+".keys", to+".keys")
	}
	return to
}

// mustFail runs the binary and expects it to fail with want in its output.
func mustFail(t *testing.T, want string, args ...string) {
	t.Helper()
	out, errOut, code := runBinary(t, args...)
	if code == 0 || !strings.Contains(out+errOut, want) {
		t.Fatalf("%v: exit %d, want a failure naming %q:\n%s%s", args, code, want, out, errOut)
	}
}

// closedRoundOfKem is the round the insider edits: one target, six ballots
// all kem/khtnv, closed; it returns the database, a file with the round's
// private key, the hash of the closing's audit entry (which the committee
// keeps) and the key pair.
func closedRoundOfKem(t *testing.T, title string) (db, keyFile, anchor string, kp seal.KeyPair) {
	t.Helper()
	dir := t.TempDir()
	db = filepath.Join(dir, "ballot.db")
	srv, err := crashloop.Start(binary, db)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	tok, u := srv.Token, srv.URL+"/api/v1/rounds"
	kp = oneTargetRound(t, srv.URL, tok, title, "to-chuc-co-so-dang")
	_, b := api(t, "POST", u+"/r1/batches", tok, map[string]any{"targets": []string{"c"}, "count": 6})
	api(t, "POST", u+"/r1/open", tok, nil)
	bad := map[string]any{"level": "khtnv"}
	for i := 1; i <= 7; i++ {
		bad["c"+string(rune('0'+i))] = "kem"
	}
	for _, code := range b["codes"].([]any) {
		if st, r := api(t, "POST", srv.URL+"/api/v1/ballots", "", map[string]any{"code": code, "ballots": []map[string]any{{"target": "c", "answers": bad}}}); st != 201 {
			t.Fatalf("vote: %d %v", st, r)
		}
	}
	_, closed := api(t, "POST", u+"/r1/close", tok, nil)
	closing := closed["closing"].(map[string]any)
	anchor = closing["audit_hash"].(string)
	if len(anchor) != 64 || len(closing["sha256"].(string)) != 64 {
		t.Fatalf("close did not answer its anchor: %v", closed)
	}
	keyFile = filepath.Join(dir, "r1.key")
	if err := os.WriteFile(keyFile, []byte(kp.Private+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return db, keyFile, anchor, kp
}

// TestEditsOfTheFileAreNamed: forged ballots under an attacker's own data
// key, a removed ballot, rewritten counted figures, an edited rating and a
// removed final report are each named by `check` (and counting refuses the
// first two); a verifying recount shows rewritten figures; a rewrite of
// the whole audit chain after the forgery passes `check` but not `check
// --anchor` with the hash the committee kept at closing.
func TestEditsOfTheFileAreNamed(t *testing.T) {
	t.Parallel()
	db, keyFile, anchor, kp := closedRoundOfKem(t, "Đợt thử sửa tệp")
	if out, errOut, code := runBinary(t, "check", "--db", db, "--anchor", anchor); code != 0 {
		t.Fatalf("check of the honest file: %s%s", out, errOut)
	}

	// 1. every grades record replaced by a forged ballot under the
	// attacker's own data key, wrapped to the round's public key
	forged := copyDB(t, db)
	mine := forgeBallots(t, forged, kp.Public)
	mustFail(t, "never registered", "check", "--db", forged)
	mustFail(t, "6 sealed ballot records are under a data key this server never made", "count", "--db", forged, "--round", "r1", "--key-file", keyFile)

	// the same forgery with the whole audit chain rewritten to register
	// the attacker's key and anchor the forged ballots: only the anchor
	// the committee kept at closing shows it
	rewriteChain(t, forged, "r1", mine)
	if out, errOut, code := runBinary(t, "check", "--db", forged); code != 0 {
		t.Fatalf("the rewritten chain should pass a check without an anchor (the residual risk): %s%s", out, errOut)
	}
	mustFail(t, "not in the chain", "check", "--db", forged, "--anchor", anchor)

	// 2. one ballot removed after closing
	removed := copyDB(t, db)
	editRound(t, removed, "r1", func(rb *bolt.Bucket) error {
		c := rb.Bucket([]byte("grades")).Cursor()
		k, _ := c.First()
		return c.Bucket().Delete(append([]byte(nil), k...))
	})
	mustFail(t, "sealed ballots: differs from the digest anchored", "check", "--db", removed)
	mustFail(t, "differ from the digest anchored", "count", "--db", removed, "--round", "r1", "--key-file", keyFile)

	// the honest count, then a rating
	if out, errOut, code := runBinary(t, "count", "--db", db, "--round", "r1", "--key-file", keyFile); code != 0 {
		t.Fatalf("count: %s%s", out, errOut)
	}
	runBinary(t, "user", "add", "--db", db, "--name", "tinh", "--role", "authority", "--unit", "p")
	atok, _, _ := runBinary(t, "token", "create", "--db", db, "--user", "tinh")
	srv, err := crashloop.Start(binary, db)
	if err != nil {
		t.Fatal(err)
	}
	if st, r := api(t, "PUT", srv.URL+"/api/v1/rounds/r1/ratings/c", strings.TrimSpace(atok), map[string]string{"level": "khtnv", "decision": "12-QĐ/TU"}); st != 200 {
		t.Fatalf("rate: %d %v", st, r)
	}
	if st, _ := api(t, "POST", srv.URL+"/api/v1/rounds/r1/report/final", strings.TrimSpace(atok), nil); st != 200 {
		t.Fatal("final")
	}
	srv.Stop()
	if out, errOut, code := runBinary(t, "check", "--db", db); code != 0 {
		t.Fatalf("check after counting and rating: %s%s", out, errOut)
	}
	if out, _, code := runBinary(t, "count", "--db", db, "--round", "r1", "--key-file", keyFile, "--verify"); code != 0 || !strings.Contains(out, "matches") {
		t.Fatalf("verifying recount of the honest round: %d %s", code, out)
	}

	// 3. the counted figures rewritten (option counts; ballots kept)
	figures := copyDB(t, db)
	editRound(t, figures, "r1", func(rb *bolt.Bucket) error {
		tb := rb.Bucket([]byte("tally"))
		raw := tb.Get([]byte("c"))
		edited := strings.Replace(string(raw), `"kem","count":6`, `"kem","count":0`, -1)
		edited = strings.Replace(edited, `"xuat_sac","count":0`, `"xuat_sac","count":6`, -1)
		if edited == string(raw) {
			t.Fatalf("the attack found nothing to rewrite in %s", raw)
		}
		return tb.Put([]byte("c"), []byte(edited))
	})
	mustFail(t, "counted aggregates, comments and receipts: differs", "check", "--db", figures)
	mustFail(t, "DIFFERS: target c", "count", "--db", figures, "--round", "r1", "--key-file", keyFile, "--verify")

	// 4. a rating edited in the file, its author and time kept
	rating := copyDB(t, db)
	editRound(t, rating, "r1", func(rb *bolt.Bucket) error {
		rt := rb.Bucket([]byte("ratings"))
		var v map[string]any
		json.Unmarshal(rt.Get([]byte("c")), &v)
		v["level"] = "htxs"
		raw, _ := json.Marshal(v)
		return rt.Put([]byte("c"), raw)
	})
	mustFail(t, "ratings, caps and final reports: differs", "check", "--db", rating)

	// 5. the final report removed, unlocking the ratings
	unlocked := copyDB(t, db)
	editRound(t, unlocked, "r1", func(rb *bolt.Bucket) error { return rb.Bucket([]byte("finals")).Delete([]byte("p")) })
	mustFail(t, "ratings, caps and final reports: differs", "check", "--db", unlocked)
}

// forgeBallots replaces every grades record of round r1 in the file at path
// by a ballot for xuat_sac/htxs sealed under a data key of the attacker's
// own, wrapped to the round's public key and stored beside the round's.
func forgeBallots(t *testing.T, path, publicKey string) *seal.DataKey {
	t.Helper()
	recipient, _ := seal.ParseRecipient(publicKey)
	mine, _ := seal.NewDataKey(recipient)
	f, _ := forms.Template("to-chuc-co-so-dang")
	good := ballots.Grades{Target: "c", Choices: map[string]string{"level": "htxs"}}
	for _, q := range f.Questions {
		if q.Type == forms.Choice && q.ID != "level" {
			good.Choices[q.ID] = "xuat_sac"
		}
	}
	editRound(t, path, "r1", func(rb *bolt.Bucket) error {
		if err := rb.Bucket([]byte("datakeys")).Put(mine.ID[:], mine.Wrapped); err != nil {
			return err
		}
		g := rb.Bucket([]byte("grades"))
		var keys [][]byte
		size := 0
		g.ForEach(func(k, v []byte) error {
			keys, size = append(keys, append([]byte(nil), k...)), len(v)-seal.Overhead // one size per round
			return nil
		})
		for _, k := range keys {
			v, err := mine.Seal(ballots.EncodeGrades(good), ballots.AAD("r1", []byte("grades")), size)
			if err != nil {
				return err
			}
			if err := g.Put(k, v); err != nil {
				return err
			}
		}
		return nil
	})
	return mine
}

// rewriteChain is the attacker who also rewrites the audit chain: it
// registers its data key right after the round's data keys, puts the
// forged ballots' digest in the close entry, and recomputes every hash.
func rewriteChain(t *testing.T, path, rid string, mine *seal.DataKey) {
	t.Helper()
	store, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var digest string
	store.View(func(tx *storage.Tx) (err error) { digest, err = tx.SealedDigest(rid); return err })
	store.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		var old []audit.Entry
		b.ForEach(func(_, v []byte) error {
			var e audit.Entry
			json.Unmarshal(v, &e)
			old = append(old, e)
			return nil
		})
		var prev *audit.Entry
		var out []audit.Entry
		add := func(at audit.Entry, action string, detail any) {
			e, _ := audit.Next(prev, audit.Event{Actor: at.Actor, Action: action, Detail: detail}, at.At)
			out = append(out, e)
			prev = &out[len(out)-1]
		}
		for _, e := range old {
			var detail any
			json.Unmarshal(e.Detail, &detail)
			if e.Action == "round.close" {
				d := detail.(map[string]any)
				d["sealed_sha256"] = digest
			}
			if len(e.Detail) == 0 {
				detail = nil
			}
			add(e, e.Action, detail)
			if e.Action == "datakey.create" {
				add(e, "datakey.create", storage.DataKeyEvent("datakey.create", rid, mine.ID[:], mine.Wrapped).Detail)
			}
		}
		for _, e := range out {
			raw, _ := json.Marshal(e)
			k := make([]byte, 8)
			binenc.BigEndian.PutUint64(k, e.Seq)
			if err := b.Put(k, raw); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
