package server_test

import (
	"strings"
	"testing"
)

// TestATurnoutPageLinksTheMinutesOfItsUnit: once a round is counted, the
// turnout page of a unit links the count minutes of that unit's subtree
// and, when the unit is itself a target, of the unit alone — the minutes a
// district's committee signs; before counting it links none.
func TestATurnoutPageLinksTheMinutesOfItsUnit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	open, _, _ := e.openRound([]string{"c1"}, 2)
	session, _ := e.ready("admin")
	if p := string(e.page("GET", "/console/rounds/"+open+"/turnout?unit=d1", session, nil).Body); strings.Contains(p, `id="unit-minutes"`) {
		t.Fatal("an open round's turnout links count minutes")
	}
	rid := e.countedRound()
	cr := "/console/rounds/" + rid
	page := string(e.page("GET", cr+"/turnout?unit=d1", session, nil).Body)
	subtree := `href="` + cr + `/minutes?lang=vi&amp;unit=d1">Biên bản kiểm phiếu của Đảng bộ huyện Một và các đơn vị trực thuộc</a>`
	only := `href="` + cr + `/minutes?lang=vi&amp;unit=d1&amp;scope=unit">Biên bản kiểm phiếu riêng của Đảng bộ huyện Một</a>`
	if !strings.Contains(page, subtree) || !strings.Contains(page, only) {
		t.Fatalf("the turnout of d1 does not link its minutes: %s", page)
	}
	whole := string(e.page("GET", cr+"/minutes?lang=vi&unit=d1", session, nil).Body)
	alone := string(e.page("GET", cr+"/minutes?lang=vi&unit=d1&scope=unit", session, nil).Body)
	if !strings.Contains(whole, "Chi bộ thôn Một") || strings.Contains(alone, "Chi bộ thôn Một") || !strings.Contains(alone, "Đảng bộ huyện Một") {
		t.Fatalf("the minutes of d1 with and without the units below it:\n%s\n---\n%s", whole, alone)
	}
	if p := string(e.page("GET", cr+"/turnout?unit=c1&lang=en", session, nil).Body); !strings.Contains(p, "Count minutes of Chi bộ thôn Một alone") {
		t.Fatalf("the turnout of a grassroots target in English: %s", p)
	}
}
