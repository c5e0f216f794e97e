package server_test

import (
	"fmt"
	"testing"
	"time"

	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/storage"
)

// roundIn makes a round in state s (with a key and a closing time).
func (e *env) roundIn(s rounds.State) string {
	e.t.Helper()
	rid := e.draftRound()
	kp, _ := seal.GenerateKeyPair()
	e.must(200, "PUT", "/api/v1/rounds/"+rid+"/key", e.admin, map[string]string{"public_key": kp.Public})
	e.must(200, "PATCH", "/api/v1/rounds/"+rid, e.admin, map[string]any{"closes_at": t0.Add(48 * time.Hour)})
	if s == rounds.Draft {
		return rid
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil)
	if s == rounds.Open {
		return rid
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	if s == rounds.Closed {
		return rid
	}
	// Counting arrives with ballots; here the state is set directly.
	err := e.svc.Store().Update(func(tx *storage.Tx) error {
		r, err := tx.Round(rid)
		if err != nil {
			return err
		}
		if err := r.MarkCounted(e.clock.Now()); err != nil {
			return err
		}
		return tx.PutRound(r)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return rid
}

// TestEveryStateAndActionThroughTheAPI: each (state, action) pair gives what
// docs/design.md §5.1 says: in draft everything but close; while open only new
// batches, revoking, moving closes_at later, and closing; closed and counted
// are final.
func TestEveryStateAndActionThroughTheAPI(t *testing.T) {
	t.Parallel()
	kp, _ := seal.GenerateKeyPair()
	later := t0.Add(72 * time.Hour)
	earlier := t0.Add(24 * time.Hour)
	actions := []struct {
		name         string
		method, path string
		body         any
	}{
		{"edit title", "PATCH", "", map[string]any{"title": "Tên mới"}},
		{"edit min_group_size", "PATCH", "", map[string]any{"min_group_size": 4}},
		{"move closes_at later", "PATCH", "", map[string]any{"closes_at": later}},
		{"move closes_at earlier", "PATCH", "", map[string]any{"closes_at": earlier}},
		{"schedule opening", "PATCH", "", map[string]any{"opens_at": earlier}},
		{"set key", "PUT", "/key", map[string]string{"public_key": kp.Public}},
		{"add form", "POST", "/forms", map[string]string{"template": "diem-100"}},
		{"import units", "POST", "/units", smallTree},
		{"open", "POST", "/open", nil},
		{"close", "POST", "/close", nil},
	}
	// want[state][action] is the status docs/design.md §5.1 gives.
	want := map[rounds.State][]int{
		//               title min later earlier sched key form units open close
		rounds.Draft:   {200, 200, 200, 200, 200, 200, 201, 201, 200, 409},
		rounds.Open:    {409, 409, 200, 400, 409, 409, 409, 409, 409, 200},
		rounds.Closed:  {409, 409, 409, 409, 409, 409, 409, 409, 409, 409},
		rounds.Counted: {409, 409, 409, 409, 409, 409, 409, 409, 409, 409},
	}
	for _, state := range rounds.States {
		for i, a := range actions {
			t.Run(fmt.Sprintf("%s/%s", state, a.name), func(t *testing.T) {
				t.Parallel()
				e := newEnv(t)
				rid := e.roundIn(state)
				before := e.must(200, "GET", "/api/v1/rounds/"+rid, e.admin, nil)
				r := e.do(a.method, "/api/v1/rounds/"+rid+a.path, e.admin, a.body)
				if r.Status != want[state][i] {
					t.Fatalf("status %d, want %d: %s", r.Status, want[state][i], r.Body)
				}
				if r.Status == 409 && r.ErrCode() != "conflict" {
					t.Fatalf("code %q, want conflict", r.ErrCode())
				}
				if r.Status >= 400 {
					after := e.must(200, "GET", "/api/v1/rounds/"+rid, e.admin, nil)
					if string(after.Body) != string(before.Body) {
						t.Fatalf("a refused change changed the round:\n%s\n%s", before.Body, after.Body)
					}
				}
			})
		}
	}
}

// TestDomainTableCoversEveryAction checks the rule table itself for the
// actions that have no route yet.
func TestDomainTableCoversEveryAction(t *testing.T) {
	t.Parallel()
	want := map[rounds.Action][]rounds.State{
		rounds.ActAddBatch:    {rounds.Draft, rounds.Open},
		rounds.ActRevoke:      {rounds.Draft, rounds.Open},
		rounds.ActShowCodes:   {rounds.Draft},
		rounds.ActSubmit:      {rounds.Open},
		rounds.ActCount:       {rounds.Closed},
		rounds.ActRate:        {rounds.Counted},
		rounds.ActReadTally:   {rounds.Counted},
		rounds.ActSetKey:      {rounds.Draft},
		rounds.ActImportUnits: {rounds.Draft},
	}
	for a, states := range want {
		for _, s := range rounds.States {
			allowed := false
			for _, ok := range states {
				allowed = allowed || ok == s
			}
			if got := rounds.Allows(s, a); got != allowed {
				t.Errorf("%s in %s: allowed %v, want %v", a, s, got, allowed)
			}
		}
	}
}
