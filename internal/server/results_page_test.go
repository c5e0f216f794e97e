package server_test

import (
	"strings"
	"testing"
)

// TestAParentRoundsPageCountsItsChildren: the summary of a parent round
// counts its units and the children that send results, not targets it
// never has.
func TestAParentRoundsPageCountsItsChildren(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.must(201, "POST", "/api/v1/rounds", e.admin, map[string]any{"title": "Tổng hợp 2026", "year": 2026, "parent": true}).JSON["id"].(string)
	e.must(201, "POST", "/api/v1/rounds/"+rid+"/units", e.admin, []map[string]string{{"id": "tw", "name": "Trung ương", "kind": "central"},
		{"id": "p1", "name": "Tỉnh 1", "parent": "tw", "kind": "province"}, {"id": "p2", "name": "Tỉnh 2", "parent": "tw", "kind": "province"}})
	session, _ := e.ready("admin")
	for lang, want := range map[string]string{"vi": "3 đơn vị, trong đó 2 đơn vị cấp dưới gửi kết quả", "en": "3 units, of which 2 children that send their results"} {
		page := string(e.page("GET", "/console/rounds/"+rid+"?lang="+lang, session, nil).Body)
		if !strings.Contains(page, want) || strings.Contains(page, "0 đối tượng") || strings.Contains(page, "0 targets") {
			t.Errorf("%s: the parent round's summary does not say %q", lang, want)
		}
	}
}
