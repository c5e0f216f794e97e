// Package report is the authority's side of a counted round: ratings (one by
// one or imported), caps on excellent ratings per deciding unit and group,
// and the report: targets per level, breaches flagged, the year's change.
package report

import (
	"strings"
	"time"

	"ballot/internal/apperr"
	"ballot/internal/forms"
	"ballot/internal/valid"
)

// NotRated is the level of a target the authority decided not to rate.
const NotRated = "not_rated"

// Rating is the final level an authority decided for a target.
type Rating struct {
	Unit     string    `json:"unit"`
	Level    string    `json:"level"`
	Decision string    `json:"decision,omitempty"`
	Date     string    `json:"date,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// RatingIn is the input of rating one target.
type RatingIn struct {
	Level    string `json:"level" validate:"required"`
	Decision string `json:"decision" validate:"max=100,text"`
	Date     string `json:"date" validate:"max=10"`
	Reason   string `json:"reason" validate:"max=1000,text"`
}

// levelByLabel reads a level from its id or its Vietnamese or English label.
func levelByLabel(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == NotRated || s == "không xếp loại" || s == "not rated" || s == "chưa xếp loại" {
		return NotRated, true
	}
	for _, o := range forms.OptionSets["level4"] {
		if s == o.ID || s == strings.ToLower(o.Label) || s == strings.ToLower(o.LabelEN) {
			return o.ID, true
		}
	}
	return "", false
}

// Check validates in and normalizes its level and date.
func (in *RatingIn) Check() error {
	if err := valid.Struct(in, ""); err != nil {
		return err
	}
	level, ok := levelByLabel(in.Level)
	if !ok {
		return apperr.Field("level", "rating.level")
	}
	in.Level = level
	if in.Date != "" {
		d, err := parseDate(in.Date)
		if err != nil {
			return apperr.Field("date", "rating.date")
		}
		in.Date = d
	}
	if in.Level == NotRated && strings.TrimSpace(in.Reason) == "" {
		return apperr.Field("reason", "rating.reason_required")
	}
	return nil
}

// parseDate reads 2026-12-05 or 05/12/2026 and returns 2026-12-05.
func parseDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	_, err := time.Parse("2006-01-02", s)
	return "", err
}

// Final records that an authority marked the report of its subtree final.
type Final struct {
	Unit string    `json:"unit"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}
