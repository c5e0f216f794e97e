package server_test

import (
	"strings"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/seal"
)

// TestTheAPIRecountsToVerifyAndChangesNothing: POST …/count/verify, the
// API form of `ballot count --verify`, recounts a counted round with the
// committee's key and says whether it matches; a key of another round is
// refused; neither changes anything but the audit entry of the recount.
func TestTheAPIRecountsToVerifyAndChangesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid, priv, list := e.openRound([]string{"c1"}, 4)
	for _, code := range list[:3] {
		e.must(201, "POST", "/api/v1/ballots", "", submission(code, newSID(), []string{"c1"}, ""))
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	verify := "/api/v1/rounds/" + rid + "/count/verify"
	if r := e.do("POST", verify, e.admin, map[string]string{"private_key": priv}); r.Status != 409 {
		t.Fatalf("a recount before counting: %d %s", r.Status, r.Body)
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/count", e.admin, map[string]string{"private_key": priv})
	committee := e.user("ban-kiem-phieu", auth.Committee, "")
	before := e.snapshot()
	r := e.must(200, "POST", verify, committee, map[string]string{"private_key": priv})
	if r.JSON["matches"] != true || r.JSON["ballots"] != 3.0 || r.JSON["round"] != rid {
		t.Fatalf("the recount: %s", r.Body)
	}
	other, _ := seal.GenerateKeyPair()
	if r := e.do("POST", verify, committee, map[string]string{"private_key": other.Private}); r.Status != 400 || !strings.Contains(string(r.Body), "private_key") {
		t.Fatalf("a recount with another round's key: %d %s", r.Status, r.Body)
	}
	if after := e.snapshot(); after != before {
		t.Fatal("a verifying recount changed the database")
	}
	if a := e.must(200, "GET", "/api/v1/audit", e.admin, nil); strings.Count(string(a.Body), `"round.verify"`) != 1 {
		t.Fatalf("the recount is not audited once: %s", a.Body)
	}
}
