package service

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"time"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/result"
	"ballot/internal/rounds"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

// A parent round combines its children's signed results
// (docs/federation.md): its admin registers each child root's signing key
// and imports their files; each import is checked whole before anything
// is stored, and audited.

// RegisterSigner registers (or replaces) the minisign public key of a
// child's root: a leaf of the parent round's own tree.
func (s *Service) RegisterSigner(p auth.Principal, rid, unit, publicKey string) (*result.Signer, error) {
	key, err := result.ParsePublicKey(publicKey)
	if err != nil {
		return nil, err
	}
	sg := &result.Signer{Unit: unit, PublicKey: key.String(), KeyID: result.KeyID(key.ID()), By: p.Name, At: s.now().UTC()}
	err = s.update(p, "signer.register", func(tx *storage.Tx) (any, error) {
		r, err := tx.Round(rid)
		if err != nil {
			return nil, err
		}
		if err := r.Check(rounds.ActRegisterKey); err != nil {
			return nil, err
		}
		units, err := tx.Units(rid)
		if err != nil {
			return nil, err
		}
		tree := tally.NewTree(units)
		if tree.Unit(unit) == nil {
			return nil, apperr.New(apperr.NotFound, "not_found.unit", unit)
		}
		if len(tree.Children(unit)) > 0 {
			return nil, apperr.Field("unit", "result.not_leaf", unit)
		}
		signers, err := tx.Signers(rid)
		if err != nil {
			return nil, err
		}
		for _, o := range signers {
			if o.KeyID == sg.KeyID && o.Unit != unit {
				return nil, apperr.Field("public_key", "result.key_taken", sg.KeyID, o.Unit)
			}
		}
		detail := map[string]any{"round": rid, "unit": unit, "key_id": sg.KeyID, "public_key": sg.PublicKey}
		if old, ok := signers[unit]; ok {
			detail["replaced_key_id"] = old.KeyID
		}
		return detail, tx.PutSigner(rid, sg)
	})
	if err != nil {
		return nil, err
	}
	return sg, nil
}

// ChildResult is one child root of a parent round: its registered key and
// the provenance of its imported result, if any.
type ChildResult struct {
	Unit     string           `json:"unit"`
	Name     string           `json:"name"`
	Signer   *result.Signer   `json:"signer,omitempty"`
	Imported *result.Imported `json:"imported,omitempty"`
}

// Results lists the leaves of a parent round's tree (its children's
// roots) with their keys and imported results.
func (s *Service) Results(rid string) ([]ChildResult, error) {
	var out []ChildResult
	err := s.store.View(func(tx *storage.Tx) error {
		r, err := tx.Round(rid)
		if err != nil {
			return err
		}
		if !r.Parent {
			return apperr.New(apperr.Conflict, "result.not_parent", rid)
		}
		out, err = childResults(tx, rid)
		return err
	})
	return out, err
}

func childResults(tx *storage.Tx, rid string) ([]ChildResult, error) {
	units, err := tx.Units(rid)
	if err != nil {
		return nil, err
	}
	signers, err := tx.Signers(rid)
	if err != nil {
		return nil, err
	}
	imported, err := tx.Results(rid)
	if err != nil {
		return nil, err
	}
	tree := tally.NewTree(units)
	out := []ChildResult{}
	for _, u := range tree.Units() {
		if len(tree.Children(u.ID)) > 0 {
			continue
		}
		c := ChildResult{Unit: u.ID, Name: u.Name}
		if sg, ok := signers[u.ID]; ok {
			c.Signer = &sg
		}
		if im, ok := imported[u.ID]; ok {
			c.Imported = &im
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit < out[j].Unit })
	return out, nil
}

// checkedResult is a file that passed every check that needs no write.
type checkedResult struct {
	file   *result.File
	signer result.Signer
	sha256 string
}

// verifyResult checks a result file and its signature against what round
// rid holds now: the registered key, the form hashes, the root.
func verifyResult(tx *storage.Tx, r *rounds.Round, data, sig []byte) (*checkedResult, error) {
	if len(data) > result.MaxSize {
		return nil, apperr.Field("file", "result.too_large", result.MaxSize>>20)
	}
	keyID, err := result.SignatureKeyID(sig)
	if err != nil {
		return nil, err
	}
	signers, err := tx.Signers(r.ID)
	if err != nil {
		return nil, err
	}
	var sg *result.Signer
	for _, o := range signers {
		if o.KeyID == keyID {
			sg = &o
		}
	}
	if sg == nil {
		return nil, apperr.Field("signature", "result.key_unknown", keyID)
	}
	key, err := result.ParsePublicKey(sg.PublicKey)
	if err != nil {
		return nil, err
	}
	if !result.Verify(key, data, sig) {
		return nil, apperr.Field("signature", "result.signature_bad", sg.Unit)
	}
	f, err := result.Parse(data)
	if err != nil {
		return nil, err
	}
	if f.Root != sg.Unit {
		return nil, apperr.Field("file", "result.wrong_root", f.Root, keyID, sg.Unit)
	}
	if f.Round.Year != r.Year {
		return nil, apperr.Field("file", "result.year", f.Round.Year, r.Year)
	}
	fs, err := tx.Forms(r.ID)
	if err != nil {
		return nil, err
	}
	if err := f.Check(fs); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	return &checkedResult{file: f, signer: *sg, sha256: hex.EncodeToString(sum[:])}, nil
}

