package storage_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"ballot/internal/audit"
	"ballot/internal/storage"
)

// schema1File gunzips testdata/schema1.db.gz (a file written by the code
// of schema 1) into a temporary folder and returns its path.
func schema1File(t *testing.T) string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "schema1.db.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ballot.db")
	out, _ := os.Create(path)
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	out.Close()
	return path
}

// actions lists the audit actions of a store, in order.
func actions(t *testing.T, s *storage.Store) []string {
	t.Helper()
	var out []string
	err := s.View(func(tx *storage.Tx) error {
		return tx.AuditEntries(0, func(e audit.Entry) (bool, error) { out = append(out, e.Action); return true, nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// TestAnOlderSchemaIsMigratedOnceAndAudited: a file of schema 1 opens with
// today's code, which migrates it once — one audited step, each data key
// registered — and not again at the next open.
func TestAnOlderSchemaIsMigratedOnceAndAudited(t *testing.T) {
	t.Parallel()
	path := schema1File(t)
	if err := storage.VerifyFile(path); err != nil {
		t.Fatalf("an older schema is refused as a backup: %v", err)
	}
	before := 0
	if s, err := storage.Open(path, storage.Options{}); err != nil {
		t.Fatal(err)
	} else {
		got := actions(t, s)
		if count(got, "schema.migrate") != storage.SchemaVersion-1 || count(got, "datakey.register") != 3 {
			t.Fatalf("after the first open: %d migrations, %d keys registered", count(got, "schema.migrate"), count(got, "datakey.register"))
		}
		before = len(got)
		s.Close()
	}
	// schema 3: the code keys of the rounds with codes left the database
	// file, for the key file beside it, and no copy is left in free pages
	var keys struct {
		CodeKeys map[string][]byte `json:"code_keys"`
	}
	raw, err := os.ReadFile(storage.KeysPath(path))
	if err != nil || json.Unmarshal(raw, &keys) != nil || len(keys.CodeKeys) != 3 || keys.CodeKeys["r1"] != nil {
		t.Fatalf("key file: %v %s", err, raw)
	}
	db, _ := os.ReadFile(path)
	for rid, key := range keys.CodeKeys {
		if bytes.Contains(db, key) {
			t.Fatalf("round %s's code key is still in the database file", rid)
		}
	}
	s, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := actions(t, s); len(got) != before {
		t.Fatalf("the second open added %d audit entries", len(got)-before)
	}
}

// TestANewerSchemaIsRefused: a file written by a newer program is not
// opened, nor changed, and the message says what to do.
func TestANewerSchemaIsRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ballot.db")
	s, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		v := make([]byte, 8)
		v[7] = storage.SchemaVersion + 1
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	_, err = storage.Open(path, storage.Options{})
	if !errors.Is(err, storage.ErrNewerSchema) || !strings.Contains(err.Error(), "upgrade ballot") {
		t.Fatalf("opening a newer schema: %v", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("the refused file was changed")
	}
	if err := storage.VerifyFile(path); !errors.Is(err, storage.ErrNewerSchema) {
		t.Fatalf("VerifyFile: %v", err)
	}
}
