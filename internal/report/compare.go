package report

import (
	"fmt"
	"strconv"
	"strings"

	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/tally"
)

// Compared names the earlier round a report is compared with.
type Compared struct {
	Round string `json:"round"`
	Title string `json:"title"`
	Year  int    `json:"year"`
	// Final tells whether that round's report of the unit was marked
	// final (a round chosen by default always is).
	Final bool `json:"final"`
	// Chosen tells it was asked for, not found as the latest earlier final
	// round.
	Chosen bool `json:"chosen"`
}

// Change is how a section's figures moved since the earlier round: each
// count's difference, and each percentage's in percentage points.
type Change struct {
	Total           int              `json:"total"`
	Rated           Delta            `json:"rated"`
	NotRated        Delta            `json:"not_rated"`
	Levels          map[string]Delta `json:"levels"`
	GoodOrBetter    Delta            `json:"good_or_better"`
	ExcellentOfGood Delta            `json:"excellent_of_good"`
}

// Delta is the change of a count and of its percentage.
type Delta struct {
	Count int `json:"count"`
	// Points is the difference of the two published percentages, in
	// percentage points with a sign ("+1.28", "-0.50", "0.00"), so that
	// it is what a reader gets by subtracting the printed figures.
	Points string `json:"points"`
}

// Compare adds to each section of rep, made from in, the figures of the
// same kind in the subtree of the same unit in an earlier round (unit ids
// are stable across rounds), their change, and the targets added and gone.
func (in *Input) Compare(rep *Report, prev *Input, c Compared) {
	rep.CompareWith(c, func(kind string) Row { return prev.row(rep.Unit, kind, false) },
		func(kind string) (added, gone []UnitRef) {
			return Moved(targetsOf(in.Tree, rep.Unit, kind), targetsOf(prev.Tree, rep.Unit, kind))
		})
}

// targetsOf lists the names of the targets of kind strictly below unit.
func targetsOf(tree *tally.Tree, unit, kind string) map[string]string {
	out := map[string]string{}
	tree.Walk(unit, func(u *rounds.Unit) {
		if u.ID != unit && u.IsTarget() && u.Kind == kind {
			out[u.ID] = u.Name
		}
	})
	return out
}

func change(now, before Row) *Change {
	d := func(a, b Figure) Delta { return Delta{Count: a.Count - b.Count, Points: points(a.Percent, b.Percent)} }
	c := &Change{
		Total:           now.Total - before.Total,
		Rated:           d(Figure{now.Rated, now.RatedPercent}, Figure{before.Rated, before.RatedPercent}),
		NotRated:        d(Figure{now.NotRated, now.NotRatedPercent}, Figure{before.NotRated, before.NotRatedPercent}),
		Levels:          map[string]Delta{},
		GoodOrBetter:    d(now.GoodOrBetter, before.GoodOrBetter),
		ExcellentOfGood: d(now.ExcellentOfGood, before.ExcellentOfGood),
	}
	for _, l := range forms.Levels {
		c.Levels[l] = d(now.Levels[l], before.Levels[l])
	}
	return c
}

// points is a − b for two percentages with two decimals, signed.
func points(a, b string) string {
	h := Hundredths(a) - Hundredths(b)
	sign := "+"
	switch {
	case h < 0:
		sign, h = "-", -h
	case h == 0:
		sign = ""
	}
	return fmt.Sprintf("%s%d.%02d", sign, h/100, h%100)
}

// Hundredths reads a percentage with two decimals ("91.40") as 9140.
func Hundredths(p string) int {
	whole, frac, _ := strings.Cut(p, ".")
	w, _ := strconv.Atoi(whole)
	f, _ := strconv.Atoi((frac + "00")[:2])
	return w*100 + f
}
