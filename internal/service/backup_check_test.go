package service_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// TestABackupThatDoesNotReadBackIsNeverNamed: a scheduled backup is read
// back before it gets its name. A copy spoiled after it was written (its
// meta pages zeroed, as a failing disk might leave it) fails the backup,
// leaves nothing in the folder, and the next backup is checked and named.
func TestABackupThatDoesNotReadBackIsNeverNamed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var spoil atomic.Bool
	store, err := storage.Open(filepath.Join(t.TempDir(), "ballot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	s := service.New(store, service.Options{Fault: func(stage string) error {
		if stage != "backup_written" || !spoil.Load() {
			return nil
		}
		names, _ := filepath.Glob(filepath.Join(dir, ".ballot-*.db.tmp"))
		for _, name := range names {
			f, err := os.OpenFile(name, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			f.WriteAt(make([]byte, 2*os.Getpagesize()), 0)
			f.Close()
		}
		if len(names) != 1 {
			t.Errorf("%d copies being written, want 1", len(names))
		}
		return nil
	}})
	t.Cleanup(s.Close)
	if _, err := s.CreateRound(sys, rounds.NewRound{Title: "backup", Year: 2026}); err != nil {
		t.Fatal(err)
	}
	spoil.Store(true)
	if path, _, err := s.BackupInto(dir, 3); err == nil {
		t.Fatalf("a spoiled copy was named %s", path)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("a failed backup left %d files: %v", len(left), left[0].Name())
	}
	spoil.Store(false)
	path, _, err := s.BackupInto(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.VerifyFile(path); err != nil || !strings.HasPrefix(filepath.Base(path), "ballot-") {
		t.Fatalf("the next backup %s: %v", path, err)
	}
}
