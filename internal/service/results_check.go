package service

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"ballot/internal/audit"
	"ballot/internal/result"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// parentAnchors is what the audit chain records of a parent round: the
// latest digest of each root's stored result, each root's latest key, and
// the digest of all results when it closed.
type parentAnchors struct {
	results map[string]string // root → result_sha256
	keys    map[string]string // unit → key_id
	closed  string
}

// readParentAnchors reads the chain once for the parent rounds' anchors.
func readParentAnchors(tx *storage.Tx) (map[string]*parentAnchors, error) {
	out := map[string]*parentAnchors{}
	err := tx.AuditEntries(0, func(e audit.Entry) (bool, error) {
		if e.Action != "result.import" && e.Action != "signer.register" && e.Action != "round.close" {
			return true, nil
		}
		var d struct {
			Round   string `json:"round"`
			Unit    string `json:"unit"`
			Digest  string `json:"result_sha256"`
			KeyID   string `json:"key_id"`
			Results string `json:"results_sha256"`
		}
		if json.Unmarshal(e.Detail, &d) != nil || d.Round == "" {
			return true, nil
		}
		a := out[d.Round]
		if a == nil {
			a = &parentAnchors{results: map[string]string{}, keys: map[string]string{}}
			out[d.Round] = a
		}
		switch e.Action {
		case "result.import":
			a.results[d.Unit] = d.Digest
		case "signer.register":
			a.keys[d.Unit] = d.KeyID
		case "round.close":
			a.closed = d.Results
		}
		return true, nil
	})
	return out, err
}

// checkParent compares what parent round r holds with what the chain
// anchored of it, and verifies every stored file again: its SHA-256 and
// its signature under the key it was imported with.
func checkParent(tx *storage.Tx, r *rounds.Round, a *parentAnchors) ([]string, error) {
	if a == nil {
		a = &parentAnchors{results: map[string]string{}, keys: map[string]string{}}
	}
	var out []string
	bad := func(format string, args ...any) {
		out = append(out, fmt.Sprintf("round %s: ", r.ID)+fmt.Sprintf(format, args...))
	}
	signers, err := tx.Signers(r.ID)
	if err != nil {
		return nil, err
	}
	for unit, sg := range signers {
		if a.keys[unit] != sg.KeyID {
			bad("the signing key of %s is not the one the audit chain registered (edited in the file)", unit)
		}
	}
	imported, err := tx.Results(r.ID)
	if err != nil {
		return nil, err
	}
	roots := make([]string, 0, len(imported))
	for root := range imported {
		roots = append(roots, root)
	}
	sort.Strings(roots)
	for _, root := range roots {
		im := imported[root]
		d, err := tx.ResultDigest(r.ID, root)
		if err != nil {
			return nil, err
		}
		switch anchored, ok := a.results[root]; {
		case !ok:
			bad("the result of %s: no digest of it is anchored in the audit chain", root)
		case anchored != d:
			bad("the result of %s: differs from the digest anchored at its import (edited in the file)", root)
		}
		file, sig, err := tx.ResultFile(r.ID, root)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(file)
		key, kerr := result.ParsePublicKey(im.PublicKey)
		if hex.EncodeToString(sum[:]) != im.SHA256 || kerr != nil || !result.Verify(key, file, sig) {
			bad("the stored file of %s no longer verifies under the key it was imported with", root)
		}
	}
	if r.State == rounds.Closed {
		d, _, err := resultsDigest(tx, r.ID)
		if err != nil {
			return nil, err
		}
		if a.closed != d {
			bad("its results differ from the digest anchored when it closed (edited in the file)")
		}
	}
	return out, nil
}
