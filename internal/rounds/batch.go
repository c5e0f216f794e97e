package rounds

import (
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
