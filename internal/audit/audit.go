// Package audit is the append-only, hash-chained log of what admins, the
// committee and authorities did (never participants): an edit breaks the
// chain, and a rewrite of it misses the heads written down earlier.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Genesis is the prev hash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one audited action.
type Entry struct {
	Seq    uint64          `json:"seq"`
	At     time.Time       `json:"at"`
	Actor  string          `json:"actor"`
	Action string          `json:"action"`
	Detail json.RawMessage `json:"detail,omitempty"`
	Prev   string          `json:"prev"`
	Hash   string          `json:"hash"`
}

// Event is what a caller records; storage turns it into the next Entry.
type Event struct {
	Actor  string
	Action string
	Detail any
}

// Next makes the entry that follows prev (nil for the first) for ev at now.
func Next(prev *Entry, ev Event, now time.Time) (Entry, error) {
	e := Entry{Seq: 1, At: now.UTC().Truncate(time.Microsecond), Actor: ev.Actor, Action: ev.Action, Prev: Genesis}
	if prev != nil {
		e.Seq, e.Prev = prev.Seq+1, prev.Hash
	}
	if ev.Detail != nil {
		raw, err := json.Marshal(ev.Detail)
		if err != nil {
			return e, err
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return e, err
		}
		e.Detail = buf.Bytes()
	}
	e.Hash = e.Sum()
	return e, nil
}

// Sum computes the entry's hash from its fields, each length-prefixed so no
// two different entries encode alike.
func (e *Entry) Sum() string {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], e.Seq)
	h.Write(n[:])
	for _, field := range []string{e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, string(e.Detail), e.Prev} {
		binary.BigEndian.PutUint64(n[:], uint64(len(field)))
		h.Write(n[:])
		h.Write([]byte(field))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Verifier checks a chain entry by entry, in order.
type Verifier struct {
	prev        *Entry
	anchor      string
	anchorFound bool
	Count       uint64
}

// NewVerifier checks a chain; a non-empty anchor must be the hash of one of
// its entries.
func NewVerifier(anchor string) *Verifier { return &Verifier{anchor: anchor} }

// Add checks the next entry.
func (v *Verifier) Add(e Entry) error {
	wantSeq, wantPrev := uint64(1), Genesis
	if v.prev != nil {
		wantSeq, wantPrev = v.prev.Seq+1, v.prev.Hash
	}
	switch {
	case e.Seq != wantSeq:
		return fmt.Errorf("audit entry %d: expected sequence number %d (an entry was removed or inserted)", e.Seq, wantSeq)
	case e.Prev != wantPrev:
		return fmt.Errorf("audit entry %d: prev hash does not match the entry before it", e.Seq)
	case e.Sum() != e.Hash:
		return fmt.Errorf("audit entry %d: content does not match its hash (the entry was edited)", e.Seq)
	}
	if v.anchor != "" && e.Hash == v.anchor {
		v.anchorFound = true
	}
	v.prev = &e
	v.Count++
	return nil
}

// Done finishes the check and returns the head hash.
func (v *Verifier) Done() (head string, err error) {
	head = Genesis
	if v.prev != nil {
		head = v.prev.Hash
	}
	if v.anchor != "" && !v.anchorFound {
		return head, fmt.Errorf("audit chain: anchor %s is not in the chain (the chain was rewritten)", v.anchor)
	}
	return head, nil
}
