package service

import (
	"sync"
	"time"
)

// jobs are the service's own goroutines (the schedule, backups): each is
// started once and stopped by Close, which waits for it, before the intake.
type jobs struct {
	mu      sync.Mutex
	stopped bool
	list    []*job
}

type job struct {
	stop, done chan struct{}
}

// every runs fn every interval on a goroutine of its own until Close.
func (s *Service) every(interval time.Duration, fn func()) {
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	if s.jobs.stopped {
		return
	}
	j := &job{stop: make(chan struct{}), done: make(chan struct{})}
	s.jobs.list = append(s.jobs.list, j)
	go func() {
		defer close(j.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-j.stop:
				return
			case <-t.C:
				fn()
			}
		}
	}()
}

// stopJobs stops every job and waits until each has returned.
func (s *Service) stopJobs() {
	s.jobs.mu.Lock()
	s.jobs.stopped = true
	list := s.jobs.list
	s.jobs.list = nil
	s.jobs.mu.Unlock()
	for _, j := range list {
		close(j.stop)
	}
	for _, j := range list {
		<-j.done
	}
}
