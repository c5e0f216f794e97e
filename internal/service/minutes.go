package service

import (
	"time"

	"ballot/internal/audit"
	"ballot/internal/auth"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// Minutes are the count minutes (biên bản kiểm phiếu) of a target or a
// subtree.
type Minutes struct {
	Round      *rounds.Round     `json:"round"`
	Unit       string            `json:"unit"`
	UnitName   string            `json:"unit_name"`
	Targets    []MinutesRow      `json:"targets"`
	FormHashes map[string]string `json:"form_hashes"`
	// AuditHead is the hash of the newest audit entry when the minutes were
	// made: `ballot check --anchor` proves the log was not rewritten since.
	AuditHead string    `json:"audit_head"`
	AuditSeq  uint64    `json:"audit_seq"`
	Generated time.Time `json:"generated"`
}

// MinutesRow is one target's line of the minutes.
type MinutesRow struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Form     string `json:"form"`
	Issued   int    `json:"issued"`
	Used     int    `json:"used"`
	Ballots  int    `json:"ballots"`
	Withheld bool   `json:"withheld"`
}

// Minutes returns the count minutes of unit: the unit itself if it is a
// target, else every target strictly below it.
func (s *Service) Minutes(p auth.Principal, rid, unit string) (*Minutes, error) {
	m := &Minutes{FormHashes: map[string]string{}, Targets: []MinutesRow{}, Generated: s.now().UTC()}
	err := s.store.View(func(tx *storage.Tx) error {
		r, c, err := s.counted(tx, rid)
		if err != nil {
			return err
		}
		if unit, err = scope(p, c.Tree, unit); err != nil {
			return err
		}
		m.Round, m.Unit = r, unit
		used := map[string]int{}
		batches, err := tx.Batches(rid)
		if err != nil {
			return err
		}
		for _, b := range batches {
			for _, t := range b.Targets {
				used[t] += b.Used
			}
		}
		var addErr error
		add := func(u *rounds.Unit) {
			t, err := c.Source.Target(u.ID)
			if err != nil && addErr == nil {
				addErr = err
			}
			if t == nil {
				return
			}
			m.Targets = append(m.Targets, MinutesRow{ID: u.ID, Name: u.Name, Form: t.Form, Issued: c.Issued[u.ID],
				Used: used[u.ID], Ballots: t.Ballots, Withheld: t.Ballots < r.MinGroupSize})
			m.FormHashes[t.Form] = t.FormHash
		}
		var roots []string
		for _, u := range c.Tree.Roots() {
			roots = append(roots, u.ID)
		}
		if u := c.Tree.Unit(unit); u != nil {
			m.UnitName = u.Name
			if u.IsTarget() {
				add(u)
				roots = nil
			} else {
				roots = []string{unit}
			}
		}
		for _, root := range roots {
			c.Tree.Walk(root, func(u *rounds.Unit) {
				if u.ID != unit {
					add(u)
				}
			})
		}
		if addErr != nil {
			return addErr
		}
		return tx.AuditEntries(0, func(e audit.Entry) (bool, error) {
			m.AuditHead, m.AuditSeq = e.Hash, e.Seq
			return true, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}
