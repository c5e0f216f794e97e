package rounds

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"time"

	"ballot/internal/apperr"
	"ballot/internal/valid"
)

// Limits of a batch.
const (
	MaxBatchCodes   = 10_000
	MaxBatchTargets = 50
)

// Batch is a set of codes issued for a fixed set of targets: each code is
// one ballot for each of them, all at once.
type Batch struct {
	ID        string    `json:"id"`
	Label     string    `json:"label,omitempty"`
	Targets   []string  `json:"targets"`
	Count     int       `json:"count"`
	Used      int       `json:"used"`
	Revoked   int       `json:"revoked"`
	CreatedAt time.Time `json:"created_at"`
	// WhileOpen marks a batch made while the round was open: its codes were
	// shown once and never stored in clear.
	WhileOpen bool `json:"while_open,omitempty"`
}

// NewBatch is the input of issuing a batch.
type NewBatch struct {
	Targets []string `json:"targets" validate:"required,min=1,max=50,dive,id"`
	Count   int      `json:"count" validate:"required,gte=1,lte=10000"`
	Label   string   `json:"label" validate:"max=200,text"`
}

// Check validates in against the round's units.
func (in *NewBatch) Check(units map[string]*Unit) error {
	if err := valid.Struct(in, ""); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, id := range in.Targets {
		u := units[id]
		if u == nil || !u.IsTarget() {
			return apperr.Field(fieldAt("targets", i), "batch.not_target", id)
		}
		if seen[id] {
			return apperr.Field(fieldAt("targets", i), "field.duplicate", id)
		}
		seen[id] = true
	}
	return nil
}

// Covers reports whether the batch's codes vote on target.
func (b *Batch) Covers(target string) bool {
	for _, t := range b.Targets {
		if t == target {
			return true
		}
	}
	return false
}

// ParseBatchCSV reads a CSV of batches, one a row: target, count and an
// optional label (header: target,count[,label]). Errors name the row.
func ParseBatchCSV(data []byte) ([]NewBatch, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil || len(header) < 2 || strings.TrimSpace(strings.ToLower(header[0])) != "target" || strings.TrimSpace(strings.ToLower(header[1])) != "count" {
		return nil, apperr.New(apperr.Invalid, "batch.csv_header")
	}
	var out []NewBatch
	err = eachCSVRecord(r, 2, func(rec []string, line int) error {
		n, err := strconv.Atoi(strings.TrimSpace(rec[1]))
		if err != nil {
			return rowError(line, true, apperr.Field("count", "field.bad"))
		}
		b := NewBatch{Targets: []string{strings.TrimSpace(rec[0])}, Count: n}
		if len(rec) > 2 {
			b.Label = strings.TrimSpace(rec[2])
		}
		out = append(out, b)
		if len(out) > 10_000 {
			return apperr.New(apperr.Invalid, "unit.too_many", 10_000)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, apperr.New(apperr.Invalid, "batch.csv_header")
	}
	return out, nil
}
