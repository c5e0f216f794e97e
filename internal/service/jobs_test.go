package service

import (
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"ballot/internal/storage"
)

// TestCloseWaitsForARunningJob: a job (the schedule, a backup) that is
// running when Close is called ends before Close returns, so the store can
// be closed next; no job starts after Close.
func TestCloseWaitsForARunningJob(t *testing.T) {
	t.Parallel()
	store, err := storage.Open(filepath.Join(t.TempDir(), "b.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	s := New(store, Options{})
	var running, runs atomic.Int32
	started := make(chan struct{}, 1)
	s.every(time.Millisecond, func() {
		running.Add(1)
		runs.Add(1)
		select {
		case started <- struct{}{}:
		default:
		}
		time.Sleep(50 * time.Millisecond)
		running.Add(-1)
	})
	<-started
	s.Close()
	if n := running.Load(); n != 0 {
		t.Fatal("Close returned while a job was running")
	}
	after := runs.Load()
	s.every(time.Millisecond, func() { runs.Add(1) }) // started after Close: never runs
	time.Sleep(20 * time.Millisecond)
	if runs.Load() != after {
		t.Fatal("a job ran after Close")
	}
}
