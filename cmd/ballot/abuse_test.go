package main

import (
	"path/filepath"
	"testing"

	"ballot/internal/abuse"
)

// TestAbuseKeepsTheServerSmall drives the attacks of issue 14 by clients
// without credentials against the real binary as it ships (its sign-ins
// hash at the server's cost), one after another on one server, and checks
// that its anonymous memory stays within P4's 150 MB while a right sign-in
// and a ballot from another address are still answered. (scripts/bench's
// P8 row runs each on a fresh server, with 100,010 addresses.)
func TestAbuseKeepsTheServerSmall(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ballot.db")
	bin := shipped(t) // sign-ins at the server's cost
	f, err := abuse.Prepare(bin, db, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Start(bin, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	for _, a := range s.Attacks(10_010) {
		r := s.Run(a.Name, a.Run)
		t.Log(r)
		if err := a.Held(r); err != nil {
			t.Errorf("%s: %v", a.Name, err)
		}
	}
}
