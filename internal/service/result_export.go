package service

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"ballot/internal/apperr"
	"ballot/internal/audit"
	"ballot/internal/auth"
	"ballot/internal/report"
	"ballot/internal/result"
	"ballot/internal/rounds"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

// SignedResult is a subtree's signed result: the file, the text of its
// .minisig signature, and a file name that says what it is.
type SignedResult struct {
	File      []byte
	Signature []byte
	Name      string
	Sequence  uint64
	Unit      string
}

// ExportResult writes and signs the result of the subtree of unit (the
// round's root by default) for a parent instance (docs/federation.md):
// a counted round whose report of the subtree is final, or a closed
// parent round. It writes nothing: the same state gives the same file.
func (s *Service) ExportResult(p auth.Principal, rid, unit string, key *result.SigningKey) (*SignedResult, error) {
	var f *result.File
	err := s.store.View(func(tx *storage.Tx) (err error) {
		f, err = s.resultFile(tx, p, rid, unit)
		return err
	})
	if err != nil {
		return nil, err
	}
	if key == nil {
		return nil, apperr.New(apperr.Conflict, "result.no_signing_key")
	}
	data, err := f.Encode()
	if err != nil {
		return nil, err
	}
	comment := fmt.Sprintf("ballot-result round=%s year=%d unit=%s sequence=%d", f.Round.ID, f.Round.Year, f.Root, f.Sequence)
	return &SignedResult{File: data, Signature: key.Sign(data, comment), Sequence: f.Sequence, Unit: f.Root,
		Name: fmt.Sprintf("ket-qua-%d-%s-%d.json", f.Round.Year, f.Root, f.Sequence)}, nil
}

// resultFile gathers the result of a subtree within tx.
func (s *Service) resultFile(tx *storage.Tx, p auth.Principal, rid, unit string) (*result.File, error) {
	r, err := tx.Round(rid)
	if err != nil {
		return nil, err
	}
	if err := r.Check(rounds.ActExportResult); err != nil {
		return nil, err
	}
	_, c, err := s.counted(tx, rid)
	if err != nil {
		return nil, err
	}
	if unit, err = scope(p, c.Tree, unit); err != nil {
		return nil, err
	}
	if unit == "" {
		roots := c.Tree.Roots()
		if len(roots) != 1 {
			return nil, apperr.Field("unit", "field.required")
		}
		unit = roots[0].ID
	}
	f := &result.File{Format: result.Format, Version: result.Version, Root: unit,
		Round: result.Round{ID: r.ID, Title: r.Title, Year: r.Year, MinGroupSize: r.MinGroupSize, Parent: r.Parent},
		Forms: []result.Form{}, Units: []rounds.Unit{}, Caps: []report.Cap{}, Ratings: []result.Rating{},
		Rollups: []tally.Figures{}, Targets: []tally.Figures{}}
	c.Tree.Walk(unit, func(u *rounds.Unit) { f.Units = append(f.Units, *u) })
	// The root stands alone, and is no target of the file even where it is
	// one of the round (a district-level unit): its own figures and rating
	// belong to the unit above it, as a unit's report covers the targets
	// strictly below it.
	f.Units[0].Parent, f.Units[0].Form = "", ""
	used := map[string]bool{}
	for _, u := range f.Units {
		if u.Form != "" {
			used[u.Form] = true
		}
	}
	for id := range used {
		fm := c.Forms[id]
		f.Forms = append(f.Forms, result.Form{ID: fm.ID, Title: fm.Title, Version: fm.Version, Hash: fm.Hash})
	}
	sort.Slice(f.Forms, func(i, j int) bool { return f.Forms[i].ID < f.Forms[j].ID })
	err = c.WalkFigures(unit, func(t *tally.Figures) error {
		if t.Unit != unit {
			f.Targets = append(f.Targets, *t)
		}
		return nil
	}, func(rf *tally.Figures) error {
		f.Rollups = append(f.Rollups, *rf)
		return nil
	})
	if err != nil {
		return nil, err
	}
	in := &report.Input{Tree: tally.NewTree(append([]rounds.Unit(nil), f.Units...))}
	if r.Parent {
		err = s.parentResultParts(tx, r, c.Tree, unit, f, in)
	} else {
		err = s.childResultParts(tx, p, r, unit, f, in)
	}
	if err != nil {
		return nil, err
	}
	sort.Slice(f.Ratings, func(i, j int) bool { return f.Ratings[i].Unit < f.Ratings[j].Unit })
	sort.Slice(f.Caps, func(i, j int) bool {
		return report.CapKey(f.Caps[i].Unit, f.Caps[i].Group) < report.CapKey(f.Caps[j].Unit, f.Caps[j].Group)
	})
	in.Ratings, in.Caps = map[string]report.Rating{}, map[string]int{}
	for _, rt := range f.Ratings {
		in.Ratings[rt.Unit] = report.Rating{Unit: rt.Unit, Level: rt.Level}
	}
	for _, cp := range f.Caps {
		in.Caps[report.CapKey(cp.Unit, cp.Group)] = cp.Hundredths
	}
	rep := report.Make(in, r.ID, unit, "")
	f.Report = result.Report{Sections: rep.Sections, Quota: rep.Quota}
	// The sequence: how long the audit chain is now.
	err = tx.AuditEntriesBack(0, func(e audit.Entry) (bool, error) {
		f.Sequence, f.AsOf, f.AuditHead = e.Seq, e.At, result.AuditRef{Seq: e.Seq, Hash: e.Hash}
		return false, nil
	})
	return f, err
}

