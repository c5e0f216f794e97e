package demo_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ballot/internal/demo"
	"ballot/internal/intake"
	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/storage"
)

func TestDemoSeedsAnOpenRoundWithWorkingCodes(t *testing.T) {
	store, err := storage.Open(filepath.Join(t.TempDir(), "demo.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc := service.New(store, service.Options{})
	defer svc.Close()
	var out bytes.Buffer
	if err := demo.Seed(svc, &out); err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile(`\d{4} \d{4} \d{4} \d{4}`).FindString(out.String())
	if code == "" || !strings.Contains(out.String(), "AGE-SECRET-KEY-1") {
		t.Fatalf("demo printed:\n%s", out.String())
	}
	units, _ := svc.Units("r1")
	if len(units) != 979 {
		t.Fatalf("%d units", len(units))
	}
	target := ""
	csvUnits, _ := rounds.ParseUnitsCSV(demo.ProvinceCSV)
	for _, u := range csvUnits {
		if u.Kind == "grassroots" {
			target = u.ID
			break
		}
	}
	answers := map[string]json.RawMessage{"level": json.RawMessage(`"htt"`)}
	for _, q := range []string{"c1", "c2", "c3", "c4", "c5", "c6", "c7"} {
		answers[q] = json.RawMessage(`"tot"`)
	}
	in := intake.Submission{Code: code, Ballots: []intake.BallotIn{{Target: target, Answers: answers}}}
	if _, err := svc.Submit(in); err != nil {
		t.Fatalf("a printed code does not vote: %v", err)
	}
	// seeding again does nothing
	out.Reset()
	if err := demo.Seed(svc, &out); err != nil || out.Len() != 0 {
		t.Fatalf("second seed: %v %q", err, out.String())
	}
}
