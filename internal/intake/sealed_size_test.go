package intake_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/ballots"
	"ballot/internal/forms"
	"ballot/internal/intake"
	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// TestSealedGradesAreOneSizePerRound: ballots on every built-in form, for
// targets with the shortest and the longest possible ids, with the shortest
// and the longest answers, are sealed to one size — a sealed record's size
// tells nothing of its answers, its form or its target.
func TestSealedGradesAreOneSizePerRound(t *testing.T) {
	t.Parallel()
	store, err := storage.Open(filepath.Join(t.TempDir(), "b.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	s := service.New(store, service.Options{})
	defer s.Close()
	sys := auth.Principal{Name: "test"}
	r, _ := s.CreateRound(sys, rounds.NewRound{Title: "sizes", Year: 2026})
	units := []rounds.Unit{{ID: "p", Name: "P", Kind: "province"}}
	fs := map[string]*forms.Form{}
	for i, id := range forms.TemplateIDs() {
		f, _ := forms.Template(id)
		if _, err := s.AddForm(sys, r.ID, &f); err != nil {
			t.Fatal(err)
		}
		fs[f.ID] = &f
		for _, target := range []string{string(rune('a' + i)), strings.Repeat(string(rune('a'+i)), ballots.LongestID)} {
			units = append(units, rounds.Unit{ID: target, Name: target, Parent: "p", Kind: "grassroots", Form: f.ID})
		}
	}
	if _, err := s.ImportUnits(sys, r.ID, units, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.OpenRound(sys, r.ID); err != nil {
		t.Fatal(err)
	}
	for _, u := range units[1:] {
		_, list, err := s.IssueBatch(sys, r.ID, rounds.NewBatch{Targets: []string{u.ID}, Count: 2})
		if err != nil {
			t.Fatal(err)
		}
		for i, code := range list {
			answers := map[string]json.RawMessage{}
			for _, q := range fs[u.Form].Questions {
				var v any
				switch {
				case q.Type == forms.Score && i == 0:
					v = 0
				case q.Type == forms.Score:
					v = q.Max
				case q.Type == forms.Choice:
					v = q.Options[0].ID // the shortest or the longest id
					for _, o := range q.Options {
						if i == 0 && len(o.ID) < len(v.(string)) || i == 1 && len(o.ID) > len(v.(string)) {
							v = o.ID
						}
					}
				case i == 1:
					v = "Ý kiến"
				}
				answers[q.ID], _ = json.Marshal(v)
			}
			if _, err := s.Submit(intake.Submission{Code: code, Ballots: []intake.BallotIn{{Target: u.ID, Answers: answers}}}); err != nil {
				t.Fatalf("%s: %v", u.ID, err)
			}
		}
	}
	sizes := map[int]int{}
	err = store.View(func(tx *storage.Tx) error {
		return tx.EachSealed(r.ID, storage.Grades, func(_, v []byte) error { sizes[len(v)]++; return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range sizes {
		total += n
	}
	if len(sizes) != 1 || total != 2*(len(units)-1) {
		t.Fatalf("%d sealed grades of %d sizes (size: records): %v", total, len(sizes), sizes)
	}
	t.Logf("%d ballots, all sealed to %v bytes", 2*(len(units)-1), sizes)
}
