package storage_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// roundIn makes an open round in s and returns its id.
func roundIn(t *testing.T, s *storage.Store) string {
	t.Helper()
	var rid string
	err := s.Update(func(tx *storage.Tx) error {
		r := &rounds.Round{Title: "t", Year: 2026, State: rounds.Open, CreatedAt: time.Now()}
		err := tx.CreateRound(r)
		rid = r.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rid
}

// TestOnlyANewFileBecomesADemoDatabase: a file is a demo database only if
// it was made as one. Asking for a demo on a file made otherwise is refused
// and changes nothing; what only a demo keeps is refused there, and so is
// deleting it as a demo. A demo file stays one when reopened and compacted,
// and --reset deletes it with its key file.
func TestOnlyANewFileBecomesADemoDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	real := filepath.Join(dir, "ballot.db")
	s, err := storage.Open(real, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rid := roundIn(t, s)
	s.Close()
	if _, err := storage.Open(real, storage.Options{Demo: true}); !errors.Is(err, storage.ErrNotDemo) {
		t.Fatalf("a demo asked of a real database: %v", err)
	}
	if s, err = storage.Open(real, storage.Options{}); err != nil {
		t.Fatal(err)
	}
	if s.Demo() {
		t.Fatal("asking for a demo marked a real database")
	}
	err = s.Update(func(tx *storage.Tx) error { return tx.PutDemoCodes(rid, "b1", []string{"1234 5678 9012 3452"}) })
	if !errors.Is(err, storage.ErrNotDemo) {
		t.Errorf("a real database keeps clear codes: %v", err)
	}
	if err := s.Update(func(tx *storage.Tx) error { return tx.PutDemo("guide", "x") }); !errors.Is(err, storage.ErrNotDemo) {
		t.Errorf("a real database keeps a demo's guide: %v", err)
	}
	s.Close()
	if demo, err := storage.IsDemoFile(real); demo || err != nil {
		t.Errorf("IsDemoFile of a real database: %v %v", demo, err)
	}
	if err := storage.RemoveDemo(real); !errors.Is(err, storage.ErrNotDemo) {
		t.Errorf("removing a real database as a demo: %v", err)
	}
	if _, err := os.Stat(real); err != nil {
		t.Fatal("the real database is gone")
	}

	path := filepath.Join(dir, "ballot-demo.db")
	d, err := storage.Open(path, storage.Options{Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	did := roundIn(t, d)
	if err := d.Update(func(tx *storage.Tx) error { return tx.PutDemoCodes(did, "b1", []string{"1234 5678 9012 3452"}) }); err != nil {
		t.Fatal(err)
	}
	if err := d.Compact(); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if d, err = storage.Open(path, storage.Options{}); err != nil {
		t.Fatal(err)
	}
	var list []string
	d.View(func(tx *storage.Tx) (err error) { list, err = tx.DemoCodes(did, "b1"); return err })
	if !d.Demo() || len(list) != 1 {
		t.Fatalf("reopened after compaction: demo %v, codes %v", d.Demo(), list)
	}
	d.Close()
	os.WriteFile(storage.KeysPath(path), []byte(`{"code_keys":{}}`), 0o600)
	if err := storage.RemoveDemo(path); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, storage.KeysPath(path)} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s survives the reset", p)
		}
	}
}

// TestClearCodesInARealDatabaseAreNeverRead: codes written into a real
// database's round as a demo keeps them — by a hand edit or a bug — are
// never read from it, and are named as clear codes surviving opening.
func TestClearCodesInARealDatabaseAreNeverRead(t *testing.T) {
	t.Parallel()
	s, path := openStore(t)
	rid := roundIn(t, s)
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.Bucket([]byte("rounds")).Bucket([]byte(rid)).CreateBucketIfNotExists([]byte("democodes"))
		if err != nil {
			return err
		}
		return b.Put([]byte("b1"), []byte(`["1234 5678 9012 3452"]`))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err = storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.View(func(tx *storage.Tx) error {
		list, err := tx.DemoCodes(rid, "b1")
		if err != nil || list != nil {
			t.Errorf("a real database's clear codes read: %v %v", list, err)
		}
		clear, _, _, err := tx.Leftovers(rid)
		if !clear {
			t.Error("the clear codes are not named as leftovers")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
