package service_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"ballot/internal/apperr"
	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// draftOf makes a draft round of n grassroots targets under one province.
func draftOf(t *testing.T, n int) (*service.Service, string) {
	t.Helper()
	store, err := storage.Open(filepath.Join(t.TempDir(), "ballot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	s := service.New(store, service.Options{})
	t.Cleanup(s.Close)
	r, _ := s.CreateRound(sys, rounds.NewRound{Title: "plan", Year: 2026})
	f, _ := forms.Template("to-chuc-co-so-dang")
	if _, err := s.AddForm(sys, r.ID, &f); err != nil {
		t.Fatal(err)
	}
	units := []rounds.Unit{{ID: "p", Name: "P", Kind: "province"}}
	for i := range n {
		units = append(units, rounds.Unit{ID: fmt.Sprintf("t%02d", i), Name: fmt.Sprintf("T %d", i), Parent: "p", Kind: "grassroots", Form: f.ID})
	}
	if _, err := s.ImportUnits(sys, r.ID, units, false); err != nil {
		t.Fatal(err)
	}
	return s, r.ID
}

// TestABatchPlanAndReprintedSlipsKeepTheirLimits: a plan makes at most
// service.MaxPlanCodes codes in draft, and slips of a subtree are printed
// again at most service.MaxShownCodes at a time (README, Console).
func TestABatchPlanAndReprintedSlipsKeepTheirLimits(t *testing.T) {
	t.Parallel()
	s, rid := draftOf(t, 21)
	// 20 targets of 10,000 codes are the most; 21 are too many
	in := service.PlanIn{Selection: service.Selection{Unit: "t00"}, Count: 10_000}
	if _, err := s.PlanBatches(rid, in); err != nil {
		t.Fatal(err)
	}
	in.Unit = "p"
	if _, err := s.PlanBatches(rid, in); err == nil || apperr.Wrap(err).Field != "count" {
		t.Fatalf("a plan of 210,000 codes: %v", err)
	}
	in.Count = service.MaxPlanCodes / 21
	plan, err := s.PlanBatches(rid, in)
	if err != nil || plan.Codes != 21*(service.MaxPlanCodes/21) || len(plan.Batches) != 21 {
		t.Fatalf("a plan of %d codes: %v", 21*in.Count, err)
	}
	// slips again: 10,000 codes at once, not one more
	if _, _, err := s.IssueBatches(sys, rid, []rounds.NewBatch{{Targets: []string{"t00"}, Count: 6_000}, {Targets: []string{"t01"}, Count: 4_000}}); err != nil {
		t.Fatal(err)
	}
	bs, lists, err := s.DraftSlips(sys, rid, "p")
	if err != nil || len(bs) != 2 || len(lists[0])+len(lists[1]) != service.MaxShownCodes {
		t.Fatalf("slips of 10,000 codes: %v", err)
	}
	if _, _, err := s.IssueBatches(sys, rid, []rounds.NewBatch{{Targets: []string{"t02"}, Count: 1}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.DraftSlips(sys, rid, "p"); err == nil || apperr.Wrap(err).Code != apperr.Invalid {
		t.Fatalf("slips of 10,001 codes: %v", err)
	}
	if bs, _, err := s.DraftSlips(sys, rid, "t02"); err != nil || len(bs) != 1 {
		t.Fatalf("slips of one target's code: %v", err)
	}
}
