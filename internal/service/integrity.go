package service

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"ballot/internal/audit"
	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/storage"
)

// What the audit chain anchors of each round (docs/design.md §3.10): the data
// keys a server made, and digests of what the round holds — its sealed records
// when it closed, what counting stored, its ratings after every change.
// Anything edited in the file afterwards no longer matches, and `check` or
// counting names it; only a rewrite of the chain itself after the last anchor
// someone kept (close and count minutes print them) could hide it.

// anchor is one digest recorded in the chain, with the entry that holds it.
type anchor struct {
	digest string
	seq    uint64
	hash   string
}

// anchors is what the chain records of one round.
type anchors struct {
	keys                    map[string]string // data key id (hex) → SHA-256 of its wrapped form
	frozen, sealed, counted *anchor           // the first of each: opening's, closing's, counting's
	ratings                 *anchor           // the latest
	life                    life              // its changes of state and its public key
}

// digestDetail is the part of an audit detail that anchors a round.
type digestDetail struct {
	Round   string `json:"round"`
	Key     string `json:"key"`
	Wrapped string `json:"wrapped_sha256"`
	Sealed  string `json:"sealed_sha256"`
	Counted string `json:"counted_sha256"`
	Ratings string `json:"ratings_sha256"`
	Public  string `json:"public_key"`
	Parent  bool   `json:"parent"`
	Frozen  string `json:"frozen_sha256"`
	// CommitteeKey is in the detail of a round's creation.
	CommitteeKey bool `json:"committee_key_required"`
}

// readAnchors reads the whole chain once and returns what it anchors, by
// round.
func readAnchors(tx *storage.Tx) (map[string]*anchors, error) {
	out := map[string]*anchors{}
	err := tx.AuditEntries(0, func(e audit.Entry) (bool, error) {
		var d digestDetail
		if len(e.Detail) == 0 || e.Detail[0] != '{' || json.Unmarshal(e.Detail, &d) != nil || d.Round == "" {
			return true, nil
		}
		a := out[d.Round]
		if a == nil {
			a = newAnchors()
			out[d.Round] = a
		}
		here := func(digest string) *anchor { return &anchor{digest: digest, seq: e.Seq, hash: e.Hash} }
		a.life.add(e.Action, d)
		switch e.Action {
		case "datakey.create", "datakey.register":
			// No key is made once a round has closed: one registered
			// after is an entry appended to the chain by someone else.
			if a.sealed == nil {
				a.keys[d.Key] = d.Wrapped
			}
			return true, nil
		}
		// The units and forms are anchored once, at opening, the ballots
		// once, at closing, and what counting stored once, at counting
		// (or by the migration that first anchored an older file): a
		// later entry claiming any of them was appended by someone else,
		// and the hash kept at closing still pins the first.
		if d.Frozen != "" && a.frozen == nil && e.Action == "round.open" {
			a.frozen = here(d.Frozen)
		}
		if d.Sealed != "" && a.sealed == nil && (e.Action == "round.close" || e.Action == "digest.record") {
			a.sealed = here(d.Sealed)
		}
		if d.Counted != "" && a.counted == nil && (e.Action == "round.count" || e.Action == "digest.record") {
			a.counted = here(d.Counted)
		}
		if d.Ratings != "" {
			a.ratings = here(d.Ratings)
		}
		return true, nil
	})
	return out, err
}

// roundAnchors is readAnchors for one round (never nil).
func roundAnchors(tx *storage.Tx, rid string) (*anchors, error) {
	all, err := readAnchors(tx)
	if err != nil {
		return nil, err
	}
	if a := all[rid]; a != nil {
		return a, nil
	}
	return newAnchors(), nil
}

func newAnchors() *anchors { return &anchors{keys: map[string]string{}} }

