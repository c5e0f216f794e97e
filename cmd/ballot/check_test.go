package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"ballot/internal/audit"
)

// tamper rewrites the audit entries of the file at db with edit; if rechain,
// it also recomputes every hash from the edited entry on, as an attacker
// covering tracks would.
func tamper(t *testing.T, db string, seq uint64, rechain bool, edit func(*audit.Entry)) {
	t.Helper()
	bdb, err := bolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	err = bdb.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		var prev string
		return b.ForEach(func(k, v []byte) error {
			var e audit.Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			switch {
			case e.Seq == seq:
				edit(&e)
				if rechain {
					e.Hash = e.Sum()
				}
			case e.Seq > seq && rechain:
				e.Prev = prev
				e.Hash = e.Sum()
			default:
				prev = e.Hash
				return nil
			}
			prev = e.Hash
			raw, _ := json.Marshal(e)
			return b.Put(k, raw)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

var headRE = regexp.MustCompile(`audit head: ([0-9a-f]{64})`)

func TestCheckCatchesAnEditedAuditEntry(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ballot.db")
	m, out := startMain(t, db, nil)
	tok := tokenRE.FindStringSubmatch(out)[1]
	for _, title := range []string{"Đợt một", "Đợt hai", "Đợt ba"} {
		if st, _ := api(t, "POST", m.URL()+"/api/v1/rounds", tok, map[string]any{"title": title, "year": 2026}); st != 201 {
			t.Fatal(st)
		}
	}
	m.Close()

	clean, _, code := runBinary(t, "check", "--db", db)
	if code != 0 || !strings.Contains(clean, "ok") {
		t.Fatalf("a clean database: exit %d\n%s", code, clean)
	}
	head := headRE.FindStringSubmatch(clean)[1]
	if _, _, code := runBinary(t, "check", "--db", db, "--anchor", head); code != 0 {
		t.Fatal("the current head is not accepted as an anchor")
	}

	t.Run("EditedEntryIsNamed", func(t *testing.T) {
		copyDB := filepath.Join(t.TempDir(), "copy.db")
		copyFile(t, db, copyDB)
		tamper(t, copyDB, 3, false, func(e *audit.Entry) { e.Actor = "someone else" })
		out, _, code := runBinary(t, "check", "--db", copyDB)
		if code == 0 || !strings.Contains(out, "audit entry 3") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	t.Run("RewrittenChainFailsAgainstTheAnchor", func(t *testing.T) {
		copyDB := filepath.Join(t.TempDir(), "copy.db")
		copyFile(t, db, copyDB)
		tamper(t, copyDB, 3, true, func(e *audit.Entry) { e.Detail = json.RawMessage(`{"round":"r1","title":"khác"}`) })
		// Rechained, the chain is consistent in itself…
		if out, _, code := runBinary(t, "check", "--db", copyDB); code != 0 {
			t.Fatalf("the rechained copy should look consistent without an anchor:\n%s", out)
		}
		// …but not with the head printed before.
		out, _, code := runBinary(t, "check", "--db", copyDB, "--anchor", head)
		if code == 0 || !strings.Contains(out, "anchor") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
}

func TestCheckCatchesLostBallotsAndLeftovers(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ballot.db")
	m, out := startMain(t, db, nil)
	tok := tokenRE.FindStringSubmatch(out)[1]
	u := m.URL() + "/api/v1/rounds"
	api(t, "POST", u, tok, map[string]any{"title": "Đợt", "year": 2026})
	api(t, "POST", u+"/r1/forms", tok, map[string]string{"template": "diem-100"})
	api(t, "POST", u+"/r1/units", tok, []map[string]string{{"id": "p", "name": "P", "kind": "province"}, {"id": "c", "name": "C", "parent": "p", "kind": "grassroots", "form": "diem-100"}})
	_, b := api(t, "POST", u+"/r1/batches", tok, map[string]any{"targets": []string{"c"}, "count": 3})
	api(t, "POST", u+"/r1/open", tok, nil)
	for _, c := range b["codes"].([]any) {
		st, _ := api(t, "POST", m.URL()+"/api/v1/ballots", "", map[string]any{"code": c, "submission_id": uuid.NewString(),
			"ballots": []map[string]any{{"target": "c", "answers": map[string]any{"s1": 1, "s2": 1, "s3": 1, "s4": 1, "s5": 1, "level": "htt"}}}})
		if st != 201 {
			t.Fatalf("submit: %d", st)
		}
	}
	m.Close()
	if out, _, code := runBinary(t, "check", "--db", db); code != 0 {
		t.Fatalf("a clean round:\n%s", out)
	}
	edit := func(fn func(r *bolt.Bucket) error) string {
		t.Helper()
		c := filepath.Join(t.TempDir(), "copy.db")
		copyFile(t, db, c)
		bdb, err := bolt.Open(c, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := bdb.Update(func(tx *bolt.Tx) error { return fn(tx.Bucket([]byte("rounds")).Bucket([]byte("r1"))) }); err != nil {
			t.Fatal(err)
		}
		bdb.Close()
		return c
	}
	lost := edit(func(r *bolt.Bucket) error {
		k, _ := r.Bucket([]byte("grades")).Cursor().First()
		return r.Bucket([]byte("grades")).Delete(k)
	})
	if out, _, code := runBinary(t, "check", "--db", lost); code == 0 || !strings.Contains(out, "2 sealed ballots, but used codes account for 3") {
		t.Fatalf("a lost ballot:\n%s", out)
	}
	left := edit(func(r *bolt.Bucket) error {
		b, err := r.CreateBucket([]byte("clear"))
		if err != nil {
			return err
		}
		return b.Put([]byte("b1"), []byte(`["1234 5678 9012 3456"]`))
	})
	if out, _, code := runBinary(t, "check", "--db", left); code == 0 || !strings.Contains(out, "clear codes survive opening") {
		t.Fatalf("clear codes after opening:\n%s", out)
	}
}
