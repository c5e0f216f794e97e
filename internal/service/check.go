package service

import (
	"errors"
	"fmt"

	"ballot/internal/audit"
	"ballot/internal/storage"
)

// CheckReport is what `ballot check` found.
type CheckReport struct {
	AuditEntries uint64
	AuditHead    string
	Rounds       int
	Problems     []string
}

// OK reports whether nothing is wrong.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 }

// Check verifies the file's consistency and the audit chain; a non-empty
// anchor (a head printed earlier) must be part of the chain.
func (s *Service) Check(anchor string) (*CheckReport, error) {
	rep := &CheckReport{}
	if err := s.store.CheckConsistency(); err != nil {
		rep.Problems = append(rep.Problems, "database pages: "+err.Error())
	}
	v := audit.NewVerifier(anchor)
	err := s.store.View(func(tx *storage.Tx) error {
		rs, err := tx.Rounds()
		if err != nil {
			return err
		}
		rep.Rounds = len(rs)
		return tx.AuditEntries(0, func(e audit.Entry) (bool, error) {
			if err := v.Add(e); err != nil {
				return false, errChainBroken{err}
			}
			return true, nil
		})
	})
	var broken errChainBroken
	switch {
	case errors.As(err, &broken):
		rep.Problems = append(rep.Problems, broken.Error())
	case err != nil:
		return nil, fmt.Errorf("check: %w", err)
	default:
		head, err := v.Done()
		rep.AuditHead = head
		if err != nil {
			rep.Problems = append(rep.Problems, err.Error())
		}
	}
	rep.AuditEntries = v.Count
	return rep, nil
}

type errChainBroken struct{ error }
