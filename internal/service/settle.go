package service

import "time"

// Settle does the housekeeping that committed changes still owe — forget
// the code keys of counted rounds, compact the file — as the server does
// at start (docs/design.md §3.9).
func (s *Service) Settle() error { return s.store.Settle() }

// settle is Settle after a change: a failure is logged, never the
// change's own (it committed); the work stays owed, and the server tries
// again every minute and at its next start.
func (s *Service) settle(after string) {
	if err := s.store.Settle(); err != nil {
		s.log.Error("erasure owed after "+after+" is not done yet; it will be tried again", "err", err)
	}
}

// StartSettling retries owed housekeeping every interval until Close.
func (s *Service) StartSettling(interval time.Duration) {
	s.every(interval, func() {
		if o, err := s.store.Owed(); err == nil && o != nil {
			s.settle("a retry")
		}
	})
}
