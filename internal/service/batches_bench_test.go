package service

import (
	"path/filepath"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// BenchmarkIssueProvinceCodes makes the province scenario's 61,567 codes
// (docs/design.md §6) for 978 targets in one transaction, as a batch plan or
// the demo does:
//
//	go test ./internal/service/ -run XXX -bench IssueProvinceCodes -benchtime 3x
func BenchmarkIssueProvinceCodes(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		store, err := storage.Open(filepath.Join(b.TempDir(), "bench.db"), storage.Options{})
		if err != nil {
			b.Fatal(err)
		}
		s := New(store, Options{})
		sys := auth.Principal{Name: "bench"}
		r, _ := s.CreateRound(sys, rounds.NewRound{Title: "bench", Year: 2026})
		f, _ := forms.Template("to-chuc-co-so-dang")
		s.AddForm(sys, r.ID, &f)
		units := []rounds.Unit{{ID: "p", Name: "P", Kind: "province"}}
		var ins []rounds.NewBatch
		for i := range 978 {
			id := "t" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
			units = append(units, rounds.Unit{ID: id, Name: id, Parent: "p", Kind: "grassroots", Form: f.ID})
			ins = append(ins, rounds.NewBatch{Targets: []string{id}, Count: 62})
		}
		ins[0].Count += 61_567 - 978*62
		if _, err := s.ImportUnits(sys, r.ID, units, false); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, _, err := s.IssueBatches(sys, r.ID, ins); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		store.Close()
		b.StartTimer()
	}
}
