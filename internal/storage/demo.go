package storage

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// A demo database is one `ballot demo` made: to be tried, it keeps what a
// real database never does — its codes in clear after opening, the
// counting committee's key, the users' one-time passwords. The mark is
// written when the file is made, in the transaction that makes its
// buckets, and never later: no option, route or command marks an existing
// file, and what only a demo keeps is written and read only in a marked
// file. So no database that was ever served for real shows clear codes,
// even one that a demo command was pointed at by mistake.
var (
	// kDemo in bMeta marks a demo database.
	kDemo    = []byte("demo")
	demoMark = []byte("ballot demo")
	// bDemo holds what the demo printed, to print it again.
	bDemo = []byte("demo")
	// bDemoCodes, in a round's bucket, holds its batches' codes in clear.
	bDemoCodes = []byte("democodes")
)

// ErrNotDemo refuses what only a demo database may hold.
var ErrNotDemo = errors.New("not a demo database (made by ballot serve, not ballot demo)")

func isDemo(btx *bolt.Tx) bool {
	meta := btx.Bucket(bMeta)
	return meta != nil && bytes.Equal(meta.Get(kDemo), demoMark)
}

// Demo reports whether the file is a demo database.
func (s *Store) Demo() bool { return s.demo }

// demoOnly refuses a write or read of demo data in a file not marked.
func (t *Tx) demoOnly() error {
	if !t.s.demo || !isDemo(t.tx) {
		return ErrNotDemo
	}
	return nil
}

// PutDemo stores v as the demo's record name (a demo database only).
func (t *Tx) PutDemo(name string, v any) error {
	if err := t.demoOnly(); err != nil {
		return err
	}
	b, err := t.tx.CreateBucketIfNotExists(bDemo)
	if err != nil {
		return err
	}
	return putJSON(b, []byte(name), v)
}

// GetDemo reads the demo's record name into v; it reports false if there
// is none, or the file is not a demo database.
func (t *Tx) GetDemo(name string, v any) (bool, error) {
	if t.demoOnly() != nil {
		return false, nil
	}
	b := t.tx.Bucket(bDemo)
	if b == nil {
		return false, nil
	}
	return getJSON(b, []byte(name), v)
}

// PutDemoCodes keeps batch bid's codes in clear beyond opening (a demo
// database only). Counting erases them with the other per-code records.
func (t *Tx) PutDemoCodes(rid, bid string, list []string) error {
	if err := t.demoOnly(); err != nil {
		return err
	}
	b, err := t.sub(rid, bDemoCodes)
	if err != nil {
		return err
	}
	return putJSON(b, []byte(bid), list)
}

// DemoCodes returns batch bid's codes kept in clear; nil in a file that is
// not a demo database, whatever it holds.
func (t *Tx) DemoCodes(rid, bid string) ([]string, error) {
	if t.demoOnly() != nil {
		return nil, nil
	}
	b, err := t.sub(rid, bDemoCodes)
	if err != nil || b == nil {
		return nil, err
	}
	var list []string
	_, err = getJSON(b, []byte(bid), &list)
	return list, err
}

// IsDemoFile reports whether the file at path is a demo database, reading
// it without changing it; a missing file is none (false, nil).
func IsDemoFile(path string) (bool, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 50 * time.Millisecond})
	if errors.Is(err, berrors.ErrTimeout) {
		return false, fmt.Errorf("%s: %w", path, ErrLocked)
	}
	if err != nil {
		return false, fmt.Errorf("%s is not a ballot database: %w", path, err)
	}
	defer db.Close()
	var demo bool
	err = db.View(func(btx *bolt.Tx) error { demo = isDemo(btx); return nil })
	return demo, err
}

// RemoveDemo deletes the demo database at path with the files beside it
// (its code keys, a compaction a crash left); it refuses a file that is
// not a demo database. A missing file is nothing to remove.
func RemoveDemo(path string) error {
	demo, err := IsDemoFile(path)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if !demo {
		return fmt.Errorf("%s: %w; it is left as it is", path, ErrNotDemo)
	}
	s := &Store{path: path}
	for _, p := range []string{path, KeysPath(path), s.compactPath()} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}
