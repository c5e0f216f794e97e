package storage

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"ballot/internal/apperr"
)

// Tx is one transaction. Its methods read and write domain records; byte
// slices never leave it.
type Tx struct {
	tx *bolt.Tx
	s  *Store
}

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode %q: %w", key, err)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

// eachJSON decodes every value of b into a fresh T and passes it to fn.
func eachJSON[T any](b *bolt.Bucket, fn func(*T) error) error {
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			return nil // a nested bucket
		}
		t := new(T)
		if err := json.Unmarshal(v, t); err != nil {
			return fmt.Errorf("decode %q: %w", k, err)
		}
		return fn(t)
	})
}

func notFound(what, id string) error {
	return apperr.New(apperr.NotFound, "not_found."+what, id)
}
