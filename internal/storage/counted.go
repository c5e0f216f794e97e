package storage

import (
	"encoding/hex"

	"ballot/internal/tally"
)

// PutCounted stores a round's counted aggregates, comment lists (already
// shuffled) and published receipt hashes.
func (t *Tx) PutCounted(rid string, targets []*tally.Target, comments map[string][]string, receiptHashes [][32]byte) error {
	tb, err := t.sub(rid, bTally)
	if err != nil {
		return err
	}
	for _, tg := range targets {
		if err := putJSON(tb, []byte(tg.ID), tg); err != nil {
			return err
		}
	}
	cb, err := t.sub(rid, bComments)
	if err != nil {
		return err
	}
	for target, list := range comments {
		if err := putJSON(cb, []byte(target), list); err != nil {
			return err
		}
	}
	rb, err := t.sub(rid, bReceipts)
	if err != nil {
		return err
	}
	for _, h := range receiptHashes {
		if err := rb.Put(h[:], nil); err != nil {
			return err
		}
	}
	return nil
}

// Counted returns the counted aggregates of round rid, by target.
func (t *Tx) Counted(rid string) (map[string]*tally.Target, error) {
	b, err := t.sub(rid, bTally)
	if err != nil {
		return nil, err
	}
	out := map[string]*tally.Target{}
	err = eachJSON(b, func(tg *tally.Target) error { out[tg.ID] = tg; return nil })
	return out, err
}

// Comments returns the shuffled comments of a target.
func (t *Tx) Comments(rid, target string) ([]string, error) {
	b, err := t.sub(rid, bComments)
	if err != nil || b == nil {
		return nil, err
	}
	var list []string
	_, err = getJSON(b, []byte(target), &list)
	return list, err
}

// ReceiptHashes returns the published receipt hashes of round rid, sorted.
func (t *Tx) ReceiptHashes(rid string) ([]string, error) {
	b, err := t.sub(rid, bReceipts)
	if err != nil || b == nil {
		return []string{}, err
	}
	out := make([]string, 0, b.Stats().KeyN)
	err = b.ForEach(func(k, _ []byte) error { out = append(out, hex.EncodeToString(k)); return nil })
	return out, err
}

// CountReceipts is how many receipt hashes round rid publishes.
func (t *Tx) CountReceipts(rid string) (int, error) {
	b, err := t.sub(rid, bReceipts)
	if err != nil || b == nil {
		return 0, err
	}
	return b.Stats().KeyN, nil
}

// HasReceipt reports whether a receipt hash is published for round rid.
func (t *Tx) HasReceipt(rid string, hash [32]byte) (bool, error) {
	b, err := t.sub(rid, bReceipts)
	if err != nil || b == nil {
		return false, err
	}
	return b.Get(hash[:]) != nil, nil
}

var kWithheld = []byte("withheld")

// PutWithheld stores the withholding decision made at counting.
func (t *Tx) PutWithheld(rid string, w tally.Withheld) error {
	rb, err := t.roundBucket(rid)
	if err != nil {
		return err
	}
	return putJSON(rb, kWithheld, w)
}

// Withheld returns the withholding decision of a counted round.
func (t *Tx) Withheld(rid string) (tally.Withheld, error) {
	rb, err := t.roundBucket(rid)
	if err != nil {
		return nil, err
	}
	w := tally.Withheld{}
	_, err = getJSON(rb, kWithheld, &w)
	return w, err
}

// CountedTarget returns the counted aggregate of one target, or nil.
func (t *Tx) CountedTarget(rid, target string) (*tally.Target, error) {
	b, err := t.sub(rid, bTally)
	if err != nil || b == nil {
		return nil, err
	}
	tg := new(tally.Target)
	ok, err := getJSON(b, []byte(target), tg)
	if !ok || err != nil {
		return nil, err
	}
	return tg, nil
}

// CountedSource reads a counted round's targets and comments on demand,
// within this transaction.
func (t *Tx) CountedSource(rid string) tally.Source { return countedSource{t, rid} }

type countedSource struct {
	tx  *Tx
	rid string
}

func (s countedSource) Target(id string) (*tally.Target, error) { return s.tx.CountedTarget(s.rid, id) }
func (s countedSource) Comments(id string) ([]string, error)    { return s.tx.Comments(s.rid, id) }

// CountedSource reads a counted round's targets and comments on demand,
// each in a short read transaction of its own. A counted round's figures
// never change, so a view read this way is the same as one read in a
// single transaction, and a file written from it at any pace (a download
// to a slow client) holds no transaction open meanwhile.
func (s *Store) CountedSource(rid string) tally.Source { return storeSource{s, rid} }

type storeSource struct {
	s   *Store
	rid string
}

func (s storeSource) Target(id string) (t *tally.Target, err error) {
	err = s.s.View(func(tx *Tx) error { t, err = tx.CountedTarget(s.rid, id); return err })
	return t, err
}

func (s storeSource) Comments(id string) (list []string, err error) {
	err = s.s.View(func(tx *Tx) error { list, err = tx.Comments(s.rid, id); return err })
	return list, err
}
