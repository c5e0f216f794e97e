package storage

import (
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"ballot/internal/rounds"
)

// roundBucket returns the bucket of round id, or a not_found error.
func (t *Tx) roundBucket(id string) (*bolt.Bucket, error) {
	b := t.tx.Bucket(bRounds).Bucket([]byte(id))
	if b == nil {
		return nil, notFound("round", id)
	}
	return b, nil
}

// sub returns the sub-bucket name of round id, creating it in a writable
// transaction; it may be nil in a read-only one.
func (t *Tx) sub(id string, name []byte) (*bolt.Bucket, error) {
	rb, err := t.roundBucket(id)
	if err != nil {
		return nil, err
	}
	if b := rb.Bucket(name); b != nil || !t.tx.Writable() {
		return b, nil
	}
	return rb.CreateBucket(name)
}

// CreateRound gives r a fresh id ("r1", "r2", …) and stores it.
func (t *Tx) CreateRound(r *rounds.Round) error {
	all := t.tx.Bucket(bRounds)
	n, err := all.NextSequence()
	if err != nil {
		return err
	}
	r.ID = fmt.Sprintf("r%d", n)
	rb, err := all.CreateBucket([]byte(r.ID))
	if err != nil {
		return err
	}
	return putJSON(rb, kRound, r)
}

// PutRound stores an existing round.
func (t *Tx) PutRound(r *rounds.Round) error {
	rb, err := t.roundBucket(r.ID)
	if err != nil {
		return err
	}
	return putJSON(rb, kRound, r)
}

// Round returns round id, or a not_found error.
func (t *Tx) Round(id string) (*rounds.Round, error) {
	rb, err := t.roundBucket(id)
	if err != nil {
		return nil, err
	}
	r := new(rounds.Round)
	if _, err := getJSON(rb, kRound, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Rounds returns every round, in creation order.
func (t *Tx) Rounds() ([]rounds.Round, error) {
	var out []rounds.Round
	err := t.tx.Bucket(bRounds).ForEachBucket(func(k []byte) error {
		r, err := t.Round(string(k))
		if err != nil {
			return err
		}
		out = append(out, *r)
		return nil
	})
	// Keys sort as strings ("r10" < "r2"); order by number.
	sortRounds(out)
	return out, err
}

func sortRounds(rs []rounds.Round) {
	num := func(id string) (n int) { fmt.Sscanf(id, "r%d", &n); return n }
	slices.SortFunc(rs, func(a, b rounds.Round) int { return num(a.ID) - num(b.ID) })
}
