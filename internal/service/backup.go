package service

import (
	"io"

	"ballot/internal/auth"
	"ballot/internal/storage"
)

// Backup writes a consistent hot copy of the database to w, and audits who
// took it.
func (s *Service) Backup(p auth.Principal, w io.Writer) (int64, error) {
	if err := s.update(p, "backup", func(*storage.Tx) (any, error) { return nil, nil }); err != nil {
		return 0, err
	}
	return s.store.Backup(w)
}
