package server_test

import (
	"strings"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/seal"
	"ballot/internal/server"
	"ballot/internal/service"
)

// TestACommitteeKeyRoundKeepsPrivateKeysFromAdmins: a round that requires
// its key from the counting committee (every round, with the server's
// --committee-key-required; or one asked for) refuses an admin's key and an
// opening without a key (which would hand the admin a generated private
// key); the committee sets it, and opening returns no private key.
func TestACommitteeKeyRoundKeepsPrivateKeysFromAdmins(t *testing.T) {
	t.Parallel()
	for _, required := range []bool{true, false} {
		e := newEnvWith(t, service.Options{CommitteeKeyRequired: required})
		e.srv = server.New(e.svc, server.Config{TrustedProxies: viaHTTPS})
		committee := e.user("ban-kiem-phieu", auth.Committee, "")
		body := map[string]any{"title": "Đợt 2026", "year": 2026}
		if !required {
			body["committee_key_required"] = true // asked for by this round alone
		}
		r := e.must(201, "POST", "/api/v1/rounds", e.admin, body)
		if r.JSON["committee_key_required"] != true {
			t.Fatalf("round: %s", r.Body)
		}
		rid := r.JSON["id"].(string)
		e.must(201, "POST", "/api/v1/rounds/"+rid+"/forms", e.admin, map[string]string{"template": "diem-100"})
		e.must(201, "POST", "/api/v1/rounds/"+rid+"/units", e.admin, []map[string]string{{"id": "p", "name": "P", "kind": "province"}, {"id": "c", "name": "C", "parent": "p", "kind": "grassroots", "form": "diem-100"}})
		kp, _ := seal.GenerateKeyPair()
		if r := e.do("PUT", "/api/v1/rounds/"+rid+"/key", e.admin, map[string]string{"public_key": kp.Public}); r.Status != 403 || !strings.Contains(r.ErrMessage(), "ban kiểm phiếu") {
			t.Fatalf("an admin's key: %d %s", r.Status, r.Body)
		}
		if r := e.do("POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil); r.Status != 409 || r.JSON["private_key"] != nil {
			t.Fatalf("opening without a key: %d %s", r.Status, r.Body)
		}
		e.must(200, "PUT", "/api/v1/rounds/"+rid+"/key", committee, map[string]string{"public_key": kp.Public})
		if r := e.must(200, "POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil); r.JSON["private_key"] != nil || r.JSON["state"] != "open" {
			t.Fatalf("open: %s", r.Body)
		}
	}
	// an ordinary round: the admin sets the key, or opening makes a pair
	e := newEnv(t)
	rid := e.draftRound()
	if r := e.must(200, "POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil); r.JSON["private_key"] == nil {
		t.Fatalf("an ordinary round opened without a generated key: %s", r.Body)
	}
}
