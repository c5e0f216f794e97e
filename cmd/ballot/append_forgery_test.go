package main

import (
	binenc "encoding/binary"
	"encoding/json"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"ballot/internal/audit"
	"ballot/internal/storage"
)

// appendEntries is the insider who leaves the audit chain as it is and only
// adds entries after its head, each chained to the one before: every hash
// printed earlier is still in the chain, so `check --anchor` passes.
func appendEntries(t *testing.T, path string, events ...audit.Event) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		var prev audit.Entry
		_, last := b.Cursor().Last()
		if err := json.Unmarshal(last, &prev); err != nil {
			return err
		}
		for _, ev := range events {
			e, err := audit.Next(&prev, ev, time.Now())
			if err != nil {
				return err
			}
			raw, _ := json.Marshal(e)
			k := make([]byte, 8)
			binenc.BigEndian.PutUint64(k, e.Seq)
			if err := b.Put(k, raw); err != nil {
				return err
			}
			prev = e
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// digestsOf are the digests the insider computes of the file they edited,
// to anchor them.
func digestsOf(t *testing.T, path, rid string) (sealed, counted string) {
	t.Helper()
	store, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	store.View(func(tx *storage.Tx) error {
		sealed, _ = tx.SealedDigest(rid)
		counted, _ = tx.CountedDigest(rid)
		return nil
	})
	return sealed, counted
}

// TestForgeriesAppendedAfterTheClosingAnchorAreNamed: the insider of
// TestEditsOfTheFileAreNamed does not rewrite the chain but appends to it,
// after closing, entries that register their own data key and anchor the
// forged ballots (or the rewritten counted figures) anew. The hash the
// committee kept at closing is still in the chain; before, check with it
// passed and counting counted the forged ballots. Keys registered after a
// round closed, and digests anchored by anything but its closing and its
// count, are not trusted.
func TestForgeriesAppendedAfterTheClosingAnchorAreNamed(t *testing.T) {
	t.Parallel()
	db, keyFile, anchor, kp := closedRoundOfKem(t, "Đợt thử nối nhật ký")

	// forged ballots; their key registered and their digest anchored by
	// entries appended after closing
	forged := copyDB(t, db)
	mine := forgeBallots(t, forged, kp.Public)
	sealed, _ := digestsOf(t, forged, "r1")
	appendEntries(t, forged, storage.DataKeyEvent("datakey.create", "r1", mine.ID[:], mine.Wrapped),
		audit.Event{Actor: "system", Action: "digest.record", Detail: map[string]any{"round": "r1", "sealed_sha256": sealed}})
	mustFail(t, "under a data key the audit chain never registered", "check", "--db", forged, "--anchor", anchor)
	mustFail(t, "sealed ballots: differs from the digest anchored", "check", "--db", forged, "--anchor", anchor)
	mustFail(t, "never made", "count", "--db", forged, "--round", "r1", "--key-file", keyFile)

	// the same digest appended as a second closing
	closedTwice := copyDB(t, db)
	forgeBallots(t, closedTwice, kp.Public)
	sealed, _ = digestsOf(t, closedTwice, "r1")
	appendEntries(t, closedTwice, audit.Event{Actor: "admin", Action: "round.close", Detail: map[string]any{"round": "r1", "sealed_sha256": sealed}})
	mustFail(t, "the audit chain records it closed 2 times", "check", "--db", closedTwice, "--anchor", anchor)
	mustFail(t, "sealed ballots: differs from the digest anchored", "check", "--db", closedTwice, "--anchor", anchor)

	// the honest count, then its figures rewritten and anchored anew
	if out, errOut, code := runBinary(t, "count", "--db", db, "--round", "r1", "--key-file", keyFile); code != 0 {
		t.Fatalf("count: %s%s", out, errOut)
	}
	figures := copyDB(t, db)
	editRound(t, figures, "r1", func(rb *bolt.Bucket) error {
		tb := rb.Bucket([]byte("tally"))
		raw := string(tb.Get([]byte("c")))
		edited := strings.Replace(raw, `"kem","count":6`, `"kem","count":0`, -1)
		edited = strings.Replace(edited, `"xuat_sac","count":0`, `"xuat_sac","count":6`, -1)
		if edited == raw {
			t.Fatalf("the attack found nothing to rewrite in %s", raw)
		}
		return tb.Put([]byte("c"), []byte(edited))
	})
	_, counted := digestsOf(t, figures, "r1")
	appendEntries(t, figures, audit.Event{Actor: "system", Action: "digest.record", Detail: map[string]any{"round": "r1", "counted_sha256": counted}})
	mustFail(t, "counted aggregates, comments and receipts: differs", "check", "--db", figures, "--anchor", anchor)
}
