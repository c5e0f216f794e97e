package server_test

import (
	"strings"
	"testing"
	"time"

	"ballot/internal/seal"
)

func TestRoundOpensAndClosesOnTime(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	kp, _ := seal.GenerateKeyPair()
	e.must(200, "PUT", "/api/v1/rounds/"+rid+"/key", e.admin, map[string]string{"public_key": kp.Public})
	opens, closes := t0.Add(time.Hour), t0.Add(2*time.Hour)
	e.must(200, "PATCH", "/api/v1/rounds/"+rid, e.admin, map[string]any{"opens_at": opens, "closes_at": closes})
	state := func() string {
		if err := e.svc.ApplySchedule(); err != nil {
			t.Fatal(err)
		}
		return e.must(200, "GET", "/api/v1/rounds/"+rid, e.admin, nil).JSON["state"].(string)
	}
	steps := []struct {
		at   time.Time
		want string
	}{
		{t0, "draft"},
		{opens.Add(-time.Millisecond), "draft"},
		{opens, "open"},
		{closes.Add(-time.Millisecond), "open"},
		{closes, "closed"},
		{closes.Add(time.Hour), "closed"},
	}
	for _, s := range steps {
		e.clock.Set(s.at)
		if got := state(); got != s.want {
			t.Fatalf("at %s: %s, want %s", s.at, got, s.want)
		}
	}
	audit := string(e.must(200, "GET", "/api/v1/audit", e.admin, nil).Body)
	if !strings.Contains(audit, `"actor":"system","action":"round.open"`) || !strings.Contains(audit, `"actor":"system","action":"round.close"`) {
		t.Fatalf("scheduled changes not audited as the system: %s", audit)
	}
}

func TestMovingClosesLaterWhileOpenDelaysTheClose(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.roundIn("open") // closes at t0+48h
	e.must(200, "PATCH", "/api/v1/rounds/"+rid, e.admin, map[string]any{"closes_at": t0.Add(72 * time.Hour)})
	e.clock.Set(t0.Add(50 * time.Hour))
	if err := e.svc.ApplySchedule(); err != nil {
		t.Fatal(err)
	}
	if s := e.must(200, "GET", "/api/v1/rounds/"+rid, e.admin, nil).JSON["state"]; s != "open" {
		t.Fatalf("state %v after the old closing time", s)
	}
	e.clock.Set(t0.Add(72 * time.Hour))
	if err := e.svc.ApplySchedule(); err != nil {
		t.Fatal(err)
	}
	if s := e.must(200, "GET", "/api/v1/rounds/"+rid, e.admin, nil).JSON["state"]; s != "closed" {
		t.Fatalf("state %v at the new closing time", s)
	}
}
