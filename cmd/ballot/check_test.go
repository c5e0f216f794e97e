package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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
