package server_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestABatchPlanSelectsByGroup: a plan for a peer group under a unit makes
// codes for that group's targets only.
func TestABatchPlanSelectsByGroup(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound() // p → d1 (group huyen) → c1, c2 (group xa)
	session, csrf := e.ready("admin")
	cr := "/console/rounds/" + rid
	codes := string(e.page("GET", cr+"/codes?unit=p", session, nil).Body)
	if !strings.Contains(codes, `<option value="xa">Xã, phường, thị trấn</option>`) {
		t.Fatalf("the plan form does not offer the groups by name: %s", codes)
	}
	pv := string(e.page("GET", cr+"/plan?"+url.Values{"unit": {"p"}, "group": {"huyen"}, "count": {"4"}, "together": {"no"}}.Encode(), session, nil).Body)
	if !strings.Contains(pv, "1: Đảng bộ huyện Một") || strings.Contains(pv, "Chi bộ thôn") {
		t.Fatalf("the preview of group huyen: %s", pv)
	}
	v := url.Values{"_csrf": {csrf}, "unit": {"p"}, "group": {"xa"}, "count": {"3"}, "together": {"no"}}
	if r := e.page("POST", cr+"/plan", session, v); r.Status != 303 {
		t.Fatalf("make: %d %s", r.Status, r.Body)
	}
	var targets []string
	for _, b := range e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches", e.admin, nil).JSON["batches"].([]any) {
		for _, id := range b.(map[string]any)["targets"].([]any) {
			targets = append(targets, id.(string))
		}
	}
	if strings.Join(targets, " ") != "c1 c2" {
		t.Fatalf("a plan for group xa made batches for %v", targets)
	}
	// a group with no target under the unit is said so, and makes nothing
	if r := e.page("GET", cr+"/plan?unit=d1&group=huyen&kind=grassroots&count=3", session, nil); r.Status != 400 || !strings.Contains(string(r.Body), "Không có đối tượng") {
		t.Fatalf("an empty group: %d", r.Status)
	}
}
