package server_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"ballot/internal/ballots"
	"ballot/internal/seal"
	"ballot/internal/storage"
)

// TestABackupAndItsKeyFileHoldNoAnswer: an admin who downloads the
// database and its code keys while a round is open holds no answer in
// clear: no comment, and no sealed ballot the file's own keys can open
// (docs/design.md §3.4). With the round's private key, the same records
// open: what the backup lacks is that key, nothing else.
func TestABackupAndItsKeyFileHoldNoAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid, priv, cs := e.openRound([]string{"c1"}, 3)
	const note = "Góp ý riêng: đồng chí bí thư cần lắng nghe hơn 7Q2X"
	for _, c := range cs {
		e.must(201, "POST", "/api/v1/ballots", "", submission(c, newSID(), []string{"c1"}, note))
	}
	db := e.must(200, "GET", "/api/v1/backup", e.admin, nil).Body
	keys := e.must(200, "GET", "/api/v1/backup/keys", e.admin, nil).Body
	for name, b := range map[string][]byte{"backup": db, "key file": keys} {
		for _, s := range []string{note, "7Q2X", "lắng nghe"} { // option ids are in the forms, not answers
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("the %s holds %q in clear", name, s)
			}
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "restored.db")
	writeFile(t, path, db)
	writeFile(t, storage.KeysPath(path), keys)
	store, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if n := sealedIn(t, store, rid); n != 3 {
		t.Fatalf("%d sealed ballots in the backup, want 3", n)
	}
	other, _ := seal.GenerateKeyPair()
	if opened := openWith(t, store, rid, other.Private); opened != 0 {
		t.Fatalf("%d sealed ballots opened with another private key", opened)
	}
	if opened := openWith(t, store, rid, priv); opened != 3 {
		t.Fatalf("with the private key %d of 3 opened: the test proves nothing", opened)
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func sealedIn(t *testing.T, store *storage.Store, rid string) (n int) {
	t.Helper()
	if err := store.View(func(tx *storage.Tx) (err error) { n, err = tx.CountSealed(rid, storage.Grades); return err }); err != nil {
		t.Fatal(err)
	}
	return n
}

// openWith counts the sealed grades of round rid that open under the data
// keys stored beside them, unwrapped with the private key priv.
func openWith(t *testing.T, store *storage.Store, rid, priv string) (opened int) {
	t.Helper()
	id, err := seal.ParseIdentity(priv)
	if err != nil {
		t.Fatal(err)
	}
	o := seal.NewOpener(id)
	defer o.Close()
	aad := ballots.AAD(rid, storage.Grades)
	err = store.View(func(tx *storage.Tx) error {
		tx.EachDataKey(rid, func(id [seal.KeyIDLen]byte, wrapped []byte) error {
			o.AddKey(id, wrapped) // a key the identity cannot unwrap stays out
			return nil
		})
		return tx.EachSealed(rid, storage.Grades, func(_, v []byte) error {
			if _, err := o.Open(nil, v, aad); err == nil {
				opened++
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return opened
}
