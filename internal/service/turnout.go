package service

import (
	"sort"

	"ballot/internal/apperr"
	"ballot/internal/codes"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// Turnout is what is visible of a round before counting: codes issued,
// used and revoked, in all and per target (the codes that cover it).
type Turnout struct {
	Issued  int             `json:"issued"`
	Used    int             `json:"used"`
	Revoked int             `json:"revoked"`
	Targets []TargetTurnout `json:"targets"`
}

// TargetTurnout is the turnout of one target.
type TargetTurnout struct {
	ID      string `json:"id"`
	Issued  int    `json:"issued"`
	Used    int    `json:"used"`
	Revoked int    `json:"revoked"`
}

// Turnout returns a round's turnout.
func (s *Service) Turnout(rid string) (*Turnout, error) {
	out := &Turnout{Targets: []TargetTurnout{}}
	err := s.store.View(func(tx *storage.Tx) error {
		if _, err := tx.Round(rid); err != nil {
			return err
		}
		units, err := tx.Units(rid)
		if err != nil {
			return err
		}
		batches, err := tx.Batches(rid)
		if err != nil {
			return err
		}
		per := map[string]*TargetTurnout{}
		for _, u := range units {
			if u.IsTarget() {
				per[u.ID] = &TargetTurnout{ID: u.ID}
			}
		}
		for _, b := range batches {
			out.Issued += b.Count
			out.Used += b.Used
			out.Revoked += b.Revoked
			for _, t := range b.Targets {
				if tt := per[t]; tt != nil {
					tt.Issued += b.Count
					tt.Used += b.Used
					tt.Revoked += b.Revoked
				}
			}
		}
		for _, tt := range per {
			out.Targets = append(out.Targets, *tt)
		}
		sort.Slice(out.Targets, func(i, j int) bool { return out.Targets[i].ID < out.Targets[j].ID })
		return nil
	})
	return out, err
}

// Receipts returns the published receipt hashes of a counted round.
func (s *Service) Receipts(rid string) ([]string, error) {
	var out []string
	err := s.store.View(func(tx *storage.Tx) error {
		r, err := tx.Round(rid)
		if err != nil {
			return err
		}
		if err := r.Check(rounds.ActReadTally); err != nil {
			return err
		}
		out, err = tx.ReceiptHashes(rid)
		return err
	})
	return out, err
}

// ReceiptStatus is what checking a receipt tells.
type ReceiptStatus struct {
	Round   string `json:"round,omitempty"`
	Counted bool   `json:"counted"`
}

// CheckReceipt tells whether a receipt is among the counted ones of any
// round. Before counting it says only that it is not counted (yet).
func (s *Service) CheckReceipt(receipt string) (ReceiptStatus, error) {
	norm, ok := codes.NormalizeReceipt(receipt)
	if !ok {
		return ReceiptStatus{}, apperr.Field("receipt", "receipt.bad")
	}
	h := codes.ReceiptHash(norm)
	var st ReceiptStatus
	err := s.store.View(func(tx *storage.Tx) error {
		all, err := tx.Rounds()
		if err != nil {
			return err
		}
		for _, r := range all {
			if r.State != rounds.Counted {
				continue
			}
			if ok, err := tx.HasReceipt(r.ID, h); err != nil || ok {
				st = ReceiptStatus{Round: r.ID, Counted: ok}
				return err
			}
		}
		return nil
	})
	return st, err
}
