package service

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/ballots"
	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

// envInt reads a benchmark size from the environment.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// closedRound makes a closed round of n sealed ballots spread over t
// targets, written straight to storage as the writer would (without codes),
// and returns the service, the round and its identity.
func closedRound(b testing.TB, n, t int) (*Service, string, *seal.Opener) {
	b.Helper()
	store, err := storage.Open(filepath.Join(b.TempDir(), "bench.db"), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	s := New(store, Options{})
	b.Cleanup(s.Close)
	sys := auth.Principal{Name: "bench"}
	r, err := s.CreateRound(sys, rounds.NewRound{Title: "bench", Year: 2026})
	if err != nil {
		b.Fatal(err)
	}
	f, _ := forms.Template("to-chuc-co-so-dang")
	if _, err := s.AddForm(sys, r.ID, &f); err != nil {
		b.Fatal(err)
	}
	units := []rounds.Unit{{ID: "p", Name: "P", Kind: "province"}}
	for d := 0; d < 100; d++ {
		units = append(units, rounds.Unit{ID: fmt.Sprintf("d%03d", d), Name: "D", Parent: "p", Kind: "district"})
	}
	var targets []string
	for i := 0; i < t; i++ {
		id := fmt.Sprintf("c%05d", i)
		targets = append(targets, id)
		units = append(units, rounds.Unit{ID: id, Name: id, Parent: fmt.Sprintf("d%03d", i%100), Kind: "grassroots", Group: "xa", Form: f.ID})
	}
	if _, err := s.ImportUnits(sys, r.ID, units, false); err != nil {
		b.Fatal(err)
	}
	r, priv, err := s.OpenRound(sys, r.ID)
	if err != nil {
		b.Fatal(err)
	}
	dk, err := s.intake.DataKey(r)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	place := ballots.AAD(r.ID, storage.Grades)
	size := ballots.GradesSize([]*forms.Form{&f})
	for done := 0; done < n; {
		batch := make([]storage.Sealed, 0, 20000)
		for ; done < n && len(batch) < cap(batch); done++ {
			g := ballots.Grades{Target: targets[done%t], Choices: map[string]string{}}
			for _, q := range f.Questions {
				if q.Type == forms.Choice {
					g.Choices[q.ID] = q.Options[rng.IntN(len(q.Options))].ID
				}
			}
			v, err := dk.Seal(ballots.EncodeGrades(g), place, size)
			if err != nil {
				b.Fatal(err)
			}
			batch = append(batch, storage.NewSealed(v))
		}
		if err := store.Update(func(tx *storage.Tx) error { return tx.PutSealed(r.ID, storage.Grades, batch) }); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.CloseRound(sys, r.ID); err != nil {
		b.Fatal(err)
	}
	id, _ := seal.ParseIdentity(priv)
	o := seal.NewOpener(id)
	if err := store.View(func(tx *storage.Tx) error { return tx.EachDataKey(r.ID, o.AddKey) }); err != nil {
		b.Fatal(err)
	}
	return s, r.ID, o
}

// BenchmarkCount is P2 (docs/design.md §6): counting (decrypt and tally, with
// the withholding decision) against reading and decrypting the same ballots
// alone, and the digest check counting adds. Sizes: BALLOT_BENCH_BALLOTS (default 200,000) over
// BALLOT_BENCH_TARGETS (default 10,000); the goal is stated for 1,000,000.
func BenchmarkCount(b *testing.B) {
	n, t := envInt("BALLOT_BENCH_BALLOTS", 200_000), envInt("BALLOT_BENCH_TARGETS", 10_000)
	s, rid, o := closedRound(b, n, t)
	b.Run("read+decrypt", func(b *testing.B) {
		for b.Loop() {
			err := s.store.View(func(tx *storage.Tx) error {
				return ballots.OpenEach(sealed(tx, rid, storage.Grades), o, ballots.AAD(rid, storage.Grades), func([]byte) error { return nil })
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
	})
	b.Run("decrypt+tally", func(b *testing.B) {
		for b.Loop() {
			err := s.store.View(func(tx *storage.Tx) error {
				units, _ := tx.Units(rid)
				fs, _ := tx.Forms(rid)
				targets := ballots.NewAggregates(units, fs)
				if _, err := ballots.CountGrades(sealed(tx, rid, storage.Grades), o, ballots.AAD(rid, storage.Grades), targets, func(int) {}); err != nil {
					return err
				}
				byID := map[string]*tally.Target{}
				for id, a := range targets {
					byID[id] = &a.Target
				}
				tree := tally.NewTree(units)
				tally.Decide(tree, byID, tally.Rollups(tree, byID, fs), fs, 3, true)
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
	})
	// Counting also checks the records against the digest anchored at
	// closing (docs/design.md §3.10): one more pass over them, hashing.
	b.Run("sealed-digest", func(b *testing.B) {
		for b.Loop() {
			if err := s.store.View(func(tx *storage.Tx) error { _, err := tx.SealedDigest(rid); return err }); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
	})
}
