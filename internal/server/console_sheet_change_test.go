package server_test

import (
	"net/url"
	"strings"
	"testing"

	"ballot/internal/auth"
)

// TestARatingOnASheetIsChangedNeverRemoved: a row sent without a level
// leaves its rating as it is; a row sent with another level changes it.
func TestARatingOnASheetIsChangedNeverRemoved(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.countedRound()
	e.user("tinh", auth.Authority, "p")
	session, csrf := e.ready("tinh")
	save := func(c1, c2 string) resp {
		return e.page("POST", "/console/rounds/"+rid+"/ratings/d1", session, url.Values{"_csrf": {csrf}, "row": {"c1", "c2"},
			"decision": {"45-QĐ/HU"}, "date": {"2026-12-05"}, "level.c1": {c1}, "level.c2": {c2}})
	}
	levels := func() string {
		rs, err := e.svc.Ratings(rid)
		if err != nil {
			t.Fatal(err)
		}
		return rs["c1"].Level + " " + rs["c2"].Level
	}
	if r := save("htxs", "htt"); r.Status != 303 || levels() != "htxs htt" {
		t.Fatalf("first save: %d %q", r.Status, levels())
	}
	if r := save("", ""); r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "notice=unchanged") || levels() != "htxs htt" {
		t.Fatalf("a sheet without levels: %d %v %q", r.Status, r.Header.Get("Location"), levels())
	}
	if r := save("htt", ""); r.Status != 303 || levels() != "htt htt" {
		t.Fatalf("a changed level: %d %q", r.Status, levels())
	}
	// a rated row offers no empty level to pick
	sheet := string(e.page("GET", "/console/rounds/"+rid+"/ratings?unit=d1", session, nil).Body)
	if i := strings.Index(sheet, `id="l-c1"`); i < 0 || strings.Contains(sheet[i:i+strings.Index(sheet[i:], "</select>")], `<option value="">`) {
		t.Fatal("a rated row offers to remove its rating")
	}
}
