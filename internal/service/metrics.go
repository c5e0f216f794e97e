package service

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"ballot/internal/storage"
)

// Metrics are the service's Prometheus metrics: the intake's, the file's,
// the process's and the build's. No label names a target, a unit or a code (docs/design.md
// §3.3).
type Metrics struct {
	Registry *prometheus.Registry
}

func newMetrics() *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry()}
	m.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfo(ReadBuild()))
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
