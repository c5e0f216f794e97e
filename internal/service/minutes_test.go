package service_test

import (
	"path/filepath"
	"testing"

	"ballot/internal/demo"
	"ballot/internal/service"
)

// TestMinutesAgreeWithTheRoundPageAndTurnout: at province scale (shared
// codes for a district and its first grassroots organization, revoked and
// unused ones), the count minutes' codes are the round page's for the
// whole round, the turnout row's for each district's subtree and the
// district's own for its collective alone, each code counted once; their
// ballots add up per target to the round page's.
func TestMinutesAgreeWithTheRoundPageAndTurnout(t *testing.T) {
	t.Parallel()
	svc, p, closeAll, err := demo.OpenCountedProvince(filepath.Join(t.TempDir(), "province.db"), service.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeAll)
	rid, tinh := p.Round.ID, p.Authority
	codes := func(m *service.Minutes) service.Codes {
		return service.Codes{Issued: m.Codes.Issued, Used: m.Codes.Used, Revoked: m.Codes.Revoked}
	}

	all, err := svc.Minutes(tinh, rid, "", false)
	if err != nil {
		t.Fatal(err)
	}
	page, err := svc.Figures(tinh, rid)
	if err != nil {
		t.Fatal(err)
	}
	if codes(all) != page.Codes || all.Codes.Issued != p.Codes || all.Ballots != page.Ballots || all.Ballots != p.Ballots {
		t.Fatalf("the round's minutes: codes %+v, ballots %d; its page: %+v, %d; made %d codes, %d ballots",
			all.Codes, all.Ballots, page.Codes, page.Ballots, p.Codes, p.Ballots)
	}
	if all.SharedCodes == 0 || all.Codes.Revoked == 0 || all.Codes.Unused == all.Codes.Revoked {
		t.Fatalf("the fixture needs shared, revoked and unused codes: %+v, %d shared", all.Codes, all.SharedCodes)
	}
	tree, err := svc.TurnoutTree(tinh, rid, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Rows) != 21 {
		t.Fatalf("%d districts in the turnout", len(tree.Rows))
	}
	for _, row := range tree.Rows {
		d := row.Unit.ID
		m, err := svc.Minutes(tinh, rid, d, false)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, r := range m.Targets {
			sum += r.Ballots
		}
		if codes(m) != row.Codes || m.Ballots != sum || len(m.Targets)+m.WithoutCodes != row.Targets {
			t.Errorf("%s: minutes' codes %+v, %d ballots (rows: %d), %d targets; turnout %+v, %d targets",
				d, m.Codes, m.Ballots, sum, len(m.Targets)+m.WithoutCodes, row.Codes, row.Targets)
		}
		alone, err := svc.Minutes(tinh, rid, d, true)
		if err != nil {
			t.Fatal(err)
		}
		own, err := svc.TurnoutTree(tinh, rid, d)
		if err != nil {
			t.Fatal(err)
		}
		if own.Self == nil || codes(alone) != own.Self.Codes || len(alone.Targets) != 1 {
			t.Errorf("%s alone: minutes' codes %+v, turnout %+v", d, alone.Codes, own.Self)
		}
	}
}
