package storage

import (
	"encoding/json"
	"time"

	"ballot/internal/audit"
)

// Audit appends ev to the audit chain at now.
func (t *Tx) Audit(ev audit.Event, now time.Time) (audit.Entry, error) {
	b := t.tx.Bucket(bAudit)
	var prev *audit.Entry
	if k, v := b.Cursor().Last(); k != nil {
		prev = new(audit.Entry)
		if err := json.Unmarshal(v, prev); err != nil {
			return audit.Entry{}, err
		}
	}
	e, err := audit.Next(prev, ev, now)
	if err != nil {
		return e, err
	}
	return e, putJSON(b, u64(e.Seq), e)
}

// AuditEntries passes the entries with seq > after, in order, to fn until
// it returns false.
func (t *Tx) AuditEntries(after uint64, fn func(audit.Entry) (bool, error)) error {
	c := t.tx.Bucket(bAudit).Cursor()
	for k, v := c.Seek(u64(after + 1)); k != nil; k, v = c.Next() {
		if more, err := passEntry(v, fn); err != nil || !more {
			return err
		}
	}
	return nil
}

// passEntry decodes an entry and passes it to fn.
func passEntry(v []byte, fn func(audit.Entry) (bool, error)) (bool, error) {
	var e audit.Entry
	if err := json.Unmarshal(v, &e); err != nil {
		return false, err
	}
	return fn(e)
}

// AuditHead returns the hash of the last entry (audit.Genesis if none).
func (t *Tx) AuditHead() (string, error) {
	k, v := t.tx.Bucket(bAudit).Cursor().Last()
	if k == nil {
		return audit.Genesis, nil
	}
	var e audit.Entry
	if err := json.Unmarshal(v, &e); err != nil {
		return "", err
	}
	return e.Hash, nil
}

// AuditEntriesBack passes the entries with seq < before (every entry if
// before is 0), newest first, to fn until it returns false.
func (t *Tx) AuditEntriesBack(before uint64, fn func(audit.Entry) (bool, error)) error {
	c := t.tx.Bucket(bAudit).Cursor()
	var k, v []byte
	if before == 0 {
		k, v = c.Last()
	} else if k, v = c.Seek(u64(before)); k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil; k, v = c.Prev() {
		if more, err := passEntry(v, fn); err != nil || !more {
			return err
		}
	}
	return nil
}
