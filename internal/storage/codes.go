package storage

import (
	"ballot/internal/codes"
	"ballot/internal/rounds"
)

// PutCode stores a code record under its keyed hash.
func (t *Tx) PutCode(rid string, key []byte, r *codes.Record) error {
	b, err := t.sub(rid, bCodes)
	if err != nil {
		return err
	}
	return b.Put(key, r.Marshal())
}

// Code returns the record under key, or nil.
func (t *Tx) Code(rid string, key []byte) (*codes.Record, error) {
	b, err := t.sub(rid, bCodes)
	if err != nil || b == nil {
		return nil, err
	}
	v := b.Get(key)
	if v == nil {
		return nil, nil
	}
	r := new(codes.Record)
	return r, r.Unmarshal(v)
}

// EachCode passes every code record of round rid to fn.
func (t *Tx) EachCode(rid string, fn func(key []byte, r *codes.Record) error) error {
	b, err := t.sub(rid, bCodes)
	if err != nil || b == nil {
		return err
	}
	return b.ForEach(func(k, v []byte) error {
		var r codes.Record
		if err := r.Unmarshal(v); err != nil {
			return err
		}
		return fn(k, &r)
	})
}

// EraseCodes deletes every per-code record of round rid — the records, the
// clear codes and a demo's codes — and owes the erasure of its code key and a compaction,
// so nothing lingers (Settle does them after the commit, or at the next
// start).
func (t *Tx) EraseCodes(rid string) error {
	rb, err := t.roundBucket(rid)
	if err != nil {
		return err
	}
	for _, name := range [][]byte{bCodes, bClear, bDemoCodes} {
		if rb.Bucket(name) != nil {
			if err := rb.DeleteBucket(name); err != nil {
				return err
			}
		}
	}
	return t.Owe("counting "+rid+": per-code records and the code key", rid)
}

// PutClearCodes keeps a draft batch's codes for downloading again.
func (t *Tx) PutClearCodes(rid, bid string, list []string) error {
	b, err := t.sub(rid, bClear)
	if err != nil {
		return err
	}
	return putJSON(b, []byte(bid), list)
}

// ClearCodes returns a draft batch's codes, or nil.
func (t *Tx) ClearCodes(rid, bid string) ([]string, error) {
	b, err := t.sub(rid, bClear)
	if err != nil || b == nil {
		return nil, err
	}
	var list []string
	_, err = getJSON(b, []byte(bid), &list)
	return list, err
}

// EraseClearCodes deletes every clear code of round rid and owes a
// compaction, so they do not linger in free pages.
func (t *Tx) EraseClearCodes(rid string) error {
	rb, err := t.roundBucket(rid)
	if err != nil {
		return err
	}
	if rb.Bucket(bClear) == nil {
		return nil
	}
	if err := rb.DeleteBucket(bClear); err != nil {
		return err
	}
	return t.Owe("opening "+rid+": clear codes", "")
}

// CreateBatch gives b a fresh id ("b1", …) and stores it.
func (t *Tx) CreateBatch(rid string, b *rounds.Batch) error {
	bb, err := t.sub(rid, bBatches)
	if err != nil {
		return err
	}
	n, err := bb.NextSequence()
	if err != nil {
		return err
	}
	b.ID = "b" + itoa(n)
	return putJSON(bb, []byte(b.ID), b)
}

// PutBatch stores an existing batch.
func (t *Tx) PutBatch(rid string, b *rounds.Batch) error {
	bb, err := t.sub(rid, bBatches)
	if err != nil {
		return err
	}
	return putJSON(bb, []byte(b.ID), b)
}

// Batch returns batch bid of round rid, or a not_found error.
func (t *Tx) Batch(rid, bid string) (*rounds.Batch, error) {
	bb, err := t.sub(rid, bBatches)
	if err != nil {
		return nil, err
	}
	b := new(rounds.Batch)
	if bb != nil {
		if ok, err := getJSON(bb, []byte(bid), b); ok || err != nil {
			return b, err
		}
	}
	return nil, notFound("batch", bid)
}

// Batches returns every batch of round rid.
func (t *Tx) Batches(rid string) ([]rounds.Batch, error) {
	bb, err := t.sub(rid, bBatches)
	if err != nil {
		return nil, err
	}
	var out []rounds.Batch
	err = eachJSON(bb, func(b *rounds.Batch) error { out = append(out, *b); return nil })
	return out, err
}

// Leftovers reports which per-code data round rid still holds: clear codes
// (a demo's count as such outside a demo database), code records (a demo's
// codes among them), the code key.
func (t *Tx) Leftovers(rid string) (clearCodes, records, key bool, err error) {
	rb, err := t.roundBucket(rid)
	if err != nil {
		return false, false, false, err
	}
	demoCodes := rb.Bucket(bDemoCodes) != nil
	clearCodes = rb.Bucket(bClear) != nil || demoCodes && !isDemo(t.tx)
	return clearCodes, rb.Bucket(bCodes) != nil || demoCodes, rb.Get(kCodeKey) != nil || t.s.keys.get(rid) != nil, nil
}
