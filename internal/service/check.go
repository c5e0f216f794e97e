package service

import (
	"errors"
	"fmt"
	"strings"

	"ballot/internal/audit"
	"ballot/internal/codes"
	"ballot/internal/rounds"
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
	switch o, err := s.store.Owed(); {
	case err != nil:
		return nil, fmt.Errorf("check: %w", err)
	case o != nil:
		rep.Problems = append(rep.Problems, fmt.Sprintf("an erasure is still owed (%s): erased data may linger in free pages until the server's next start does it",
			strings.Join(o.Why, "; ")))
	}
	if s.store.LeftoverCompaction() {
		rep.Problems = append(rep.Problems, "a compaction file lies beside the database (a crash interrupted a compaction): the server's next start removes it")
	}
	v := audit.NewVerifier(anchor)
	err := s.store.View(func(tx *storage.Tx) error {
		rs, err := tx.Rounds()
		if err != nil {
			return err
		}
		rep.Rounds = len(rs)
		anchored, err := readAnchors(tx)
		if err != nil {
			return err
		}
		parents, err := readParentAnchors(tx)
		if err != nil {
			return err
		}
		for i := range rs {
			problems, err := checkRound(tx, &rs[i])
			if err != nil {
				return err
			}
			a := anchored[rs[i].ID]
			if a == nil {
				a = newAnchors()
			}
			for _, e := range a.life.edits(&rs[i]) {
				problems = append(problems, fmt.Sprintf("round %s: %s", rs[i].ID, e))
			}
			if rs[i].Parent {
				edits, err := checkParent(tx, &rs[i], parents[rs[i].ID])
				if err != nil {
					return err
				}
				rep.Problems = append(rep.Problems, append(problems, edits...)...)
				continue
			}
			edits, err := checkAnchored(tx, &rs[i], a)
			if err != nil {
				return err
			}
			for _, e := range edits {
				problems = append(problems, fmt.Sprintf("round %s: %s", rs[i].ID, e))
			}
			rep.Problems = append(rep.Problems, problems...)
		}
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

// checkRound compares what a round stores with what its state says it must
// (docs/design.md §3.1, §3.9) — counts only, linking nothing.
func checkRound(tx *storage.Tx, r *rounds.Round) ([]string, error) {
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("round %s: ", r.ID)+fmt.Sprintf(format, args...))
	}
	batches, err := tx.Batches(r.ID)
	if err != nil {
		return nil, err
	}
	used, revoked, ballots := map[string]int{}, map[string]int{}, 0
	perTarget := map[string]int{}
	for _, b := range batches {
		used[b.ID], revoked[b.ID] = b.Used, b.Revoked
		ballots += b.Used * len(b.Targets)
		for _, t := range b.Targets {
			perTarget[t] += b.Used
		}
	}
	stored, err := tx.CountSealed(r.ID, storage.Grades)
	if err != nil {
		return nil, err
	}
	if stored != ballots {
		bad("%d sealed ballots, but used codes account for %d", stored, ballots)
	}
	clearCodes, records, key, err := tx.Leftovers(r.ID)
	if err != nil {
		return nil, err
	}
	if clearCodes && r.State != rounds.Draft {
		bad("clear codes survive opening")
	}
	if r.State == rounds.Counted {
		if records || key {
			bad("per-code records or the code key survive counting")
		}
		hashes, err := tx.ReceiptHashes(r.ID)
		if err != nil {
			return nil, err
		}
		total := 0
		for _, n := range used {
			total += n
		}
		if len(hashes) != total {
			bad("%d receipts published, %d codes used", len(hashes), total)
		}
		counted, err := tx.Counted(r.ID)
		if err != nil {
			return nil, err
		}
		for id, t := range counted {
			if t.Ballots != perTarget[id] {
				bad("target %s: %d ballots counted, %d codes used", id, t.Ballots, perTarget[id])
			}
		}
		return problems, nil
	}
	seenUsed, seenRevoked := map[string]int{}, map[string]int{}
	err = tx.EachCode(r.ID, func(_ []byte, rec *codes.Record) error {
		switch rec.State {
		case codes.Used:
			seenUsed[rec.Batch]++
		case codes.Revoked:
			seenRevoked[rec.Batch]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, b := range batches {
		if seenUsed[b.ID] != used[b.ID] || seenRevoked[b.ID] != revoked[b.ID] {
			bad("batch %s: %d used and %d revoked code records, the batch says %d and %d",
				b.ID, seenUsed[b.ID], seenRevoked[b.ID], used[b.ID], revoked[b.ID])
		}
	}
	return problems, nil
}
