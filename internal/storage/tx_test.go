package storage_test

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"ballot/internal/apperr"
	"ballot/internal/audit"
	"ballot/internal/auth"
	"ballot/internal/codes"
	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

var t0 = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

// mustView runs fn in a read transaction; its error fails the test.
func mustView(t *testing.T, s *storage.Store, fn func(*storage.Tx) error) {
	t.Helper()
	if err := s.View(fn); err != nil {
		t.Fatal(err)
	}
}

// mustUpdate runs fn in a write transaction; its error fails the test.
func mustUpdate(t *testing.T, s *storage.Store, fn func(*storage.Tx) error) {
	t.Helper()
	if err := s.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// newRound stores a draft round and returns its id.
func newRound(t *testing.T, s *storage.Store) string {
	t.Helper()
	var rid string
	mustUpdate(t, s, func(tx *storage.Tx) error {
		r, err := rounds.New(rounds.NewRound{Title: "Đợt thử", Year: 2026}, t0)
		if err != nil {
			return err
		}
		err = tx.CreateRound(r)
		rid = r.ID
		return err
	})
	return rid
}

// TestAFailedUpdateStoresNothing: a change and its audit entry commit
// together or not at all — an error anywhere in the transaction leaves no
// round, no unit and no audit entry behind.
func TestAFailedUpdateStoresNothing(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	failed := errors.New("a check failed after the writes")
	err := s.Update(func(tx *storage.Tx) error {
		r, _ := rounds.New(rounds.NewRound{Title: "x", Year: 2026}, t0)
		if err := tx.CreateRound(r); err != nil {
			return err
		}
		if err := tx.ReplaceUnits(r.ID, []rounds.Unit{{ID: "p", Name: "P", Kind: "province"}}); err != nil {
			return err
		}
		if _, err := tx.Audit(audit.Event{Actor: "test", Action: "round.create"}, t0); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("update: %v", err)
	}
	mustView(t, s, func(tx *storage.Tx) error {
		if all, err := tx.Rounds(); err != nil || len(all) != 0 {
			return fmt.Errorf("rounds %v %v", all, err)
		}
		if head, err := tx.AuditHead(); err != nil || head != audit.Genesis {
			return fmt.Errorf("audit head %s %v", head, err)
		}
		return nil
	})
	// and the next round still gets the first number
	if rid := newRound(t, s); rid != "r1" {
		t.Fatalf("the round after a failed one is %s", rid)
	}
}

// TestRoundsAreNumberedAndListedInOrder: ids r1, r2, … listed by number
// (r2 before r10, though "r10" sorts first as text); an unknown round is
// not_found.
func TestRoundsAreNumberedAndListedInOrder(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	for i := 1; i <= 11; i++ {
		if rid := newRound(t, s); rid != fmt.Sprintf("r%d", i) {
			t.Fatalf("round %d is %s", i, rid)
		}
	}
	mustView(t, s, func(tx *storage.Tx) error {
		all, err := tx.Rounds()
		if err != nil {
			return err
		}
		var ids []string
		for _, r := range all {
			ids = append(ids, r.ID)
		}
		if want := []string{"r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11"}; !slices.Equal(ids, want) {
			return fmt.Errorf("rounds listed %v", ids)
		}
		if _, err := tx.Round("r12"); !apperr.Is(err, apperr.NotFound) {
			return fmt.Errorf("an unknown round: %v", err)
		}
		return nil
	})
}

// TestAUnitImportReplacesTheWholeSet: the second import's units are all
// that is left (listed by id); a unit of the first is not_found.
func TestAUnitImportReplacesTheWholeSet(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	rid := newRound(t, s)
	first := []rounds.Unit{{ID: "p", Name: "P", Kind: "province"}, {ID: "a", Name: "A", Parent: "p", Kind: "grassroots", Form: "f"}}
	second := []rounds.Unit{{ID: "q", Name: "Q", Kind: "province"}, {ID: "b", Name: "B", Parent: "q", Kind: "grassroots", Form: "f"},
		{ID: "c", Name: "C", Parent: "q", Kind: "grassroots", Form: "f"}}
	for _, set := range [][]rounds.Unit{first, second} {
		mustUpdate(t, s, func(tx *storage.Tx) error { return tx.ReplaceUnits(rid, set) })
	}
	mustView(t, s, func(tx *storage.Tx) error {
		units, err := tx.Units(rid)
		want := slices.Clone(second)
		slices.SortFunc(want, func(a, b rounds.Unit) int { return cmp.Compare(a.ID, b.ID) })
		if err != nil || !reflect.DeepEqual(units, want) {
			return fmt.Errorf("units %v %v", units, err)
		}
		if n, err := tx.CountTargets(rid); err != nil || n != 2 {
			return fmt.Errorf("%d targets %v", n, err)
		}
		if u, err := tx.Unit(rid, "c"); err != nil || u.Name != "C" {
			return fmt.Errorf("unit c: %v %v", u, err)
		}
		if _, err := tx.Unit(rid, "a"); !apperr.Is(err, apperr.NotFound) {
			return fmt.Errorf("a unit of the first import: %v", err)
		}
		return nil
	})
}

// TestCodeRecordsAndTheirErasure: a record is found by its keyed hash;
// erasing a round's codes removes every record and clear code at once,
// owes the code key's erasure and a compaction, and Settle does both:
// after it the key is gone from the key file and nothing is owed.
func TestCodeRecordsAndTheirErasure(t *testing.T) {
	t.Parallel()
	s, path := openStore(t)
	rid := newRound(t, s)
	var key []byte
	digits := []string{codes.New(), codes.New(), codes.New()}
	mustUpdate(t, s, func(tx *storage.Tx) (err error) {
		if key, err = tx.CodeKey(rid); err != nil || len(key) == 0 {
			return fmt.Errorf("code key %x %v", key, err)
		}
		for i, d := range digits {
			if err := tx.PutCode(rid, codes.Key(key, d), &codes.Record{Batch: "b1", State: codes.State(i % 2)}); err != nil {
				return err
			}
		}
		return tx.PutClearCodes(rid, "b1", digits)
	})
	mustView(t, s, func(tx *storage.Tx) error {
		if again, err := tx.CodeKey(rid); err != nil || !bytes.Equal(again, key) {
			return fmt.Errorf("the code key changed: %v", err)
		}
		if rec, err := tx.Code(rid, codes.Key(key, digits[1])); err != nil || rec == nil || rec.Batch != "b1" || rec.State != codes.State(1) {
			return fmt.Errorf("record: %+v %v", rec, err)
		}
		if rec, err := tx.Code(rid, codes.Key(key, codes.New())); err != nil || rec != nil {
			return fmt.Errorf("an unknown code: %+v %v", rec, err)
		}
		n := 0
		if err := tx.EachCode(rid, func([]byte, *codes.Record) error { n++; return nil }); err != nil || n != 3 {
			return fmt.Errorf("%d records %v", n, err)
		}
		return nil
	})
	mustUpdate(t, s, func(tx *storage.Tx) error { return tx.EraseCodes(rid) })
	if o, err := s.Owed(); err != nil || o == nil || !slices.Contains(o.ForgetKeys, rid) {
		t.Fatalf("owed after erasing: %+v %v", o, err)
	}
	if err := s.Settle(); err != nil {
		t.Fatal(err)
	}
	if o, err := s.Owed(); err != nil || o != nil {
		t.Fatalf("owed after settling: %+v %v", o, err)
	}
	mustView(t, s, func(tx *storage.Tx) error {
		if k, err := tx.CodeKey(rid); err != nil || k != nil {
			return fmt.Errorf("the code key after counting: %x %v", k, err)
		}
		clear, records, hasKey, err := tx.Leftovers(rid)
		if err != nil || clear || records || hasKey {
			return fmt.Errorf("leftovers: clear codes %v, records %v, key %v, %v", clear, records, hasKey, err)
		}
		return nil
	})
	keys, err := os.ReadFile(storage.KeysPath(path))
	if err != nil || bytes.Contains(keys, []byte(rid)) {
		t.Fatalf("the key file still names %s: %s %v", rid, keys, err)
	}
}

// TestSealedRecordsAreReadInKeyOrderAndDigested: records come back in the
// order of their random keys, never in the order they were stored; the
// digest the audit chain anchors changes with any record and is the same
// again when it is put back.
func TestSealedRecordsAreReadInKeyOrderAndDigested(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	rid := newRound(t, s)
	var recs []storage.Sealed
	for i := 0; i < 50; i++ {
		recs = append(recs, storage.NewSealed([]byte(fmt.Sprintf("ballot %02d", i))))
	}
	stored := slices.Clone(recs)
	put := func(rs []storage.Sealed) {
		t.Helper()
		mustUpdate(t, s, func(tx *storage.Tx) error { return tx.PutSealed(rid, storage.Grades, rs) })
	}
	digest := func() string {
		t.Helper()
		var d string
		mustView(t, s, func(tx *storage.Tx) (err error) { d, err = tx.SealedDigest(rid); return err })
		return d
	}
	empty := digest()
	put(stored)
	before := digest()
	var order [][]byte
	mustView(t, s, func(tx *storage.Tx) error {
		if n, err := tx.CountSealed(rid, storage.Grades); err != nil || n != 50 {
			return fmt.Errorf("%d sealed %v", n, err)
		}
		return tx.EachSealed(rid, storage.Grades, func(k, _ []byte) error { order = append(order, bytes.Clone(k)); return nil })
	})
	if !slices.IsSortedFunc(order, bytes.Compare) || len(order) != 50 {
		t.Fatalf("%d records, in key order: %v", len(order), slices.IsSortedFunc(order, bytes.Compare))
	}
	inserted := make([][]byte, len(recs))
	for i, r := range recs {
		inserted[i] = r.Key
	}
	if slices.EqualFunc(order, inserted, bytes.Equal) {
		t.Fatal("records come back in the order they were stored")
	}
	if before == empty {
		t.Fatal("the digest does not change with the records")
	}
	put([]storage.Sealed{{Key: recs[7].Key, Value: []byte("a forged ballot")}})
	if digest() == before {
		t.Fatal("the digest does not change when a record is replaced")
	}
	put([]storage.Sealed{recs[7]})
	if digest() != before {
		t.Fatal("the digest differs with the same records")
	}
	if err := s.View(func(tx *storage.Tx) error { _, err := tx.SealedDigest("r9"); return err }); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("the digest of no round: %v", err)
	}
}

// TestTheAuditChainIsReadBothWays: entries appended in transactions form a
// chain that verifies; they are read forwards after a sequence number and
// backwards before one, and a reader stops where it likes.
func TestTheAuditChainIsReadBothWays(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	var last audit.Entry
	for i := 0; i < 10; i++ {
		mustUpdate(t, s, func(tx *storage.Tx) (err error) {
			last, err = tx.Audit(audit.Event{Actor: "admin (admin)", Action: "round.patch", Detail: map[string]int{"n": i}}, t0.Add(time.Duration(i)*time.Second))
			return err
		})
	}
	seqs := func(read func(tx *storage.Tx, fn func(audit.Entry) (bool, error)) error, stop int) []uint64 {
		t.Helper()
		var out []uint64
		mustView(t, s, func(tx *storage.Tx) error {
			return read(tx, func(e audit.Entry) (bool, error) { out = append(out, e.Seq); return len(out) < stop, nil })
		})
		return out
	}
	v := audit.NewVerifier(last.Hash)
	mustView(t, s, func(tx *storage.Tx) error {
		if head, err := tx.AuditHead(); err != nil || head != last.Hash {
			return fmt.Errorf("head %s %v, want %s", head, err, last.Hash)
		}
		return tx.AuditEntries(0, func(e audit.Entry) (bool, error) { return true, v.Add(e) })
	})
	if _, err := v.Done(); err != nil || v.Count != last.Seq {
		t.Fatalf("%d entries verified, the last is %d: %v", v.Count, last.Seq, err)
	}
	n := last.Seq
	if got := seqs(func(tx *storage.Tx, fn func(audit.Entry) (bool, error)) error { return tx.AuditEntries(n-3, fn) }, 100); !slices.Equal(got, []uint64{n - 2, n - 1, n}) {
		t.Errorf("after %d: %v", n-3, got)
	}
	if got := seqs(func(tx *storage.Tx, fn func(audit.Entry) (bool, error)) error { return tx.AuditEntriesBack(n-1, fn) }, 3); !slices.Equal(got, []uint64{n - 2, n - 3, n - 4}) {
		t.Errorf("three before %d: %v", n-1, got)
	}
	if got := seqs(func(tx *storage.Tx, fn func(audit.Entry) (bool, error)) error { return tx.AuditEntriesBack(0, fn) }, 2); !slices.Equal(got, []uint64{n, n - 1}) {
		t.Errorf("the newest two: %v", got)
	}
}

// TestUsersTokensAndSessions: users by name; ending a user's tokens or
// sessions ends theirs only.
func TestUsersTokensAndSessions(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	mustView(t, s, func(tx *storage.Tx) error {
		if tx.HasUsers() {
			return errors.New("a fresh database has users")
		}
		return nil
	})
	tokA, hashA := auth.NewToken()
	_, hashB := auth.NewToken()
	sessA, sessB := auth.HashToken(auth.NewSecret()), auth.HashToken(auth.NewSecret())
	mustUpdate(t, s, func(tx *storage.Tx) error {
		for _, u := range []*auth.User{{Name: "an", Role: auth.Admin}, {Name: "binh", Role: auth.Authority, Unit: "p"}} {
			if err := tx.PutUser(u); err != nil {
				return err
			}
		}
		if err := tx.PutToken(hashA, auth.Token{User: "an"}); err != nil {
			return err
		}
		if err := tx.PutToken(hashB, auth.Token{User: "binh"}); err != nil {
			return err
		}
		if err := tx.PutSession(sessA, &auth.Session{User: "an", Expires: t0}); err != nil {
			return err
		}
		return tx.PutSession(sessB, &auth.Session{User: "binh", Expires: t0})
	})
	mustUpdate(t, s, func(tx *storage.Tx) error {
		if err := tx.DeleteTokens("an"); err != nil {
			return err
		}
		return tx.DeleteSessions("an")
	})
	mustView(t, s, func(tx *storage.Tx) error {
		if users, err := tx.Users(); err != nil || len(users) != 2 || users[0].Name != "an" || users[1].Unit != "p" {
			return fmt.Errorf("users %+v %v", users, err)
		}
		if _, err := tx.User("chi"); !apperr.Is(err, apperr.NotFound) {
			return fmt.Errorf("an unknown user: %v", err)
		}
		if _, err := tx.Token(auth.HashToken(tokA)); !apperr.Is(err, apperr.NotFound) {
			return fmt.Errorf("an ended token: %v", err)
		}
		if tok, err := tx.Token(hashB); err != nil || tok.User != "binh" {
			return fmt.Errorf("another user's token: %+v %v", tok, err)
		}
		if sess, err := tx.Session(sessA); err != nil || sess != nil {
			return fmt.Errorf("an ended session: %+v %v", sess, err)
		}
		if sess, err := tx.Session(sessB); err != nil || sess == nil || sess.User != "binh" {
			return fmt.Errorf("another user's session: %+v %v", sess, err)
		}
		return nil
	})
}

// TestCountedFiguresReadInShortTransactionsAreTheSame: a counted round's
// targets and comments read each in a transaction of its own — across a
// compaction, which swaps the file — are those read in one transaction.
func TestCountedFiguresReadInShortTransactionsAreTheSame(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	rid := newRound(t, s)
	f, _ := forms.Template("to-chuc-co-so-dang")
	var targets []*tally.Target
	for i := 0; i < 5; i++ {
		tg := tally.NewTarget(fmt.Sprintf("c%d", i), &f)
		for k := 0; k <= i; k++ {
			tg.Add(&f, map[string]string{"level": "htt"}, nil)
		}
		targets = append(targets, tg)
	}
	comments := map[string][]string{"c3": {"một ý kiến", "ý kiến khác"}}
	mustUpdate(t, s, func(tx *storage.Tx) error { return tx.PutCounted(rid, targets, comments, nil) })
	type read struct {
		t *tally.Target
		c []string
	}
	var inOne []read
	mustView(t, s, func(tx *storage.Tx) error {
		src := tx.CountedSource(rid)
		for i := 0; i < 6; i++ {
			tg, err := src.Target(fmt.Sprintf("c%d", i))
			if err != nil {
				return err
			}
			c, err := src.Comments(fmt.Sprintf("c%d", i))
			if err != nil {
				return err
			}
			inOne = append(inOne, read{tg, c})
		}
		return nil
	})
	src := s.CountedSource(rid)
	for i := 0; i < 6; i++ {
		if i == 2 {
			if err := s.Compact(); err != nil {
				t.Fatal(err)
			}
		}
		tg, err := src.Target(fmt.Sprintf("c%d", i))
		if err != nil {
			t.Fatal(err)
		}
		c, err := src.Comments(fmt.Sprintf("c%d", i))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(read{tg, c}, inOne[i]) {
			t.Errorf("c%d: %+v %v, in one transaction %+v %v", i, tg, c, inOne[i].t, inOne[i].c)
		}
	}
	if inOne[5].t != nil || inOne[3].t == nil || inOne[3].t.Ballots != 4 || len(inOne[3].c) != 2 {
		t.Fatalf("what was stored: %+v", inOne)
	}
}

// TestABackupIsACheckedCopyAndARestoreIsAllOrNothing: a hot copy opens as
// the same database; restoring it replaces a file whole; a file that is
// not a database is refused, leaving the one in place as it was.
func TestABackupIsACheckedCopyAndARestoreIsAllOrNothing(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	rid := newRound(t, s)
	var copy bytes.Buffer
	if n, err := s.Backup(&copy); err != nil || n != int64(copy.Len()) || n == 0 {
		t.Fatalf("backup: %d bytes (%d written) %v", n, copy.Len(), err)
	}
	dir := t.TempDir()
	restored := filepath.Join(dir, "restored.db")
	if err := storage.ReplaceFile(restored, bytes.NewReader(copy.Bytes())); err != nil {
		t.Fatal(err)
	}
	if err := storage.VerifyFile(restored); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(restored)
	if err := storage.ReplaceFile(restored, bytes.NewReader([]byte("not a database"))); err == nil {
		t.Fatal("a file that is not a database was restored")
	}
	if after, _ := os.ReadFile(restored); !bytes.Equal(after, before) {
		t.Fatal("a refused restore changed the file in place")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "*.restore")); len(leftovers) != 0 {
		t.Fatalf("a refused restore left %v", leftovers)
	}
	r, err := storage.Open(restored, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.View(func(tx *storage.Tx) error { _, err := tx.Round(rid); return err }); err != nil {
		t.Fatalf("the restored copy: %v", err)
	}
}
