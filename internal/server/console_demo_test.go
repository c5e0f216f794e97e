package server_test

import (
	"errors"
	"strings"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// TestDemoCodesShowOnlyOnADemoDatabase: a demo database's admin sees the
// codes of an open round that are still unused (not the used one, not the
// revoked one) and can print their slips, and every page says it is a
// demo; on any other database the same round's codes are kept nowhere, the
// page and its slips are not found, and no page offers them.
func TestDemoCodesShowOnlyOnADemoDatabase(t *testing.T) {
	t.Parallel()
	for _, demo := range []bool{true, false} {
		e := newEnvIn(t, service.Options{}, storage.Options{Demo: demo})
		sys := auth.Principal{Name: "test"}
		rid := e.draftRound()
		bs, lists, err := e.svc.IssueBatches(sys, rid, []rounds.NewBatch{{Targets: []string{"c1"}, Count: 5}})
		if err != nil {
			t.Fatal(err)
		}
		err = e.svc.KeepDemoCodes(sys, rid, bs, lists)
		if demo && err != nil || !demo && !errors.Is(err, storage.ErrNotDemo) {
			t.Fatalf("demo %v: keeping the codes: %v", demo, err)
		}
		if _, _, err := e.svc.OpenRound(sys, rid); err != nil {
			t.Fatal(err)
		}
		codes := lists[0]
		e.must(201, "POST", "/api/v1/ballots", "", submission(codes[0], "", []string{"c1"}, ""))
		if err := e.svc.RevokeCode(sys, rid, codes[1]); err != nil {
			t.Fatal(err)
		}
		session, _ := e.ready("admin")
		page := e.page("GET", "/console/rounds/"+rid+"/demo-codes", session, nil)
		slips := e.page("GET", "/console/rounds/"+rid+"/demo-codes/slips?unit=d1", session, nil)
		round := string(e.page("GET", "/console/rounds/"+rid, session, nil).Body)
		link := `href="/console/rounds/` + rid + `/demo-codes?`
		banner := `class="demo-banner"`
		if !demo {
			if page.Status != 404 || slips.Status != 404 || strings.Contains(round, link) || strings.Contains(round, banner) {
				t.Fatalf("not a demo: the page %d, its slips %d, the round page offers them %v or says demo %v",
					page.Status, slips.Status, strings.Contains(round, link), strings.Contains(round, banner))
			}
			for _, c := range codes {
				if strings.Contains(string(page.Body), c) || strings.Contains(string(slips.Body), c) {
					t.Fatal("not a demo: a clear code is shown")
				}
			}
			continue
		}
		body := string(page.Body)
		if page.Status != 200 || !strings.Contains(round, link) || !strings.Contains(round, banner) || !strings.Contains(body, banner) {
			t.Fatalf("demo: the page %d, the round page offers it %v, says demo %v", page.Status, strings.Contains(round, link), strings.Contains(round, banner))
		}
		if strings.Contains(body, codes[0]) || strings.Contains(body, codes[1]) {
			t.Error("demo: a used or revoked code is listed as unused")
		}
		for _, c := range codes[2:] {
			if !strings.Contains(body, c) || !strings.Contains(string(slips.Body), c) {
				t.Errorf("demo: unused code %s is not on the page (or its slips: %d)", c, slips.Status)
			}
		}
		// once closed, no code votes: none is offered
		if _, err := e.svc.CloseRound(sys, rid); err != nil {
			t.Fatal(err)
		}
		round = string(e.page("GET", "/console/rounds/"+rid, session, nil).Body)
		if closed := e.page("GET", "/console/rounds/"+rid+"/demo-codes", session, nil); closed.Status == 200 || strings.Contains(round, link) {
			t.Fatalf("demo, closed: the page answers %d, the round page offers it %v", closed.Status, strings.Contains(round, link))
		}
	}
}
