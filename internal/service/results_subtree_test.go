package service_test

import (
	"encoding/json"
	"strings"
	"testing"

	"ballot/internal/result"
	"ballot/internal/result/resulttest"
	"ballot/internal/service"
	"ballot/internal/tally"
)

// TestASubtreesResultIsThatPartOfTheWhole: a child exports the result of
// one district (any subtree, not only its root): the file holds that
// district's units alone, and every target and roll-up figure of it is
// the one the province's file holds (one withholding decision, so neither
// file publishes what the other hides); a parent whose leaf is that
// district imports it, and its report there is the child's own report of
// the district.
func TestASubtreesResultIsThatPartOfTheWhole(t *testing.T) {
	t.Parallel()
	a, _ := twoChildren(t)
	whole, err := result.Parse(a.Export(t, "").File)
	if err != nil {
		t.Fatal(err)
	}
	sd := a.Export(t, "pa-d01")
	part, err := result.Parse(sd.File)
	if err != nil {
		t.Fatal(err)
	}
	if part.Root != "pa-d01" || sd.Unit != "pa-d01" || part.Units[0].ID != "pa-d01" || part.Units[0].Parent != "" {
		t.Fatalf("the district's file: root %s, first unit %+v", part.Root, part.Units[0])
	}
	for _, u := range part.Units[1:] {
		if !strings.HasPrefix(u.ID, "pa-c01") {
			t.Fatalf("unit %s is outside the district", u.ID)
		}
	}
	key := func(f *tally.Figures) string { return f.Unit + "|" + f.Form }
	inWhole := map[string]string{}
	for _, list := range [][]tally.Figures{whole.Targets, whole.Rollups} {
		for i := range list {
			raw, _ := json.Marshal(list[i])
			inWhole[key(&list[i])] = string(raw)
		}
	}
	withheld := 0
	for _, list := range [][]tally.Figures{part.Targets, part.Rollups} {
		for i := range list {
			raw, _ := json.Marshal(list[i])
			if w := inWhole[key(&list[i])]; w != string(raw) {
				t.Fatalf("%s in the district's file\n%s\nin the province's\n%s", key(&list[i]), raw, w)
			}
			if list[i].Withheld {
				withheld++
			}
		}
	}
	if len(part.Targets) == 0 || len(part.Targets) >= len(whole.Targets) {
		t.Fatalf("%d targets in the district's file, %d in the province's", len(part.Targets), len(whole.Targets))
	}

	svc := resulttest.Open(t)
	district := *a
	district.Root = "pa-d01"
	parent := resulttest.NewParent(t, svc, 2026, "tw", &district)
	if _, err := svc.ImportResult(admin, parent.ID, sd.File, sd.Signature); err != nil {
		t.Fatal(err)
	}
	got, _, err := svc.Report(admin, parent.ID, service.ReportQuery{Unit: "pa-d01", Compare: service.NoCompare})
	if err != nil {
		t.Fatal(err)
	}
	own, _, err := a.Svc.Report(admin, a.Round.ID, service.ReportQuery{Unit: "pa-d01", Compare: service.NoCompare})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Sections) != len(own.Sections) {
		t.Fatalf("%d sections in the parent, %d in the child", len(got.Sections), len(own.Sections))
	}
	for i := range got.Sections { // the parent names its leaf its own way
		got.Sections[i].Total.Name, own.Sections[i].Total.Name = "", ""
	}
	g, _ := json.Marshal(got.Sections)
	w, _ := json.Marshal(own.Sections)
	if string(g) != string(w) {
		t.Fatalf("the district in the parent\n got %s\nwant %s", g, w)
	}
	t.Logf("district file: %d units, %d targets (%d figures withheld)", len(part.Units), len(part.Targets), withheld)
}
