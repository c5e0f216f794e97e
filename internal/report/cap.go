package report

import (
	"fmt"
	"strconv"
	"strings"

	"ballot/internal/apperr"
)

// Caps on the share of excellent (HTXS) among good-or-better ratings, in
// hundredths of a percent.
const (
	DefaultCap = 2000 // 20%
	MaxCap     = 2500 // 25%
)

// Cap is the cap set for a deciding unit's peer group.
type Cap struct {
	Unit  string `json:"unit"`
	Group string `json:"group"`
	// Hundredths is the cap in hundredths of a percent (2000 = 20%).
	Hundredths int `json:"hundredths"`
}

// CapIn is the input of setting a cap.
type CapIn struct {
	Unit       string `json:"unit" validate:"required,id"`
	Group      string `json:"group" validate:"omitempty,id"`
	CapPercent string `json:"cap_percent" validate:"required,max=8"`
}

// ParsePercent reads a percent with at most two decimals ("25", "22.5",
// "22,50") into hundredths; it must be above 0 and at most 25.
func ParsePercent(s string) (int, error) {
	s = strings.Replace(strings.TrimSpace(s), ",", ".", 1)
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" {
		return 0, apperr.Field("cap_percent", "cap.format")
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err1 := strconv.Atoi(whole)
	f, err2 := strconv.Atoi(frac)
	if err1 != nil || err2 != nil || w < 0 || f < 0 {
		return 0, apperr.Field("cap_percent", "cap.format")
	}
	h := w*100 + f
	if h <= 0 || h > MaxCap {
		return 0, apperr.Field("cap_percent", "cap.range")
	}
	return h, nil
}

// FormatHundredths shows hundredths of a percent as "20.00".
func FormatHundredths(h int) string { return fmt.Sprintf("%d.%02d", h/100, h%100) }

// Breach decides on integers whether excellent ratings exceed the cap of
// good-or-better ones: excellent × 100 > cap × good-or-better, with the cap
// in percent (here in hundredths, so both sides are multiplied by 100).
func Breach(excellent, goodOrBetter, capHundredths int) bool {
	return excellent*10000 > capHundredths*goodOrBetter
}
