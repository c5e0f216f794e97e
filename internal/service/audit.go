package service

import (
	"ballot/internal/audit"
	"ballot/internal/storage"
)

// MaxAuditPage bounds one page of the audit log.
const MaxAuditPage = 10_000

// Audit returns up to limit entries with seq > after.
func (s *Service) Audit(after uint64, limit int) ([]audit.Entry, error) {
	if limit <= 0 || limit > MaxAuditPage {
		limit = MaxAuditPage
	}
	out := []audit.Entry{}
	err := s.store.View(func(tx *storage.Tx) error {
		return tx.AuditEntries(after, func(e audit.Entry) (bool, error) {
			out = append(out, e)
			return len(out) < limit, nil
		})
	})
	return out, err
}

// AuditHead returns the hash of the newest audit entry.
func (s *Service) AuditHead() (head string, err error) {
	err = s.store.View(func(tx *storage.Tx) (err error) {
		head, err = tx.AuditHead()
		return err
	})
	return head, err
}

// AuditPage returns up to n entries older than before (the newest if
// before is 0), newest first, and whether older ones remain.
func (s *Service) AuditPage(before uint64, n int) (entries []audit.Entry, more bool, err error) {
	err = s.store.View(func(tx *storage.Tx) error {
		return tx.AuditEntriesBack(before, func(e audit.Entry) (bool, error) {
			if len(entries) == n {
				more = true
				return false, nil
			}
			entries = append(entries, e)
			return true, nil
		})
	})
	return entries, more, err
}
