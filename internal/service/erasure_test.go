package service_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/forms"
	"ballot/internal/intake"
	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/storage"
)

var sys = auth.Principal{Name: "test", Role: auth.Admin}

// draftWithCodes makes a draft round with one target and n codes, and
// returns the service, the database path, the round and the codes.
func draftWithCodes(t *testing.T, n int) (*service.Service, *storage.Store, string, string, []string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ballot.db")
	store, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	s := service.New(store, service.Options{})
	t.Cleanup(s.Close)
	r, _ := s.CreateRound(sys, rounds.NewRound{Title: "erase", Year: 2026})
	f, _ := forms.Template("diem-100")
	if _, err := s.AddForm(sys, r.ID, &f); err != nil {
		t.Fatal(err)
	}
	units := []rounds.Unit{{ID: "p", Name: "P", Kind: "province"}, {ID: "c", Name: "C", Parent: "p", Kind: "grassroots", Form: f.ID}}
	if _, err := s.ImportUnits(sys, r.ID, units, false); err != nil {
		t.Fatal(err)
	}
	_, list, err := s.IssueBatch(sys, r.ID, rounds.NewBatch{Targets: []string{"c"}, Count: n})
	if err != nil {
		t.Fatal(err)
	}
	return s, store, path, r.ID, list
}

func codesIn(path string, list []string) int {
	raw, _ := os.ReadFile(path)
	n := 0
	for _, c := range list {
		if bytes.Contains(raw, []byte(c)) {
			n++
		}
	}
	return n
}

// TestAFailedCompactionNeverFailsTheChangeAndStaysOwed: when the compaction
// after opening cannot be done (here its file cannot be made), opening
// still succeeds and returns the generated private key; `check` names the
// erasure owed and the clear codes are still in the file; the next Settle
// does it, and then none is.
func TestAFailedCompactionNeverFailsTheChangeAndStaysOwed(t *testing.T) {
	t.Parallel()
	s, store, path, rid, list := draftWithCodes(t, 3000)
	if err := os.Mkdir(path+".compact", 0o700); err != nil { // bbolt cannot open a folder
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(path+".compact", "x"), nil, 0o600)
	r, priv, err := s.OpenRound(sys, rid)
	if err != nil || r.State != rounds.Open || !strings.HasPrefix(priv, "AGE-SECRET-KEY-1") {
		t.Fatalf("open with a failing compaction: %v %v %q", r, err, priv)
	}
	rep, err := s.Check("")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(rep.Problems, "\n"), "erasure is still owed") {
		t.Fatalf("check does not name the erasure owed: %v", rep.Problems)
	}
	if codesIn(path, list) == 0 {
		t.Fatal("the clear codes left the file without a compaction: the test shows nothing")
	}
	os.RemoveAll(path + ".compact")
	if err := s.Settle(); err != nil {
		t.Fatal(err)
	}
	if n := codesIn(path, list); n > 0 {
		t.Fatalf("%d clear codes in the file after Settle", n)
	}
	if o, _ := store.Owed(); o != nil {
		t.Fatalf("still owed: %v", o)
	}
	if rep, _ := s.Check(""); !rep.OK() {
		t.Fatalf("check after Settle: %v", rep.Problems)
	}
}

// TestAnErasureOwedIsDoneAtTheNextOpen: a crash right after the opening
// commit (the store closed before any compaction) leaves the erasure owed
// in the file; the next start's Settle does it.
func TestAnErasureOwedIsDoneAtTheNextOpen(t *testing.T) {
	t.Parallel()
	s, store, path, rid, list := draftWithCodes(t, 200)
	// the opening's transaction alone, as if the process died after it
	err := store.Update(func(tx *storage.Tx) error {
		r, err := tx.Round(rid)
		if err != nil {
			return err
		}
		r.PublicKey = "age1unused"
		if err := tx.EraseClearCodes(rid); err != nil {
			return err
		}
		return tx.PutRound(r)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	store.Close()
	if codesIn(path, list) == 0 {
		t.Fatal("nothing to find: the test shows nothing")
	}
	again, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if o, _ := again.Owed(); o == nil || !strings.Contains(strings.Join(o.Why, " "), "clear codes") {
		t.Fatalf("owed after the crash: %v", o)
	}
	if err := again.Settle(); err != nil {
		t.Fatal(err)
	}
	if n := codesIn(path, list); n > 0 {
		t.Fatalf("%d clear codes survive the next start", n)
	}
}

// TestCountReturnsItsResultWhateverTheHousekeeping: counting succeeds and
// the round is counted even when the compaction after it fails; the code
// key is forgotten by the Settle that follows.
func TestCountReturnsItsResultWhateverTheHousekeeping(t *testing.T) {
	t.Parallel()
	s, store, path, rid, list := draftWithCodes(t, 5)
	_, priv, err := s.OpenRound(sys, rid)
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]json.RawMessage{"s1": json.RawMessage("10"), "s2": json.RawMessage("10"), "s3": json.RawMessage("5"),
		"s4": json.RawMessage("20"), "s5": json.RawMessage("5"), "level": json.RawMessage(`"htt"`)}
	for _, c := range list[:3] {
		if _, err := s.Submit(intake.Submission{Code: c, Ballots: []intake.BallotIn{{Target: "c", Answers: answers}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CloseRound(sys, rid); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(path+".compact", 0o700)
	os.WriteFile(filepath.Join(path+".compact", "x"), nil, 0o600)
	r, err := s.Count(sys, rid, priv, nil)
	if err != nil || r.State != rounds.Counted {
		t.Fatalf("count with a failing compaction: %v %v", r, err)
	}
	keys, _ := os.ReadFile(storage.KeysPath(path))
	if strings.Contains(string(keys), `"`+rid+`"`) {
		t.Logf("the code key is still owed (as expected until a compaction succeeds)")
	}
	os.RemoveAll(path + ".compact")
	if err := s.Settle(); err != nil {
		t.Fatal(err)
	}
	keys, _ = os.ReadFile(storage.KeysPath(path))
	if strings.Contains(string(keys), `"`+rid+`"`) {
		t.Fatalf("the code key survives counting: %s", keys)
	}
	if o, _ := store.Owed(); o != nil {
		t.Fatalf("still owed: %v", o)
	}
}
