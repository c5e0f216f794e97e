package tally_test

import (
	"testing"

	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/tally"
)

// TestASummaryPublishesTheMeanTotalOnlyWhenItIsTheSumOfPublishedMeans:
// the mean total score of a diem-100 target adds nothing to what is
// published — it is shown only when every score question is published and
// answered by every ballot.
func TestASummaryPublishesTheMeanTotalOnlyWhenItIsTheSumOfPublishedMeans(t *testing.T) {
	t.Parallel()
	f, _ := forms.Template("diem-100")
	scores := []map[string]int{
		{"s1": 18, "s2": 18, "s3": 9, "s4": 38, "s5": 9}, // 92
		{"s1": 17, "s2": 16, "s3": 8, "s4": 36, "s5": 9}, // 86
		{"s1": 19, "s2": 18, "s3": 9, "s4": 37, "s5": 8}, // 91
	}
	counted := func(skip bool) *tally.Counted {
		tg := tally.NewTarget("c", &f)
		for i, s := range scores {
			if skip && i == 2 {
				s = map[string]int{"s1": 19, "s2": 18, "s3": 9, "s4": 37} // s5 unanswered
			}
			tg.Add(&f, map[string]string{"level": "htxs"}, s)
		}
		units := []rounds.Unit{{ID: "p", Name: "P", Kind: "province"}, {ID: "c", Name: "C", Parent: "p", Kind: "grassroots", Form: f.ID}}
		return &tally.Counted{Tree: tally.NewTree(units), Forms: map[string]*forms.Form{f.ID: &f},
			Source: tally.MapSource{Aggregates: map[string]*tally.Target{"c": tg}}, Withheld: tally.Withheld{}, Issued: map[string]int{"c": 4}, MinGroup: 3}
	}
	c := counted(false)
	s, err := c.Summary("c")
	if err != nil {
		t.Fatal(err)
	}
	if s.MeanTotal != "89.67" || s.Band != forms.LevelHTT || s.Ballots != 3 || s.Issued != 4 || len(s.Levels) != 4 || s.Levels[0].Count != 3 {
		t.Fatalf("every score published and answered: %+v", s)
	}
	// one score question withheld: the mean total would give it away
	c.Withheld[tally.TargetKey("c", "s3")] = true
	if s, _ := c.Summary("c"); s.MeanTotal != "" || s.Band != "" {
		t.Fatalf("a withheld score question: %+v", s)
	}
	// a ballot without one score: the total is over fewer ballots than the means
	if s, _ := counted(true).Summary("c"); s.MeanTotal != "" {
		t.Fatalf("a ballot without every score: %+v", s)
	}
	// too few ballots: nothing but the count
	c = counted(false)
	c.MinGroup = 4
	if s, _ := c.Summary("c"); !s.Withheld || s.MeanTotal != "" || s.Levels != nil {
		t.Fatalf("a withheld target: %+v", s)
	}
}
