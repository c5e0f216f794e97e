package service

import (
	"sort"
	"time"

	"ballot/internal/apperr"
	"ballot/internal/audit"
	"ballot/internal/auth"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// Minutes are the count minutes (biên bản kiểm phiếu) of a target or a
// subtree. Codes and ballots are counted apart: a code is one for every
// target of its batch, so summing the targets' codes would count a
// two-target code twice; a ballot is one target's, so the targets' ballots
// add up.
type Minutes struct {
	Round    *rounds.Round `json:"round"`
	Unit     string        `json:"unit"`
	UnitName string        `json:"unit_name"`
	// Codes are the codes of every batch that covers a target of the
	// minutes, each counted once, as the round's page counts them.
	Codes CodeCounts `json:"codes"`
	// SharedCodes is how many of them cover more than one target.
	SharedCodes int `json:"shared_codes"`
	// Ballots is the sum of the targets' ballots.
	Ballots int `json:"ballots"`
	// Targets are the targets that had codes; WithoutCodes counts those of
	// the subtree that had none (not listed).
	Targets      []MinutesRow  `json:"targets"`
	WithoutCodes int           `json:"without_codes"`
	Withheld     int           `json:"withheld"`
	Forms        []MinutesForm `json:"forms"`
	// FormHashes is the content hash of each form, by id.
	FormHashes map[string]string `json:"form_hashes"`
	// AuditHead is the hash of the newest audit entry when the minutes were
	// made: `ballot check --anchor` proves the log was not rewritten since.
	AuditHead string `json:"audit_head"`
	AuditSeq  uint64 `json:"audit_seq"`
	// Closing and Count are the audit entries that anchored the round's
	// sealed ballots when it closed and what counting stored (docs/design.md §3.10).
	Closing   *Anchor   `json:"closing,omitempty"`
	Count     *Anchor   `json:"count,omitempty"`
	Generated time.Time `json:"generated"`
}

// CodeCounts counts codes: issued, used, revoked and neither.
type CodeCounts struct {
	Issued  int `json:"issued"`
	Used    int `json:"used"`
	Revoked int `json:"revoked"`
	Unused  int `json:"unused"`
}

// MinutesRow is one target's line of the minutes: the codes that cover it
// and its ballots.
type MinutesRow struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Parent     string `json:"parent"`
	ParentName string `json:"parent_name"`
	Form       string `json:"form"`
	FormTitle  string `json:"form_title"`
	Issued     int    `json:"issued"`
	Used       int    `json:"used"`
	Revoked    int    `json:"revoked"`
	Ballots    int    `json:"ballots"`
	Withheld   bool   `json:"withheld"`
}

// MinutesForm is a form the minutes' targets were rated with.
type MinutesForm struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	TitleEN string `json:"title_en,omitempty"`
	Version int    `json:"version"`
	Hash    string `json:"hash"`
}

// Minutes returns the count minutes of the subtree of unit (unit itself if
// it is a target, and every target below it); with only, of unit alone,
// which must be a target. Without a unit they cover the round, or an
// authority's subtree.
func (s *Service) Minutes(p auth.Principal, rid, unit string, only bool) (*Minutes, error) {
	var m *Minutes
	err := s.store.View(func(tx *storage.Tx) (err error) {
		m, err = s.minutesIn(tx, p, rid, unit, only)
		return err
	})
	return m, err
}

// minutesIn is Minutes within tx.
func (s *Service) minutesIn(tx *storage.Tx, p auth.Principal, rid, unit string, only bool) (*Minutes, error) {
	m := &Minutes{FormHashes: map[string]string{}, Targets: []MinutesRow{}, Forms: []MinutesForm{}, Generated: s.now().UTC()}
	err := func() error {
		r, c, err := s.counted(tx, rid)
		if err != nil {
			return err
		}
		if err := r.Check(rounds.ActReadCount); err != nil {
			return err // a parent round's minutes are its children's
		}
		if unit, err = scope(p, c.Tree, unit); err != nil {
			return err
		}
		if only && unit == "" {
			return apperr.Field("unit", "field.required")
		}
		m.Round, m.Unit = r, unit
		in := map[string]bool{} // the targets of the minutes
		var roots []string
		if u := c.Tree.Unit(unit); u != nil {
			m.UnitName = u.Name
			roots = []string{unit}
			if only {
				if !u.IsTarget() {
					return apperr.Field("unit", "minutes.not_target", unit)
				}
				in[unit] = true
			}
		} else {
			for _, u := range c.Tree.Roots() {
				roots = append(roots, u.ID)
			}
		}
		if !only {
			for _, root := range roots {
				c.Tree.Walk(root, func(u *rounds.Unit) {
					if u.IsTarget() {
						in[u.ID] = true
					}
				})
			}
		}
		batches, err := tx.Batches(rid)
		if err != nil {
			return err
		}
		cover := coverCodes(batches, func(id string) bool { return in[id] })
		m.Codes = CodeCounts{Issued: cover.Issued, Used: cover.Used, Revoked: cover.Revoked,
			Unused: cover.Issued - cover.Used - cover.Revoked}
		m.SharedCodes = cover.Shared
		per := map[string]*MinutesRow{}
		for id, c := range cover.Per {
			per[id] = &MinutesRow{ID: id, Issued: c.Issued, Used: c.Used, Revoked: c.Revoked}
		}
		m.WithoutCodes = len(in) - len(per)
		// rows in the order of the tree
		for _, root := range roots {
			var werr error
			c.Tree.Walk(root, func(u *rounds.Unit) {
				row := per[u.ID]
				if row == nil || werr != nil {
					return
				}
				t, err := c.Source.Target(u.ID)
				if err != nil {
					werr = err
					return
				}
				row.Name, row.Parent = u.Name, u.Parent
				if pu := c.Tree.Unit(u.Parent); pu != nil {
					row.ParentName = pu.Name
				}
				row.Form = u.Form
				if f := c.Forms[u.Form]; f != nil {
					row.FormTitle = f.Title
					m.FormHashes[f.ID] = f.Hash
				}
				if t != nil {
					row.Ballots = t.Ballots
				}
				row.Withheld = row.Ballots < r.MinGroupSize
				if row.Withheld {
					m.Withheld++
				}
				m.Ballots += row.Ballots
				m.Targets = append(m.Targets, *row)
			})
			if werr != nil {
				return werr
			}
		}
		// under each deciding unit in the order they are first met, so that
		// each heads its rows once
		first := map[string]int{}
		for i, row := range m.Targets {
			if _, ok := first[row.Parent]; !ok {
				first[row.Parent] = i
			}
		}
		sort.SliceStable(m.Targets, func(i, j int) bool { return first[m.Targets[i].Parent] < first[m.Targets[j].Parent] })
		for id := range m.FormHashes {
			f := c.Forms[id]
			m.Forms = append(m.Forms, MinutesForm{ID: f.ID, Title: f.Title, TitleEN: f.TitleEN, Version: f.Version, Hash: f.Hash})
		}
		sort.Slice(m.Forms, func(i, j int) bool { return m.Forms[i].ID < m.Forms[j].ID })
		a, err := roundAnchors(tx, rid)
		if err != nil {
			return err
		}
		m.Closing, m.Count = a.sealed.public(), a.counted.public()
		return tx.AuditEntriesBack(0, func(e audit.Entry) (bool, error) {
			m.AuditHead, m.AuditSeq = e.Hash, e.Seq
			return false, nil
		})
	}()
	if err != nil {
		return nil, err
	}
	return m, nil
}
