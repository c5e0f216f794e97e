package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"ballot/internal/audit"
	"ballot/internal/rounds"
	"ballot/internal/seal"
)

// SchemaVersion is the layout this code reads and writes. A file of an
// older schema is migrated at open, once, in one transaction that audits
// each step; a newer one is refused.
//
//  1. the first layout
//  2. every round's data keys are registered in the audit chain
//     ("datakey.create"), so counting can refuse records sealed under a
//     key this server never made
//  3. the code keys live in a file beside the database (KeysPath), not in
//     it; the migration moves them and compacts the file
//  4. what a round holds is anchored in the audit chain — its sealed
//     records at closing, what counting stored, its ratings at every
//     change — so check names an edit; the migration anchors closed and
//     counted rounds as they are found
//  5. parent rounds (docs/federation.md): a round may combine its
//     children's signed results, in buckets of its own (results.go); a
//     file of schema 4 has none, so the migration changes nothing, but a
//     program of schema 4 must not open a file that has them
const SchemaVersion = 5

// migrations[i] takes a file from schema i+1 to i+2 and returns what its
// audit entry says.
var migrations = []func(t *Tx) (any, error){
	registerDataKeys,
	moveCodeKeys,
	anchorRounds,
	allowParentRounds,
}

// ErrNewerSchema is returned for a file written by a newer program.
var ErrNewerSchema = errors.New("database written by a newer version of ballot")

// initSchema makes a new file's buckets — marking it a demo database if
// demo — or migrates an older one; it reports whether it migrated.
func (s *Store) initSchema(now time.Time, demo bool) (migrated bool, err error) {
	err = s.db.Update(func(btx *bolt.Tx) error {
		for _, name := range topBuckets {
			if _, err := btx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := btx.Bucket(bMeta)
		v := meta.Get(kSchema)
		if v == nil {
			s.demo = demo
			if demo {
				if err := meta.Put(kDemo, demoMark); err != nil {
					return err
				}
			}
			return meta.Put(kSchema, u64(SchemaVersion))
		}
		s.demo = isDemo(btx)
		if demo && !s.demo {
			return fmt.Errorf("%s: %w", s.path, ErrNotDemo)
		}
		got := fromU64(v)
		switch {
		case got == 0:
			return fmt.Errorf("%s: unreadable schema version", s.path)
		case got > SchemaVersion:
			return fmt.Errorf("%s has schema %d, this program reads schema %d at most: %w; upgrade ballot, or restore the backup taken before the upgrade", s.path, got, SchemaVersion, ErrNewerSchema)
		}
		t := &Tx{tx: btx, s: s}
		for from := got; from < SchemaVersion; from++ {
			detail, err := migrations[from-1](t)
			if err != nil {
				return fmt.Errorf("%s: migrating schema %d to %d: %w", s.path, from, from+1, err)
			}
			ev := audit.Event{Actor: "system", Action: "schema.migrate",
				Detail: map[string]any{"from": from, "to": from + 1, "did": detail}}
			if _, err := t.Audit(ev, now); err != nil {
				return err
			}
			migrated = true
		}
		return meta.Put(kSchema, u64(SchemaVersion))
	})
	return migrated, err
}

// schemaOf reads the schema of an open file (0 if it has none).
func schemaOf(btx *bolt.Tx) uint64 {
	meta := btx.Bucket(bMeta)
	if meta == nil {
		return 0
	}
	return fromU64(meta.Get(kSchema))
}

// DataKeyEvent is the audit entry that registers a data key of a round:
// its id and the SHA-256 of its wrapped form.
func DataKeyEvent(action, rid string, id []byte, wrapped []byte) audit.Event {
	sum := sha256.Sum256(wrapped)
	return audit.Event{Actor: "system", Action: action, Detail: map[string]string{
		"round": rid, "key": hex.EncodeToString(id), "wrapped_sha256": hex.EncodeToString(sum[:])}}
}

// registerDataKeys (schema 1 → 2) registers every data key already in the
// file: a file of schema 1 never recorded which keys its server made.
func registerDataKeys(t *Tx) (any, error) {
	rounds, err := t.Rounds()
	if err != nil {
		return nil, err
	}
	n := 0
	for _, r := range rounds {
		var events []audit.Event
		err := t.EachDataKey(r.ID, func(id [seal.KeyIDLen]byte, wrapped []byte) error {
			events = append(events, DataKeyEvent("datakey.register", r.ID, id[:], wrapped))
			return nil
		})
		if err != nil {
			return nil, err
		}
		for _, ev := range events {
			if _, err := t.Audit(ev, time.Now()); err != nil {
				return nil, err
			}
			n++
		}
	}
	return map[string]int{"data_keys_registered": n}, nil
}

// moveCodeKeys (schema 2 → 3) moves every round's code key out of the
// database into the key file, and owes a compaction so no copy of a key
// stays in the file's free pages.
func moveCodeKeys(t *Tx) (any, error) {
	rounds, err := t.Rounds()
	if err != nil {
		return nil, err
	}
	n := 0
	for _, r := range rounds {
		rb, err := t.roundBucket(r.ID)
		if err != nil {
			return nil, err
		}
		key := rb.Get(kCodeKey)
		if key == nil {
			continue
		}
		if err := t.s.keys.put(r.ID, key); err != nil {
			return nil, err
		}
		if err := rb.Delete(kCodeKey); err != nil {
			return nil, err
		}
		n++
	}
	if n > 0 {
		if err := t.Owe("schema 3: code keys moved out of the database", ""); err != nil {
			return nil, err
		}
	}
	return map[string]int{"code_keys_moved": n}, nil
}

// anchorRounds (schema 3 → 4) anchors, as found, the sealed records of
// every closed or counted round and what counting stored, and the ratings
// of counted rounds: files of older schemas anchored nothing.
func anchorRounds(t *Tx) (any, error) {
	all, err := t.Rounds()
	if err != nil {
		return nil, err
	}
	n := 0
	for _, r := range all {
		if r.State != rounds.Closed && r.State != rounds.Counted {
			continue
		}
		d := map[string]any{"round": r.ID, "migrated": true}
		if d["sealed_sha256"], err = t.SealedDigest(r.ID); err != nil {
			return nil, err
		}
		if r.State == rounds.Counted {
			if d["counted_sha256"], err = t.CountedDigest(r.ID); err != nil {
				return nil, err
			}
			if d["ratings_sha256"], err = t.RatingsDigest(r.ID); err != nil {
				return nil, err
			}
		}
		if _, err := t.Audit(audit.Event{Actor: "system", Action: "digest.record", Detail: d}, time.Now()); err != nil {
			return nil, err
		}
		n++
	}
	return map[string]int{"rounds_anchored": n}, nil
}

// allowParentRounds (schema 4 → 5) has nothing to change: parent rounds
// and their results are new. The version tells older programs to keep
// off a file that may hold them.
func allowParentRounds(t *Tx) (any, error) {
	all, err := t.Rounds()
	return map[string]int{"rounds": len(all), "parent_rounds": 0}, err
}
