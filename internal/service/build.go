package service

import (
	"runtime/debug"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"ballot/internal/storage"
)

// Build is what the binary's build information says of it: `ballot
// version` prints it, /metrics has it as ballot_build_info.
type Build struct {
	Known     bool   // the binary carries build information
	Version   string // the module version ("(devel)" in a checkout)
	Revision  string // the VCS revision, when the build stamped it
	Modified  bool   // the tree had uncommitted changes
	Time      string // the revision's commit time
	GoVersion string
}

// ReadBuild reads this binary's build information.
func ReadBuild() Build {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Build{}
	}
	b := Build{Known: true, Version: bi.Main.Version, GoVersion: bi.GoVersion}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		case "vcs.time":
			b.Time = s.Value
		}
	}
	return b
}

// buildInfo is the gauge ballot_build_info, 1, labelled with the build's
// version and revision and the database schema the binary reads.
func buildInfo(b Build) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "ballot_build_info",
		Help: "The running binary: its module version, VCS revision and database schema.",
		ConstLabels: prometheus.Labels{"version": b.Version, "revision": b.Revision,
			"schema": strconv.Itoa(storage.SchemaVersion)}})
	g.Set(1)
	return g
}
