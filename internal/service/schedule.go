package service

import (
	"time"

	"ballot/internal/apperr"
	"ballot/internal/rounds"
)

// ApplySchedule opens and closes every round whose scheduled moment has
// come, including moments missed while the server was down. It returns the
// first error; the other rounds are still tried.
func (s *Service) ApplySchedule() error {
	all, err := s.Rounds()
	if err != nil {
		return err
	}
	var first error
	now := s.now()
	for i := range all {
		act, due := all[i].Due(now)
		if !due {
			continue
		}
		switch act {
		case rounds.ActOpen:
			if all[i].PublicKey == "" {
				// Opening would make a key pair whose private half nobody
				// would ever see; the schedule needs a key set beforehand.
				err = apperr.New(apperr.Conflict, "round.no_key")
				break
			}
			_, _, err = s.OpenRound(System, all[i].ID)
		case rounds.ActClose:
			_, err = s.CloseRound(System, all[i].ID)
		}
		if err != nil {
			s.log.Warn("scheduled change failed", "round", all[i].ID, "action", act, "err", err)
			if first == nil {
				first = err
			}
		} else {
			s.log.Info("scheduled change applied", "round", all[i].ID, "action", act)
		}
	}
	return first
}

// StartSchedule applies the schedule every interval until Close.
func (s *Service) StartSchedule(interval time.Duration) {
	s.every(interval, func() { _ = s.ApplySchedule() })
}
