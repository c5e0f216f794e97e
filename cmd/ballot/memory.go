package main

import (
	"os"
	"runtime/debug"
)

// servingMemory is the soft limit of a serving process's memory (what
// GOMEMLIMIT sets), below SPEC P4's 150 MB. The collector paces itself by
// the live heap, so while a 64 MiB password hash is live it lets garbage
// grow by as much again (120 chunked bodies during a sign-in took the
// server to 164–185 MB without this limit, 100–118 MB with it);
// near the limit it collects sooner and gives freed pages back at once. It
// is soft: a larger live heap (counting a very large round) is still
// served, with more collecting.
const servingMemory = 120 << 20

// limitMemory sets servingMemory unless the operator set GOMEMLIMIT.
func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(servingMemory)
	}
}
