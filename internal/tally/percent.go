package tally

import (
	"fmt"
	"sort"
)

// Percents splits 100.00 among counts by the largest-remainder method, in
// hundredths, so the parts of one whole sum to exactly 100.00 (docs/design.md
// §5.3). With a total of zero every part is 0.00.
func Percents(counts []int) []string {
	total := 0
	for _, c := range counts {
		total += c
	}
	out := make([]string, len(counts))
	if total == 0 {
		for i := range out {
			out[i] = "0.00"
		}
		return out
	}
	hundredths := make([]int64, len(counts))
	type rem struct {
		i int
		r int64
	}
	rems := make([]rem, len(counts))
	var sum int64
	for i, c := range counts {
		exact := int64(c) * 10000
		hundredths[i] = exact / int64(total)
		rems[i] = rem{i, exact % int64(total)}
		sum += hundredths[i]
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; sum < 10000; k++ {
		hundredths[rems[k].i]++
		sum++
	}
	for i, h := range hundredths {
		out[i] = fmt.Sprintf("%d.%02d", h/100, h%100)
	}
	return out
}

// Ratio is num/den with two decimals, rounded half-up (den > 0).
func Ratio(num, den int64) string {
	if den == 0 {
		return "0.00"
	}
	h := (num*200 + den) / (2 * den) // hundredths, half-up
	return fmt.Sprintf("%d.%02d", h/100, h%100)
}