// trustedKeys returns the stored data keys of round rid that the chain
// registers as they are stored (to o, if not nil), and how many sealed
// records (grades and comments) are under any other key: records written
// by someone who wrapped a key of their own to the round's public key.
func trustedKeys(tx *storage.Tx, rid string, a *anchors, o *seal.Opener) (foreign int, err error) {
	trusted := map[[seal.KeyIDLen]byte]bool{}
	err = tx.EachDataKey(rid, func(id [seal.KeyIDLen]byte, wrapped []byte) error {
		sum := sha256.Sum256(wrapped)
		if a.keys[hex.EncodeToString(id[:])] != hex.EncodeToString(sum[:]) {
			return nil
		}
		trusted[id] = true
		if o == nil {
			return nil
		}
		return o.AddKey(id, wrapped)
	})
	if err != nil {
		return 0, err
	}
	for _, kind := range []storage.Kind{storage.Grades, storage.Notes} {
		err := tx.EachSealed(rid, kind, func(_, v []byte) error {
			if len(v) < seal.KeyIDLen || !trusted[[seal.KeyIDLen]byte(v[:seal.KeyIDLen])] {
				foreign++
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return foreign, nil
}

// checkAnchored compares what round rid holds now with what the chain
// anchored of it, and describes each difference.
func checkAnchored(tx *storage.Tx, r *rounds.Round, a *anchors) ([]string, error) {
	rid, state := r.ID, string(r.State)
	var out []string
	foreign, err := trustedKeys(tx, rid, a, nil)
	if err != nil {
		return nil, err
	}
	if foreign > 0 {
		out = append(out, fmt.Sprintf("%d sealed records are under a data key the audit chain never registered (forged ballots)", foreign))
	}
	compare := func(what string, recorded *anchor, now func(string) (string, error), needed bool) error {
		got, err := now(rid)
		if err != nil {
			return err
		}
		switch {
		case recorded == nil && needed:
			out = append(out, what+": no digest of it is anchored in the audit chain")
		case recorded != nil && recorded.digest != got:
			out = append(out, fmt.Sprintf("%s: differs from the digest anchored in audit entry %d (edited in the file)", what, recorded.seq))
		}
		return nil
	}
	if state != "draft" { // rounds opened before it was anchored have none
		if err := compare("units and forms", a.frozen, tx.FrozenDigest, false); err != nil {
			return nil, err
		}
	}
	if state == "closed" || state == "counted" {
		if err := compare("sealed ballots", a.sealed, tx.SealedDigest, true); err != nil {
			return nil, err
		}
	}
	if state == "counted" {
		if err := compare("counted aggregates, comments and receipts", a.counted, tx.CountedDigest, true); err != nil {
			return nil, err
		}
		empty, err := noRatings(tx, rid)
		if err != nil {
			return nil, err
		}
		if err := compare("ratings, caps and final reports", a.ratings, tx.RatingsDigest, !empty); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// noRatings reports whether round rid has no rating, cap or final report.
func noRatings(tx *storage.Tx, rid string) (bool, error) {
	rs, err := tx.Ratings(rid)
	if err != nil {
		return false, err
	}
	cs, err := tx.Caps(rid)
	if err != nil {
		return false, err
	}
	fs, err := tx.Finals(rid)
	return len(rs) == 0 && len(cs) == 0 && len(fs) == 0, err
}

// Anchor is an audit entry that anchors a digest of a round: print it (the
// close and count minutes do), and `ballot check --anchor` with its hash
// later proves the chain up to it was not rewritten.
type Anchor struct {
	Digest string `json:"sha256"`
	Seq    uint64 `json:"audit_seq"`
	Hash   string `json:"audit_hash"`
}

// public is the anchor as it is printed (nil for none).
func (a *anchor) public() *Anchor {
	if a == nil {
		return nil
	}
	return &Anchor{Digest: a.digest, Seq: a.seq, Hash: a.hash}
}

// ClosingAnchor returns the entry that anchored round rid's sealed records
// when it closed (nil before).
func (s *Service) ClosingAnchor(rid string) (*Anchor, error) {
	var out *Anchor
	err := s.store.View(func(tx *storage.Tx) error {
		a, err := roundAnchors(tx, rid)
		if err == nil {
			out = a.sealed.public()
		}
		return err
	})
	return out, err
}
