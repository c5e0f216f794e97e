package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"ballot/internal/storage"
)

// buildVersion describes this binary from its build information: the
// module version, the VCS revision and time (and whether the tree had
// uncommitted changes), the Go version, and the database schema it reads.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return fmt.Sprintf("ballot (no build information), schema %d", storage.SchemaVersion)
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	out := "ballot " + bi.Main.Version
	if rev := settings["vcs.revision"]; rev != "" {
		out += "\nrevision " + rev
		if settings["vcs.modified"] == "true" {
			out += " (with uncommitted changes)"
		}
		if at := settings["vcs.time"]; at != "" {
			out += "\ncommitted " + at
		}
	}
	return out + fmt.Sprintf("\nbuilt with %s\ndatabase schema %d", bi.GoVersion, storage.SchemaVersion)
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", stdout, stderr, args)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, buildVersion())
	return nil
}
