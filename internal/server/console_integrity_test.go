package server_test

import (
	"net/url"
	"strings"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/seal"
	"ballot/internal/service"
)

// TestTheConsoleShowsAnchorsAndRecountsToVerify: a closed round's page
// shows the audit entry that anchored its sealed ballots (the hash the
// close answered), the count minutes print it, and after counting the
// committee recounts from the console and is told the recount matches; a
// wrong key is refused and changes nothing.
func TestTheConsoleShowsAnchorsAndRecountsToVerify(t *testing.T) {
	e := newEnv(t)
	rid, priv, list := e.openRound([]string{"c1"}, 4)
	for _, code := range list[:3] {
		e.must(201, "POST", "/api/v1/ballots", "", submission(code, newSID(), []string{"c1"}, ""))
	}
	closed := e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	anchor := closed.JSON["closing"].(map[string]any)["audit_hash"].(string)
	e.user("ban-kiem-phieu", auth.Committee, "")
	cs, ccsrf := e.ready("ban-kiem-phieu")
	page := e.page("GET", "/console/rounds/"+rid, cs, nil)
	if !strings.Contains(string(page.Body), anchor) || !strings.Contains(string(page.Body), "Ghi dấu lúc kết thúc") {
		t.Fatalf("the closed round's page does not show its closing anchor %s", anchor)
	}
	if strings.Contains(string(page.Body), "/verify") {
		t.Fatal("a round not counted offers a recount")
	}
	e.page("POST", "/console/rounds/"+rid+"/count", cs, url.Values{"_csrf": {ccsrf}, "confirm": {"yes"}, "private_key": {priv}})
	if m := e.page("GET", "/console/rounds/"+rid+"/minutes", cs, nil); !strings.Contains(string(m.Body), anchor) {
		t.Fatal("the count minutes do not print the closing anchor")
	}
	page = e.page("GET", "/console/rounds/"+rid, cs, nil)
	if !strings.Contains(string(page.Body), "/console/rounds/"+rid+"/verify") || !strings.Contains(string(page.Body), "Ghi dấu lúc kiểm phiếu") {
		t.Fatal("the counted round's page offers no recount or shows no count anchor")
	}
	other, _ := seal.GenerateKeyPair()
	if r := e.page("POST", "/console/rounds/"+rid+"/verify", cs, url.Values{"_csrf": {ccsrf}, "private_key": {other.Private}}); r.Status != 400 || !strings.Contains(string(r.Body), "không phải của đợt này") {
		t.Fatalf("a recount with another key: %d", r.Status)
	}
	r := e.page("POST", "/console/rounds/"+rid+"/verify", cs, url.Values{"_csrf": {ccsrf}, "private_key": {priv}})
	if r.Status != 200 || !strings.Contains(string(r.Body), "Kiểm lại 3 phiếu: khớp hoàn toàn") {
		t.Fatalf("recount: %d %s", r.Status, r.Body)
	}
	if a := e.must(200, "GET", "/api/v1/audit", e.admin, nil); !strings.Contains(string(a.Body), `"round.verify"`) {
		t.Fatal("the recount is not audited")
	}
}

// TestTheCommitteeSetsTheKeyOfACommitteeKeyRound: the round page offers
// the key form to the committee, not to an admin, when the round requires
// the committee's key; the committee sets it from the console.
func TestTheCommitteeSetsTheKeyOfACommitteeKeyRound(t *testing.T) {
	e := newEnvWith(t, service.Options{CommitteeKeyRequired: true})
	rid := e.draftRound()
	e.user("ban-kiem-phieu", auth.Committee, "")
	as, _ := e.ready("admin")
	if p := e.page("GET", "/console/rounds/"+rid, as, nil); strings.Contains(string(p.Body), `action="/console/rounds/`+rid+`/key"`) {
		t.Fatal("the admin is offered the key form of a committee-key round")
	}
	cs, ccsrf := e.ready("ban-kiem-phieu")
	p := e.page("GET", "/console/rounds/"+rid, cs, nil)
	if !strings.Contains(string(p.Body), `action="/console/rounds/`+rid+`/key"`) || !strings.Contains(string(p.Body), "ban kiểm phiếu đặt") {
		t.Fatal("the committee is not offered the key form")
	}
	kp, _ := seal.GenerateKeyPair()
	if r := e.page("POST", "/console/rounds/"+rid+"/key", cs, url.Values{"_csrf": {ccsrf}, "public_key": {kp.Public}}); r.Status != 303 {
		t.Fatalf("the committee's key: %d %s", r.Status, r.Body)
	}
	if r := e.must(200, "GET", "/api/v1/rounds/"+rid, e.admin, nil); r.JSON["public_key"] != kp.Public {
		t.Fatalf("key not set: %v", r.JSON["public_key"])
	}
}