// ImportResult imports a child's signed result into parent round rid:
// checked whole first (signature with the key registered for the file's
// root, format, form hashes, units under that root and nobody else's,
// figures, report, a newer sequence than the one stored), then stored in
// one transaction with its audit entry; a refused file changes nothing.
func (s *Service) ImportResult(p auth.Principal, rid string, data, sig []byte) (*result.Imported, error) {
	var c *checkedResult
	// The expensive checks read a snapshot, so the writer is not held.
	err := s.store.View(func(tx *storage.Tx) error {
		r, err := tx.Round(rid)
		if err != nil {
			return err
		}
		if err := r.Check(rounds.ActImportResult); err != nil {
			return err
		}
		c, err = verifyResult(tx, r, data, sig)
		return err
	})
	if err != nil {
		return nil, err
	}
	f := c.file
	im := &result.Imported{Root: f.Root, Sequence: f.Sequence, SHA256: c.sha256, KeyID: c.signer.KeyID, PublicKey: c.signer.PublicKey,
		Round: f.Round, AsOf: f.AsOf, AuditHead: f.AuditHead, Anchors: f.Anchors, Minutes: f.Minutes,
		Units: len(f.Units), Targets: len(f.Targets), By: p.Name, At: s.now().UTC()}
	tree := tally.NewTree(slices.Clone(f.Units))
	in, err := f.Input(tree)
	if err != nil {
		return nil, err
	}
	part := in.PartOf(f.Root)
	err = s.update(p, "result.import", func(tx *storage.Tx) (any, error) {
		r, err := tx.Round(rid)
		if err != nil {
			return nil, err
		}
		if err := r.Check(rounds.ActImportResult); err != nil {
			return nil, err
		}
		signers, err := tx.Signers(rid)
		if err != nil {
			return nil, err
		}
		if signers[f.Root].KeyID != c.signer.KeyID {
			return nil, apperr.New(apperr.Conflict, "result.key_changed", f.Root)
		}
		old, err := tx.Results(rid)
		if err != nil {
			return nil, err
		}
		prev, replaced := old[f.Root]
		if replaced && f.Sequence <= prev.Sequence {
			return nil, apperr.New(apperr.Conflict, "result.sequence_old", f.Sequence, f.Root, prev.Sequence)
		}
		if err := unitsFree(tx, rid, f); err != nil {
			return nil, err
		}
		if err := tx.PutResult(rid, im, data, sig, f, part); err != nil {
			return nil, err
		}
		digest, err := tx.ResultDigest(rid, f.Root)
		if err != nil {
			return nil, err
		}
		detail := map[string]any{"round": rid, "unit": f.Root, "sequence": f.Sequence, "sha256": c.sha256, "key_id": c.signer.KeyID,
			"child_round": f.Round, "child_audit_head": f.AuditHead, "units": len(f.Units), "targets": len(f.Targets),
			"result_sha256": digest}
		if replaced {
			detail["replaced_sequence"] = prev.Sequence
		}
		return detail, nil
	})
	if err != nil {
		return nil, err
	}
	return im, nil
}

// unitsFree refuses a file holding a unit of the parent's own tree (other
// than its root) or of another child's result.
func unitsFree(tx *storage.Tx, rid string, f *result.File) error {
	own, err := tx.Units(rid)
	if err != nil {
		return err
	}
	mine := make(map[string]bool, len(own))
	for _, u := range own {
		mine[u.ID] = true
	}
	for _, u := range f.Units {
		if u.ID == f.Root {
			continue
		}
		if mine[u.ID] {
			return apperr.Field("units", "result.unit_taken", u.ID, f.Root)
		}
		root, err := tx.ResultRoot(rid, u.ID)
		if err != nil {
			return err
		}
		if root != "" && root != f.Root {
			return apperr.Field("units", "result.unit_elsewhere", u.ID, root)
		}
	}
	return nil
}

// openParent moves a draft parent round to collecting results: it needs
// its units and forms.
func openParent(tx *storage.Tx, r *rounds.Round, now func() time.Time) (any, error) {
	units, err := tx.Units(r.ID)
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		return nil, apperr.New(apperr.Conflict, "result.no_units")
	}
	fs, err := tx.Forms(r.ID)
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, apperr.New(apperr.Conflict, "result.no_forms")
	}
	if err := r.MarkOpenParent(now()); err != nil {
		return nil, err
	}
	return map[string]any{"round": r.ID, "parent": true, "units": len(units)}, tx.PutRound(r)
}

// resultsDigest is the SHA-256 (hex) over the digests of every result a
// parent round holds, by root: what closing anchors.
func resultsDigest(tx *storage.Tx, rid string) (string, int, error) {
	imported, err := tx.Results(rid)
	if err != nil {
		return "", 0, err
	}
	roots := make([]string, 0, len(imported))
	for root := range imported {
		roots = append(roots, root)
	}
	sort.Strings(roots)
	h := sha256.New()
	for _, root := range roots {
		d, err := tx.ResultDigest(rid, root)
		if err != nil {
			return "", 0, err
		}
		fmt.Fprintf(h, "%s %s\n", root, d)
	}
	return hex.EncodeToString(h.Sum(nil)), len(roots), nil
}

// closeParent records, with a parent round's closing, the digest of every
// result it holds: the final compilation.
func closeParent(tx *storage.Tx, r *rounds.Round) (any, error) {
	d, n, err := resultsDigest(tx, r.ID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"round": r.ID, "results_sha256": d, "results": n}, tx.PutRound(r)
}
