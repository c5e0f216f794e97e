package intake_test

import (
	"encoding/json"
	"path/filepath"
	"sync/atomic"
	"testing"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/forms"
	"ballot/internal/intake"
	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// BenchmarkSubmit measures the service's submission path (validation,
// sealing, group commit with fsync) without HTTP, with parallel callers.
func BenchmarkSubmit(b *testing.B) {
	store, err := storage.Open(filepath.Join(b.TempDir(), "bench.db"), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	s := service.New(store, service.Options{})
	defer s.Close()
	sys := auth.Principal{Name: "bench"}
	r, _ := s.CreateRound(sys, rounds.NewRound{Title: "bench", Year: 2026})
	f, _ := forms.Template("to-chuc-co-so-dang")
	s.AddForm(sys, r.ID, &f)
	units := []rounds.Unit{{ID: "p", Name: "P", Kind: "province"}, {ID: "c", Name: "C", Parent: "p", Kind: "grassroots", Form: f.ID}}
	if _, err := s.ImportUnits(sys, r.ID, units, false); err != nil {
		b.Fatal(err)
	}
	_, list, err := s.IssueBatch(sys, r.ID, rounds.NewBatch{Targets: []string{"c"}, Count: 10000})
	if err != nil {
		b.Fatal(err)
	}
	s.OpenRound(sys, r.ID)
	answers := map[string]json.RawMessage{"level": json.RawMessage(`"htt"`), "comment": json.RawMessage(`"Tập thể đoàn kết"`)}
	for _, q := range []string{"c1", "c2", "c3", "c4", "c5", "c6", "c7"} {
		answers[q] = json.RawMessage(`"tot"`)
	}
	var next atomic.Int64
	b.SetParallelism(64)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1)-1) % len(list)
			_, err := s.Submit(intake.Submission{Code: list[i], Ballots: []intake.BallotIn{{Target: "c", Answers: answers}}})
			if err != nil && !apperr.Is(err, apperr.AccessCodeUsed) {
				b.Fatal(err)
			}
		}
	})
}