// childResultParts adds what a counted round knows of the subtree of
// unit: its ratings and caps (the report must be final), minutes' totals
// and anchors.
func (s *Service) childResultParts(tx *storage.Tx, p auth.Principal, r *rounds.Round, unit string, f *result.File, in *report.Input) error {
	_, full, err := ratingInput(tx, r.ID)
	if err != nil {
		return err
	}
	if full.LockedBy(unit) == "" {
		return apperr.New(apperr.Conflict, "result.not_final", unit)
	}
	for _, u := range f.Units {
		if rt, ok := full.Ratings[u.ID]; ok && u.IsTarget() && u.ID != unit {
			f.Ratings = append(f.Ratings, result.Rating{Unit: rt.Unit, Level: rt.Level, Decision: rt.Decision, Date: rt.Date, Reason: rt.Reason})
		}
	}
	for key, h := range full.Caps {
		u, group, _ := strings.Cut(key, "|")
		if in.Tree.Unit(u) != nil {
			f.Caps = append(f.Caps, report.Cap{Unit: u, Group: group, Hundredths: h})
		}
	}
	m, err := s.minutesIn(tx, p, r.ID, unit, false)
	if err != nil {
		return err
	}
	f.Minutes = result.Minutes{Issued: m.Codes.Issued, Used: m.Codes.Used, Revoked: m.Codes.Revoked, Unused: m.Codes.Unused,
		SharedCodes: m.SharedCodes, Ballots: m.Ballots, Targets: len(m.Targets) + m.WithoutCodes, WithoutCodes: m.WithoutCodes, Withheld: m.Withheld}
	a, err := roundAnchors(tx, r.ID)
	if err != nil {
		return err
	}
	ref := func(x *anchor) *result.Anchor {
		if x == nil {
			return nil
		}
		return &result.Anchor{SHA256: x.digest, Seq: x.seq, Hash: x.hash}
	}
	f.Anchors = result.Anchors{Sealed: ref(a.sealed), Counted: ref(a.counted), Ratings: ref(a.ratings)}
	return nil
}

// parentResultParts adds what a closed parent round holds under unit (one
// of its own units): every child's ratings and caps, the sums of their
// minutes, where each child's file came from, and the closing anchor.
func (s *Service) parentResultParts(tx *storage.Tx, r *rounds.Round, tree *tally.Tree, unit string, f *result.File, in *report.Input) error {
	units, err := tx.Units(r.ID)
	if err != nil {
		return err
	}
	own := tally.NewTree(units)
	if own.Unit(unit) == nil {
		return apperr.Field("unit", "result.parent_unit", unit)
	}
	imported, err := tx.Results(r.ID)
	if err != nil {
		return err
	}
	roots := make([]string, 0, len(imported))
	for root := range imported {
		if own.Within(root, unit) {
			roots = append(roots, root)
		}
	}
	sort.Strings(roots)
	for _, root := range roots {
		im := imported[root]
		f.Sources = append(f.Sources, im.Source())
		f.Minutes.Add(im.Minutes)
		err := tx.EachResultRating(r.ID, root, func(rt *result.Rating) error {
			f.Ratings = append(f.Ratings, *rt)
			return nil
		})
		if err != nil {
			return err
		}
		if err := tx.EachResultCap(r.ID, root, func(c *report.Cap) error { f.Caps = append(f.Caps, *c); return nil }); err != nil {
			return err
		}
	}
	a, err := parentAnchor(tx, r.ID)
	if err != nil {
		return err
	}
	f.Anchors = result.Anchors{Results: a}
	return nil
}

// parentAnchor is the entry that closed parent round rid, with the digest
// of every result it held.
func parentAnchor(tx *storage.Tx, rid string) (*result.Anchor, error) {
	var out *result.Anchor
	err := tx.AuditEntriesBack(0, func(e audit.Entry) (bool, error) {
		if e.Action != "round.close" {
			return true, nil
		}
		var d struct {
			Round   string `json:"round"`
			Results string `json:"results_sha256"`
		}
		if json.Unmarshal(e.Detail, &d) == nil && d.Round == rid && d.Results != "" {
			out = &result.Anchor{SHA256: d.Results, Seq: e.Seq, Hash: e.Hash}
			return false, nil
		}
		return true, nil
	})
	return out, err
}
