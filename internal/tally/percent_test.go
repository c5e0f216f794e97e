package tally_test

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"ballot/internal/tally"
)

func hundredths(s string) int {
	n, _ := strconv.Atoi(strings.Replace(s, ".", "", 1))
	return n
}

func TestPercentsSumToExactly100(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		counts := make([]int, 1+r.IntN(8))
		total := 0
		for j := range counts {
			counts[j] = r.IntN(50)
			total += counts[j]
		}
		ps := tally.Percents(counts)
		sum := 0
		for j, p := range ps {
			sum += hundredths(p)
			if total > 0 {
				exact := float64(counts[j]) * 100 / float64(total)
				if d := float64(hundredths(p))/100 - exact; d <= -0.01 || d >= 0.01 {
					t.Fatalf("%v: %s is not %f rounded", counts, p, exact)
				}
			}
		}
		if total > 0 && sum != 10000 {
			t.Fatalf("%v → %v sums to %d", counts, ps, sum)
		}
	}
	if got := tally.Percents([]int{5, 11, 10, 5}); strings.Join(got, " ") != "16.13 35.48 32.26 16.13" {
		t.Fatalf("31 ballots: %v", got)
	}
	if got := tally.Percents([]int{1, 1, 1}); strings.Join(got, " ") != "33.34 33.33 33.33" {
		t.Fatalf("thirds: %v", got)
	}
}

func TestRatioRoundsHalfUp(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n, d int64
		want string
	}{{492, 30, "16.40"}, {1, 8, "0.13"}, {1, 3, "0.33"}, {2, 3, "0.67"}, {0, 5, "0.00"}, {1, 200, "0.01"}, {1, 201, "0.00"}} {
		if got := tally.Ratio(c.n, c.d); got != c.want {
			t.Errorf("%d/%d: %s, want %s", c.n, c.d, got, c.want)
		}
	}
}
