// Package storage keeps everything in one bbolt file and is the only package
// that knows bbolt, buckets and keys; callers compose checks and writes in
// one transaction (Tx), so a change and its audit entry commit together.
package storage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrLocked is returned when another process holds the database.
var ErrLocked = errors.New("the database is in use by another process (is a server running on it?); stop it first, or use --url to talk to the server")

// Store is an open database.
type Store struct {
	// mu lets Compact swap the file: every transaction holds it shared.
	mu   sync.RWMutex
	db   *bolt.DB
	path string
	keys *codeKeys
	// demo: the file was made by `ballot demo` (demo.go).
	demo bool
	// settling lets one Settle run at a time.
	settling sync.Mutex
}

// Options tune Open.
type Options struct {
	// Wait is how long to wait for another process's lock (0: fail at once).
	Wait time.Duration
	// Now is the clock of a migration's audit entries; default time.Now.
	Now func() time.Time
	// Demo makes a new file a demo database, and refuses an existing file
	// that is not one (demo.go).
	Demo bool
}

func boltOptions(wait time.Duration) *bolt.Options {
	if wait <= 0 {
		wait = 50 * time.Millisecond // bbolt treats 0 as "wait forever"
	}
	return &bolt.Options{Timeout: wait, FreelistType: bolt.FreelistMapType, NoFreelistSync: false}
}

// Open opens (creating if needed) the database at path and checks its schema.
func Open(path string, opt Options) (*Store, error) {
	db, err := bolt.Open(path, 0o600, boltOptions(opt.Wait))
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	keys, err := loadCodeKeys(path)
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{db: db, path: path, keys: keys}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	migrated, err := s.initSchema(opt.Now(), opt.Demo)
	if err != nil {
		db.Close()
		return nil, err
	}
	if migrated {
		// a migration's compaction is part of it
		if err := s.Settle(); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Path is the file the store uses.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db.Close()
}

// Update runs fn in a read-write transaction, committed (and synced) if fn
// returns nil.
func (s *Store) Update(fn func(*Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.db.Update(func(btx *bolt.Tx) error { return fn(&Tx{tx: btx, s: s}) })
}

// View runs fn in a read-only transaction.
func (s *Store) View(fn func(*Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.db.View(func(btx *bolt.Tx) error { return fn(&Tx{tx: btx, s: s}) })
}

// SyncDir makes a rename in dir durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Stats are figures of the file for `ballot check` and metrics.
type Stats struct {
	Size      int64
	FreePages int
	PageSize  int
	// Writing is the time commits spent writing pages and syncing them to
	// disk, and PagesWritten how many, since the file was opened.
	Writing      time.Duration
	PagesWritten int64
}

// Stats returns figures of the file.
func (s *Store) Stats() (Stats, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.db.Stats()
	var size int64
	err := s.db.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil })
	return Stats{Size: size, FreePages: st.FreePageN, PageSize: s.db.Info().PageSize,
		Writing: st.TxStats.GetWriteTime(), PagesWritten: st.TxStats.GetWrite()}, err
}

// CheckConsistency runs bbolt's own page-level check.
func (s *Store) CheckConsistency() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.db.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
}

// Walk passes every key and value in the file to fn, with the path of
// buckets above it. The slices are valid only during fn.
func (s *Store) Walk(fn func(path []string, key, value []byte) error) error {
	return s.View(func(t *Tx) error {
		return t.tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return walkBucket([]string{string(name)}, b, fn)
		})
	})
}

func walkBucket(path []string, b *bolt.Bucket, fn func([]string, []byte, []byte) error) error {
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			return walkBucket(append(append([]string(nil), path...), string(k)), b.Bucket(k), fn)
		}
		return fn(path, k, v)
	})
}

// Backup writes a consistent copy of the whole database to w from one read
// transaction; writers go on meanwhile. It returns the bytes written.
func (s *Store) Backup(w io.Writer) (int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var n int64
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// VerifyFile checks that path is a sound database of this schema or an
// older one (migrated when opened), opening it read-only.
func VerifyFile(path string) error {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 50 * time.Millisecond})
	if errors.Is(err, berrors.ErrTimeout) {
		return fmt.Errorf("%s: %w", path, ErrLocked)
	}
	if err != nil {
		return fmt.Errorf("%s is not a ballot database: %w", path, err)
	}
	defer db.Close()
	return db.View(func(tx *bolt.Tx) error {
		switch v := schemaOf(tx); {
		case v == 0:
			return fmt.Errorf("%s is not a ballot database", path)
		case v > SchemaVersion:
			return fmt.Errorf("%s has schema %d, this program reads schema %d at most: %w", path, v, SchemaVersion, ErrNewerSchema)
		}
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
}

// ReplaceFile puts the database file from in place of path atomically: a
// copy next to path, synced, renamed over it, the folder synced.
func ReplaceFile(path string, from io.Reader) error {
	tmp := path + ".restore"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, from); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := VerifyFile(tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(path))
}
