package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Owed is housekeeping that committed changes still owe: forgetting the code
// keys of counted rounds and compacting the file, so that what they erased does
// not linger in its free pages (docs/design.md §3.9). It is recorded in the
// same transaction as the change and done by Settle — after the commit, and
// again at every start until it has succeeded — so a crash in between leaves
// the erasure owed, never forgotten.
type Owed struct {
	Why        []string `json:"why"`
	ForgetKeys []string `json:"forget_keys,omitempty"`
}

var kOwed = []byte("owed")

// Owe records, in this transaction, that a compaction is owed (for why)
// and, if rid is not empty, that round rid's code key must be forgotten.
func (t *Tx) Owe(why, rid string) error {
	meta := t.tx.Bucket(bMeta)
	var o Owed
	if raw := meta.Get(kOwed); raw != nil {
		if err := json.Unmarshal(raw, &o); err != nil {
			return err
		}
	}
	o.Why = append(o.Why, why)
	if rid != "" && !slices.Contains(o.ForgetKeys, rid) {
		o.ForgetKeys = append(o.ForgetKeys, rid)
	}
	return putJSON(meta, kOwed, o)
}

// Owed returns the housekeeping still owed (nil if none).
func (s *Store) Owed() (*Owed, error) {
	var o *Owed
	err := s.View(func(t *Tx) error {
		raw := t.tx.Bucket(bMeta).Get(kOwed)
		if raw == nil {
			return nil
		}
		o = new(Owed)
		return json.Unmarshal(raw, o)
	})
	return o, err
}

// compactPath is where a compaction writes the new file.
func (s *Store) compactPath() string { return s.path + ".compact" }

// LeftoverCompaction reports whether a compaction file lies beside the
// database: one a crash interrupted (Settle removes it).
func (s *Store) LeftoverCompaction() bool {
	_, err := os.Stat(s.compactPath())
	return err == nil
}

// Settle does the housekeeping owed, if any: it removes a compaction file a
// crash left, forgets the code keys owed, compacts the file, and then
// clears the record. Run it after a change that owes some, and at start.
func (s *Store) Settle() error {
	s.settling.Lock()
	defer s.settling.Unlock()
	o, err := s.Owed()
	if err != nil {
		return err
	}
	if o == nil {
		if s.LeftoverCompaction() {
			return os.Remove(s.compactPath())
		}
		return nil
	}
	for _, rid := range o.ForgetKeys {
		if err := s.keys.forget(rid); err != nil {
			return err
		}
	}
	if err := s.Compact(); err != nil {
		return err
	}
	// Clear what was done; what changes owed meanwhile stays owed. (The
	// page this frees holds only the record of what was owed.)
	return s.Update(func(t *Tx) error {
		meta := t.tx.Bucket(bMeta)
		var now Owed
		if err := json.Unmarshal(meta.Get(kOwed), &now); err != nil {
			return err
		}
		now.Why = now.Why[min(len(o.Why), len(now.Why)):]
		now.ForgetKeys = slices.DeleteFunc(now.ForgetKeys, func(rid string) bool { return slices.Contains(o.ForgetKeys, rid) })
		if len(now.Why) == 0 && len(now.ForgetKeys) == 0 {
			return meta.Delete(kOwed)
		}
		return putJSON(meta, kOwed, now)
	})
}

// Compact rewrites the database into a fresh file without its free pages, so
// erased data does not linger (docs/design.md §3.9), and swaps it in. Every
// other transaction waits meanwhile. The new file is opened (and so locked)
// before it is renamed over the old one, which stays open until the swap: the
// database is usable and locked throughout, and a failure at any step leaves
// the old one in use.
func (s *Store) Compact() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tmp := s.compactPath()
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, boltOptions(0))
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	fail := func(err error) error {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	if err := bolt.Compact(dst, s.db, 64<<20); err != nil {
		return fail(err)
	}
	if err := dst.Sync(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return fail(err)
	}
	old := s.db
	s.db = dst
	return errors.Join(SyncDir(filepath.Dir(s.path)), old.Close())
}
