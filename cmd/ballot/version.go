package main

import (
	"fmt"
	"io"

	"ballot/internal/service"
	"ballot/internal/storage"
)

// buildVersion describes this binary from its build information: the
// module version, the VCS revision and time (and whether the tree had
// uncommitted changes), the Go version, and the database schema it reads.
func buildVersion() string {
	b := service.ReadBuild()
	if !b.Known {
		return fmt.Sprintf("ballot (no build information), schema %d", storage.SchemaVersion)
	}
	out := "ballot " + b.Version
	if b.Revision != "" {
		out += "\nrevision " + b.Revision
		if b.Modified {
			out += " (with uncommitted changes)"
		}
		if b.Time != "" {
			out += "\ncommitted " + b.Time
		}
	}
	return out + fmt.Sprintf("\nbuilt with %s\ndatabase schema %d", b.GoVersion, storage.SchemaVersion)
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", stdout, stderr, args)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, buildVersion())
	return nil
}
