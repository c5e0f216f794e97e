package storage

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
)

// The parts of a round that audited digests cover (docs/design.md §3.10): what
// is anchored when a round opens (its units and forms), when it closes (its
// sealed records), when it is counted (aggregates, comments, receipts, the
// withholding decision) and at every rating change (ratings, caps, final
// reports).
type parts struct{ buckets, keys [][]byte }

var (
	sealedParts  = parts{buckets: [][]byte{Grades, Notes}}
	countedParts = parts{buckets: [][]byte{bTally, bComments, bReceipts}, keys: [][]byte{kWithheld}}
	ratingParts  = parts{buckets: [][]byte{bRatings, bCaps, bFinals}}
	frozenParts  = parts{buckets: [][]byte{bUnits, bForms}}
)

// SealedDigest is the SHA-256 (hex) over round rid's sealed records.
func (t *Tx) SealedDigest(rid string) (string, error) { return t.digest(rid, sealedParts) }

// CountedDigest is the SHA-256 (hex) over what counting stored.
func (t *Tx) CountedDigest(rid string) (string, error) { return t.digest(rid, countedParts) }

// FrozenDigest is the SHA-256 (hex) over round rid's units and forms, which
// opening freezes (docs/design.md §3.7): anchored when the round opens.
func (t *Tx) FrozenDigest(rid string) (string, error) { return t.digest(rid, frozenParts) }

// RatingsDigest is the SHA-256 (hex) over round rid's ratings, caps and
// final reports.
func (t *Tx) RatingsDigest(rid string) (string, error) { return t.digest(rid, ratingParts) }

// digest hashes the parts of round rid as stored: each sub-bucket's keys
// and values in key order (a missing bucket as an empty one), then each
// value of the round's bucket; every piece length-prefixed, so no two
// different contents hash alike.
func (t *Tx) digest(rid string, p parts) (string, error) {
	rb, err := t.roundBucket(rid)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, name := range p.buckets {
		field(h, name)
		if b := rb.Bucket(name); b != nil {
			if err := b.ForEach(func(k, v []byte) error { field(h, k); field(h, v); return nil }); err != nil {
				return "", err
			}
		}
		field(h, nil) // the end of a bucket: an empty key never occurs
	}
	for _, name := range p.keys {
		field(h, name)
		field(h, rb.Get(name))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func field(h hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}
