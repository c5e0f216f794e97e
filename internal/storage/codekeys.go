package storage

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// The code keys — per round, the HMAC key under which the records of its
// codes are stored — live in a file beside the database (its path with
// ".keys", mode 0600), never in it: a copy of the database alone, taken
// while a round is open or from a backup, maps no printed code to its
// record, so nobody holding printed codes can tell from it which record
// (and which ballots of the same commit) was whose. The file is written
// whole each time a key is made or forgotten: a temporary file, synced,
// renamed over the old one, the folder synced.
type codeKeys struct {
	mu   sync.Mutex
	path string
	keys map[string][]byte
}

type codeKeysFile struct {
	CodeKeys map[string][]byte `json:"code_keys"`
}

// KeysPath is the code-key file of the database at path.
func KeysPath(path string) string { return path + ".keys" }

func loadCodeKeys(dbPath string) (*codeKeys, error) {
	k := &codeKeys{path: KeysPath(dbPath), keys: map[string][]byte{}}
	raw, err := os.ReadFile(k.path)
	switch {
	case os.IsNotExist(err):
		return k, nil
	case err != nil:
		return nil, fmt.Errorf("code keys: %w", err)
	}
	var f codeKeysFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("code keys %s: %w", k.path, err)
	}
	for rid, key := range f.CodeKeys {
		k.keys[rid] = key
	}
	return k, nil
}

// get returns round rid's code key, or nil.
func (k *codeKeys) get(rid string) []byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	if key := k.keys[rid]; key != nil {
		return append([]byte(nil), key...)
	}
	return nil
}

// make returns round rid's code key, making and saving one if it has none.
func (k *codeKeys) make(rid string) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if key := k.keys[rid]; key != nil {
		return append([]byte(nil), key...), nil
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	k.keys[rid] = key
	if err := k.save(); err != nil {
		delete(k.keys, rid)
		return nil, err
	}
	return append([]byte(nil), key...), nil
}

// put keeps key as round rid's (a migration moving it out of the file).
func (k *codeKeys) put(rid string, key []byte) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys[rid] = append([]byte(nil), key...)
	return k.save()
}

// forget erases round rid's code key.
func (k *codeKeys) forget(rid string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.keys[rid]; !ok {
		return nil
	}
	key := k.keys[rid]
	delete(k.keys, rid)
	if err := k.save(); err != nil {
		k.keys[rid] = key
		return err
	}
	clear(key)
	return nil
}

// save writes the file whole; the caller holds mu.
func (k *codeKeys) save() error {
	raw, err := json.Marshal(codeKeysFile{CodeKeys: k.keys})
	if err != nil {
		return err
	}
	tmp := k.path + ".new"
	if err := writeSynced(tmp, raw); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("code keys: %w", err)
	}
	if err := os.Rename(tmp, k.path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("code keys: %w", err)
	}
	return SyncDir(filepath.Dir(k.path))
}

// writeTo writes the file's content (for a backup taken beside the
// database's).
func (k *codeKeys) writeTo(w io.Writer) error {
	k.mu.Lock()
	raw, err := json.Marshal(codeKeysFile{CodeKeys: k.keys})
	k.mu.Unlock()
	if err != nil {
		return err
	}
	_, err = w.Write(raw)
	return err
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// BackupKeys writes the code-key file's content to w. Take it after the
// database's backup: keys are only added until a round is counted, so every
// record in that backup has its key.
func (s *Store) BackupKeys(w io.Writer) error { return s.keys.writeTo(w) }

// CodeKey returns round rid's code-hashing key, making one in a writable
// transaction if there is none (saved to the key file at once). After
// counting it is gone: nil.
func (t *Tx) CodeKey(rid string) ([]byte, error) {
	if _, err := t.roundBucket(rid); err != nil {
		return nil, err
	}
	if k := t.s.keys.get(rid); k != nil || !t.tx.Writable() {
		return k, nil
	}
	return t.s.keys.make(rid)
}

// ReplaceKeys puts the code-key file read from in place of the one beside
// the database at dbPath, atomically, after checking that it is one.
func ReplaceKeys(dbPath string, from io.Reader) error {
	raw, err := io.ReadAll(io.LimitReader(from, 64<<20))
	if err != nil {
		return err
	}
	var f codeKeysFile
	if err := json.Unmarshal(raw, &f); err != nil || f.CodeKeys == nil {
		return fmt.Errorf("not a code-key file: %v", err)
	}
	k := &codeKeys{path: KeysPath(dbPath), keys: f.CodeKeys}
	return k.save()
}
