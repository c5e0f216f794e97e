package storage_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

func openStore(t *testing.T) (*storage.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ballot.db")
	s, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// TestCompactLeavesNoErasedBytes: data written, then erased, is still in the
// file's free pages (bbolt does not overwrite them); after Compact it is not.
func TestCompactLeavesNoErasedBytes(t *testing.T) {
	t.Parallel()
	s, path := openStore(t)
	secret := "BÍ-MẬT-" + strings.Repeat("x", 100)
	var rid string
	err := s.Update(func(tx *storage.Tx) error {
		r := &rounds.Round{Title: "t", Year: 2026, State: rounds.Draft, CreatedAt: time.Now()}
		if err := tx.CreateRound(r); err != nil {
			return err
		}
		rid = r.ID
		f, _ := forms.Template("diem-100")
		f.Title = secret
		return tx.PutForm(rid, &f)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Replace the form: the old page with the secret becomes free.
	err = s.Update(func(tx *storage.Tx) error {
		f, _ := forms.Template("diem-100")
		return tx.PutForm(rid, &f)
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if !bytes.Contains(raw, []byte(secret)) {
		t.Fatal("the erased form is not in the file before compaction: this test cannot show anything")
	}
	if err := s.Compact(); err != nil {
		t.Fatal(err)
	}
	raw, _ = os.ReadFile(path)
	if bytes.Contains(raw, []byte(secret)) {
		t.Fatal("erased data survives compaction")
	}
	// The store still works, with its data.
	err = s.View(func(tx *storage.Tx) error {
		f, err := tx.Form(rid, "diem-100")
		if err == nil && f.Title == secret {
			err = errors.New("old form came back")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckConsistency(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".compact"); !os.IsNotExist(err) {
		t.Fatal("the compaction file was left behind")
	}
}

func TestSecondOpenFailsAtOnce(t *testing.T) {
	t.Parallel()
	_, path := openStore(t)
	start := time.Now()
	_, err := storage.Open(path, storage.Options{})
	if !errors.Is(err, storage.ErrLocked) {
		t.Fatalf("got %v", err)
	}
	if time.Since(start) > time.Second {
		t.Fatal("waited for the lock")
	}
}

// TestCompactKeepsTheDatabaseLockedAndUsable: after a compaction the file
// is still locked against a second process and the store still works; a
// compaction that cannot start leaves the store as it was.
func TestCompactKeepsTheDatabaseLockedAndUsable(t *testing.T) {
	t.Parallel()
	s, path := openStore(t)
	if err := s.Compact(); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.Open(path, storage.Options{}); !errors.Is(err, storage.ErrLocked) {
		t.Fatalf("a second open after compacting: %v", err)
	}
	os.Mkdir(path+".compact", 0o700)
	os.WriteFile(filepath.Join(path+".compact", "x"), nil, 0o600)
	if err := s.Compact(); err == nil {
		t.Fatal("a compaction into a folder succeeded")
	}
	if _, err := storage.Open(path, storage.Options{}); !errors.Is(err, storage.ErrLocked) {
		t.Fatalf("a second open after a failed compaction: %v", err)
	}
	err := s.Update(func(tx *storage.Tx) error {
		return tx.CreateRound(&rounds.Round{Title: "after", Year: 2026, State: rounds.Draft, CreatedAt: time.Now()})
	})
	if err != nil {
		t.Fatalf("the store after a failed compaction: %v", err)
	}
}
