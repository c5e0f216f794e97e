package storage

import (
	"bytes"
	"crypto/rand"
	"sort"
	"strconv"

	"ballot/internal/seal"
)

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// PutDataKey stores a wrapped data key of round rid.
func (t *Tx) PutDataKey(rid string, id [seal.KeyIDLen]byte, wrapped []byte) error {
	b, err := t.sub(rid, bDataKeys)
	if err != nil {
		return err
	}
	return b.Put(id[:], wrapped)
}

// EachDataKey passes every wrapped data key of round rid to fn.
func (t *Tx) EachDataKey(rid string, fn func(id [seal.KeyIDLen]byte, wrapped []byte) error) error {
	b, err := t.sub(rid, bDataKeys)
	if err != nil || b == nil {
		return err
	}
	return b.ForEach(func(k, v []byte) error {
		var id [seal.KeyIDLen]byte
		copy(id[:], k)
		return fn(id, v)
	})
}

// Sealed is one sealed record to store under a random key.
type Sealed struct {
	Key   []byte
	Value []byte
}

// NewSealed puts a sealed value under a fresh random 16-byte key: keys say
// nothing of when, by whom or in which order records were written.
func NewSealed(value []byte) Sealed {
	k := make([]byte, 16)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return Sealed{Key: k, Value: value}
}

// PutSealed stores sealed records of one kind. Keys are sorted first: random
// keys spread over the whole tree, and sorted puts touch fewer pages.
func (t *Tx) PutSealed(rid string, kind Kind, recs []Sealed) error {
	b, err := t.sub(rid, kind)
	if err != nil {
		return err
	}
	sort.Slice(recs, func(i, j int) bool { return bytes.Compare(recs[i].Key, recs[j].Key) < 0 })
	for _, r := range recs {
		if err := b.Put(r.Key, r.Value); err != nil {
			return err
		}
	}
	return nil
}

// EachSealed passes every sealed record of a kind to fn, in key order. The
// slices are valid only during fn.
func (t *Tx) EachSealed(rid string, kind Kind, fn func(key, value []byte) error) error {
	b, err := t.sub(rid, kind)
	if err != nil || b == nil {
		return err
	}
	return b.ForEach(fn)
}

// CountSealed returns how many sealed records of a kind round rid holds.
func (t *Tx) CountSealed(rid string, kind Kind) (int, error) {
	b, err := t.sub(rid, kind)
	if err != nil || b == nil {
		return 0, err
	}
	return b.Stats().KeyN, nil
}
