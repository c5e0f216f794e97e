package service

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"ballot/internal/storage"
)

// Metrics are the service's Prometheus metrics. No label names a target, a
// unit or a code (SPEC §3.3).
type Metrics struct {
	Registry       *prometheus.Registry
	Commits        prometheus.Counter
	CommitRequests prometheus.Histogram
	CommitSeconds  prometheus.Histogram
	QueueLength    prometheus.Gauge
	Submissions    *prometheus.CounterVec
}

func newMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Commits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ballot_commits_total", Help: "Synced transactions that stored submissions."}),
		CommitRequests: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "ballot_commit_requests", Help: "Submissions decided per commit.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 12)}),
		CommitSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "ballot_commit_seconds", Help: "Time of one commit, fsync included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}),
		QueueLength: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ballot_commit_queue_length", Help: "Submissions waiting for the writer."}),
		Submissions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ballot_submissions_total", Help: "Submissions by outcome."}, []string{"result"}),
	}
	m.Registry.MustRegister(m.Commits, m.CommitRequests, m.CommitSeconds, m.QueueLength, m.Submissions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// watchDisk adds the file's write figures: how long commits spent writing
// and syncing pages, and how many (they restart after a compaction).
func (m *Metrics) watchDisk(store *storage.Store) {
	stat := func(f func(storage.Stats) float64) func() float64 {
		return func() float64 {
			st, err := store.Stats()
			if err != nil {
				return 0
			}
			return f(st)
		}
	}
	m.Registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "ballot_disk_write_seconds_total",
			Help: "Time commits spent writing pages and syncing them to disk."},
			stat(func(st storage.Stats) float64 { return st.Writing.Seconds() })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "ballot_disk_pages_written_total",
			Help: "Pages written by commits."},
			stat(func(st storage.Stats) float64 { return float64(st.PagesWritten) })),
	)
}
