package codes

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
)

// State is where a code is in its life.
type State byte

// The states of a code.
const (
	Unused  State = 0
	Used    State = 1
	Revoked State = 2
)

// Record is what the database keeps of a code, under its keyed hash: its
// batch and state and, once used, a hash of the submission id and the
// receipt (for replays and for showing the receipt again). Nothing else.
type Record struct {
	State      State
	Batch      string
	Submission [32]byte
	Receipt    [16]byte
}

// Key is the keyed hash under which a code's record is stored.
func Key(roundKey []byte, digits string) []byte {
	m := hmac.New(sha256.New, roundKey)
	m.Write([]byte(digits))
	return m.Sum(nil)
}

// Marshal encodes r: state, batch id length and bytes, then for a used code
// the submission hash and the receipt.
func (r *Record) Marshal() []byte {
	out := make([]byte, 0, 2+len(r.Batch)+48)
	out = append(out, byte(r.State), byte(len(r.Batch)))
	out = append(out, r.Batch...)
	if r.State == Used {
		out = append(out, r.Submission[:]...)
		out = append(out, r.Receipt[:]...)
	}
	return out
}

// Unmarshal decodes a record.
func (r *Record) Unmarshal(b []byte) error {
	if len(b) < 2 || len(b) < 2+int(b[1]) {
		return errors.New("code record too short")
	}
	r.State, r.Batch = State(b[0]), string(b[2:2+int(b[1])])
	rest := b[2+int(b[1]):]
	if r.State == Used {
		if len(rest) != 48 {
			return errors.New("used code record has a bad length")
		}
		copy(r.Submission[:], rest[:32])
		copy(r.Receipt[:], rest[32:])
	}
	return nil
}
