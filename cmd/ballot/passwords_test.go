package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ballot/internal/crashloop"
	"ballot/internal/storage"
)

// TestTheShippedBinaryHashesAtTheServersCost: the program built as it
// ships hashes the first admin's password and an offline user's at the
// server's cost (Argon2id, 64 MiB, three passes, two lanes); only the
// binary the other tests start, built with lightPasswordsTag, hashes
// lighter.
func TestTheShippedBinaryHashesAtTheServersCost(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, bin, want string }{
		{"shipped", shipped(t), "$argon2id$v=19$m=65536,t=3,p=2$"},
		{"built with " + lightPasswordsTag, binary, "$argon2id$v=19$m=64,t=1,p=1$"},
	} {
		db := filepath.Join(t.TempDir(), "ballot.db")
		srv, err := crashloop.Start(c.bin, db)
		if err != nil {
			t.Fatal(err)
		}
		srv.Stop()
		if out, err := exec.Command(c.bin, "user", "add", "--db", db, "--name", "bkp", "--role", "committee").CombinedOutput(); err != nil {
			t.Fatalf("%s: user add: %v\n%s", c.name, err, out)
		}
		store, err := storage.Open(db, storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = store.View(func(tx *storage.Tx) error {
			users, err := tx.Users()
			if len(users) != 2 {
				t.Errorf("%s: %d users, want the first admin and bkp", c.name, len(users))
			}
			for _, u := range users {
				if !strings.HasPrefix(u.PasswordHash, c.want) {
					t.Errorf("%s: %s's password is hashed as %.40s…, want %s…", c.name, u.Name, u.PasswordHash, c.want)
				}
			}
			return err
		})
		store.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
}
