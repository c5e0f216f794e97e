package service_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"ballot/internal/service"
	"ballot/internal/storage"
)

// TestCheckNamesEditsOfAParentRound: a parent round's stored results are
// anchored at import and at closing; an edit of a stored figure, of a
// rating, of a registered key, or a removed result is named by check.
func TestCheckNamesEditsOfAParentRound(t *testing.T) {
	t.Parallel()
	a, b := twoChildren(t)
	path := filepath.Join(t.TempDir(), "parent.db")
	open := func() (*service.Service, func()) {
		store, err := storage.Open(path, storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		svc := service.New(store, service.Options{})
		return svc, func() { svc.Close(); store.Close() }
	}
	svc, done := open()
	parent := imported(t, svc, "tw", a, b)
	if _, err := svc.CloseRound(admin, parent.ID); err != nil {
		t.Fatal(err)
	}
	rep, err := svc.Check("")
	if err != nil || !rep.OK() {
		t.Fatalf("check of the honest parent: %v %v", err, rep.Problems)
	}
	done()
	edit := func(name, want string, fn func(rb *bolt.Bucket) error) {
		t.Helper()
		copyPath := filepath.Join(t.TempDir(), "copy.db")
		copyFile(t, path, copyPath)
		db, err := bolt.Open(copyPath, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(func(tx *bolt.Tx) error { return fn(tx.Bucket([]byte("rounds")).Bucket([]byte(parent.ID))) }); err != nil {
			t.Fatal(err)
		}
		db.Close()
		store, err := storage.Open(copyPath, storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		s := service.New(store, service.Options{})
		defer s.Close()
		rep, err := s.Check("")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(rep.Problems, "\n"), want) {
			t.Fatalf("%s: check says %q, want %q", name, rep.Problems, want)
		}
	}
	result := func(rb *bolt.Bucket, root string) *bolt.Bucket {
		return rb.Bucket([]byte("results")).Bucket([]byte(root))
	}
	edit("a figure", "the result of pa: differs", func(rb *bolt.Bucket) error {
		tb := result(rb, "pa").Bucket([]byte("targets"))
		k, v := tb.Cursor().First()
		return tb.Put(k, []byte(strings.Replace(string(v), `"ballots":4`, `"ballots":40`, 1)))
	})
	edit("a rating", "the result of pb: differs", func(rb *bolt.Bucket) error {
		tb := result(rb, "pb").Bucket([]byte("ratings"))
		k, v := tb.Cursor().First()
		s := string(v)
		for _, l := range []string{"htt", "htnv", "khtnv", "not_rated"} {
			s = strings.Replace(s, `"level":"`+l+`"`, `"level":"htxs"`, 1)
		}
		return tb.Put(k, []byte(s))
	})
	edit("the stored file", "no longer verifies", func(rb *bolt.Bucket) error {
		b := result(rb, "pa")
		f := append([]byte(nil), b.Get([]byte("file"))...)
		f[len(f)/2] ^= 1
		return b.Put([]byte("file"), f)
	})
	edit("a key", "signing key of pb", func(rb *bolt.Bucket) error {
		sb := rb.Bucket([]byte("signers"))
		va := append([]byte(nil), sb.Get([]byte("pa"))...)
		return sb.Put([]byte("pb"), []byte(strings.Replace(string(va), `"unit":"pa"`, `"unit":"pb"`, 1)))
	})
	edit("a removed result", "differ from the digest anchored when it closed", func(rb *bolt.Bucket) error {
		return rb.Bucket([]byte("results")).DeleteBucket([]byte("pb"))
	})
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if keys, err := os.ReadFile(storage.KeysPath(from)); err == nil {
		os.WriteFile(storage.KeysPath(to), keys, 0o600)
	}
}
