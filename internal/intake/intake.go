// Package intake takes participants' ballots: code lookup, answer checks,
// sealing under the round's data key, and the one group-commit writer that
// answers after the synced commit; with this process's data keys and caches.
package intake

import (
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/storage"
)

// Options configure an Intake.
type Options struct {
	// Now is the clock; tests inject one. Default time.Now.
	Now func() time.Time
	Log *slog.Logger
	// QueueSize bounds the submissions waiting for the writer; beyond it
	// the intake answers busy. Default 4096.
	QueueSize int
	// MaxPerCommit bounds the submissions decided in one transaction.
	// Default 1024.
	MaxPerCommit int
	// Fault, for tests only, is called at named stages: "queue", as a
	// submission is about to be queued, and inside the ballot transaction;
	// an error it returns refuses the submission or aborts the transaction
	// there.
	Fault func(stage string) error
	// Registry takes the intake's metrics (default: none kept).
	Registry prometheus.Registerer
	// Vouch, if set, is asked within the transaction that would store a
	// new data key of round r whether r, as read from the file, is the
	// round its audit history leaves (state, public key): its error refuses
	// the key, so no ballot is sealed under a key wrapped to a public key
	// edited in the file.
	Vouch func(tx *storage.Tx, r *rounds.Round) error
}

// Intake is the participants' way in. Start it before submitting; Stop
// answers every submission already queued, then refuses new ones.
type Intake struct {
	store   *storage.Store
	opt     Options
	metrics *metrics
	writer  *writer
	keys    dataKeys
	frozen  frozen
}

// New makes an Intake over store; Start starts its writer.
func New(store *storage.Store, opt Options) *Intake {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.QueueSize <= 0 {
		opt.QueueSize = 4096
	}
	if opt.MaxPerCommit <= 0 {
		opt.MaxPerCommit = 1024
	}
	if opt.Fault == nil {
		opt.Fault = func(string) error { return nil }
	}
	if opt.Registry == nil {
		opt.Registry = prometheus.NewRegistry()
	}
	in := &Intake{store: store, opt: opt, metrics: newMetrics(opt.Registry)}
	in.keys.m = map[string]*seal.DataKey{}
	in.frozen.m = map[string]*frozenEntry{}
	in.frozen.sizes = map[string]int{}
	in.writer = newWriter(in, opt.QueueSize, opt.MaxPerCommit)
	return in
}

// Start starts the writer.
func (in *Intake) Start() { in.writer.start() }

// Stop stops the writer after answering every submission it has queued; a
// submission after Stop is answered busy, with nothing stored. It waits
// until the writer has ended.
func (in *Intake) Stop() { in.writer.stop() }

func (in *Intake) now() time.Time { return in.opt.Now() }

// metrics are the intake's Prometheus metrics. No label names a target, a
// unit or a code (docs/design.md §3.3).
type metrics struct {
	commits        prometheus.Counter
	commitRequests prometheus.Histogram
	commitSeconds  prometheus.Histogram
	queueLength    prometheus.Gauge
	submissions    *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		commits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ballot_commits_total", Help: "Synced transactions that stored submissions."}),
		commitRequests: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "ballot_commit_requests", Help: "Submissions decided per commit.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 12)}),
		commitSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "ballot_commit_seconds", Help: "Time of one commit, fsync included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}),
		queueLength: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ballot_commit_queue_length", Help: "Submissions waiting for the writer."}),
		submissions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ballot_submissions_total", Help: "Submissions by outcome."}, []string{"result"}),
	}
	reg.MustRegister(m.commits, m.commitRequests, m.commitSeconds, m.queueLength, m.submissions)
	return m
}

func (in *Intake) count(result string) { in.metrics.submissions.WithLabelValues(result).Inc() }

// dataKeys caches one data key per round for the life of the process.
type dataKeys struct {
	mu sync.Mutex
	m  map[string]*seal.DataKey
}
