// Package service holds the use cases that the API, the pages, the console
// and the command line share, each one storage transaction with its checks
// and audit entry; it runs the schedule and backups, and starts the intake.
package service

import (
	"log/slog"
	"sync"
	"time"

	"ballot/internal/audit"
	"ballot/internal/auth"
	"ballot/internal/intake"
	"ballot/internal/storage"
)

// Service is the application.
type Service struct {
	store   *storage.Store
	now     func() time.Time
	log     *slog.Logger
	metrics *Metrics
	intake  *intake.Intake
	jobs    jobs
	// committeeKey: every round's key must come from the committee.
	committeeKey bool
	// password is the cost of the password hashes this service makes.
	password auth.Cost
	// countMu lets one count run at a time.
	countMu sync.Mutex
	// fault is Options.Fault, never nil.
	fault func(stage string) error
}

// Options configure a Service.
type Options struct {
	// Now is the clock; tests inject one. Default time.Now.
	Now func() time.Time
	Log *slog.Logger
	// QueueSize bounds the submissions waiting for the writer; beyond it
	// the service answers busy. Default 4096.
	QueueSize int
	// MaxPerCommit bounds the submissions decided in one transaction.
	// Default 1024.
	MaxPerCommit int
	// Fault, for tests only, is called at named stages inside the ballot
	// transaction (an error it returns aborts the transaction there), and
	// at "backup_written", once a backup's copy is synced and before it is
	// checked.
	Fault func(stage string) error
	// CommitteeKeyRequired makes every new round one whose public key a
	// counting-committee user must set (serve --committee-key-required).
	CommitteeKeyRequired bool
	// PasswordCost, for tests only, makes password hashes lighter than the
	// server's (the zero Cost); sign-ins check each hash at its own cost.
	PasswordCost auth.Cost
}

// New makes a Service over store and starts its ballot writer; Close stops it.
func New(store *storage.Store, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	s := &Service{store: store, now: opt.Now, log: opt.Log, metrics: newMetrics(), committeeKey: opt.CommitteeKeyRequired,
		password: opt.PasswordCost, fault: opt.Fault}
	if s.fault == nil {
		s.fault = func(string) error { return nil }
	}
	s.metrics.watchDisk(store)
	s.intake = intake.New(store, intake.Options{Now: opt.Now, Log: opt.Log, QueueSize: opt.QueueSize,
		MaxPerCommit: opt.MaxPerCommit, Fault: opt.Fault, Registry: s.metrics.Registry, Vouch: vouchForKey})
	s.intake.Start()
	return s
}

// Close stops what the service started, in order: its jobs (the schedule,
// backups; each waited for), then the intake after it has answered every
// submission already queued. The store stays open: its owner closes it.
func (s *Service) Close() {
	s.stopJobs()
	s.intake.Stop()
}

// Intake is the participants' way in.
func (s *Service) Intake() *intake.Intake { return s.intake }

// Prepare reads a typed code and returns what it opens (see intake).
func (s *Service) Prepare(code, submissionID string) (*intake.Ballot, error) {
	return s.intake.Prepare(code, submissionID)
}

// Submit checks, seals and stores a participant's submission (see intake).
func (s *Service) Submit(in intake.Submission) (intake.Receipt, error) { return s.intake.Submit(in) }

// SubmitLookedUp is Submit telling lookedUp when the code has been found
// unused (see intake).
func (s *Service) SubmitLookedUp(in intake.Submission, lookedUp func()) (intake.Receipt, error) {
	return s.intake.SubmitLookedUp(in, lookedUp)
}

// Metrics returns the service's metrics.
func (s *Service) Metrics() *Metrics { return s.metrics }

// Store is the service's storage (for the command line's offline tools).
func (s *Service) Store() *storage.Store { return s.store }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// System is the actor of what the server does by itself.
var System = auth.Principal{Name: "system"}

// event makes an audit event by p.
func event(p auth.Principal, action string, detail any) audit.Event {
	actor := p.Name
	if p.Role != "" {
		actor += " (" + string(p.Role) + ")"
	}
	return audit.Event{Actor: actor, Action: action, Detail: detail}
}

// update runs fn in a transaction and appends its audit event there.
func (s *Service) update(p auth.Principal, action string, fn func(tx *storage.Tx) (detail any, err error)) error {
	now := s.now()
	return s.store.Update(func(tx *storage.Tx) error {
		detail, err := fn(tx)
		if err != nil {
			return err
		}
		_, err = tx.Audit(event(p, action, detail), now)
		return err
	})
}
