package service

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"ballot/internal/audit"
	"ballot/internal/seal"
	"ballot/internal/storage"
)

// registeredKeys returns the data keys that the audit chain registers for
// round rid (made by a server, or found in the file when it was migrated):
// key id (hex) → SHA-256 of its wrapped form (hex).
func registeredKeys(tx *storage.Tx, rid string) (map[string]string, error) {
	out := map[string]string{}
	err := tx.AuditEntries(0, func(e audit.Entry) (bool, error) {
		if e.Action != "datakey.create" && e.Action != "datakey.register" {
			return true, nil
		}
		var d struct {
			Round   string `json:"round"`
			Key     string `json:"key"`
			Wrapped string `json:"wrapped_sha256"`
		}
		if json.Unmarshal(e.Detail, &d) == nil && d.Round == rid {
			out[d.Key] = d.Wrapped
		}
		return true, nil
	})
	return out, err
}

// addRegisteredKeys gives o every stored data key of round rid that the
// audit chain registers as it is stored, and returns how many sealed
// records (grades and comments) are under any other key: records written
// by someone who wrapped a key of their own to the round's public key.
func addRegisteredKeys(tx *storage.Tx, rid string, o *seal.Opener) (foreign int, err error) {
	registered, err := registeredKeys(tx, rid)
	if err != nil {
		return 0, err
	}
	trusted := map[[seal.KeyIDLen]byte]bool{}
	err = tx.EachDataKey(rid, func(id [seal.KeyIDLen]byte, wrapped []byte) error {
		sum := sha256.Sum256(wrapped)
		if registered[hex.EncodeToString(id[:])] != hex.EncodeToString(sum[:]) {
			return nil
		}
		trusted[id] = true
		return o.AddKey(id, wrapped)
	})
	if err != nil {
		return 0, err
	}
	for _, kind := range []storage.Kind{storage.Grades, storage.Notes} {
		err := tx.EachSealed(rid, kind, func(_, v []byte) error {
			if len(v) < seal.KeyIDLen || !trusted[[seal.KeyIDLen]byte(v[:seal.KeyIDLen])] {
				foreign++
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return foreign, nil
}
