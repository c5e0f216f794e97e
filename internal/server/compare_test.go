package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ballot/internal/auth"
)

// countedOf makes a counted round (no ballots) of year over units given as
// CSV, its grassroots rated htt but the first htxs ones htxs.
func (e *env) countedOf(year int, unitsCSV string, rater string, htxs int) string {
	e.t.Helper()
	rid := e.countedIn(year, unitsCSV)
	e.clock.Add(time.Hour) // the next round is counted later
	var ratings strings.Builder
	ratings.WriteString("unit,level\n")
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(unitsCSV), "\n")[1:] {
		id, _, _ := strings.Cut(line, ",")
		if strings.Contains(line, ",grassroots,") {
			level := "htt"
			if n++; n <= htxs {
				level = "htxs"
			}
			fmt.Fprintf(&ratings, "%s,%s\n", id, level)
		}
	}
	e.must(201, "POST", "/api/v1/rounds/"+rid+"/ratings", rater, ratings.String(), "Content-Type", "text/csv")
	return rid
}

func tree(ids ...string) string {
	var b strings.Builder
	b.WriteString("id,name,parent,kind,group,form\np,Tỉnh,,province,,\nd,Huyện,p,district,,\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "%s,Chi bộ %s,d,grassroots,xa,to-chuc-co-so-dang\n", id, id)
	}
	return b.String()
}

func TestTheReportComparesWithTheLatestEarlierFinalRound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tinh := e.user("tinh", auth.Authority, "p")
	old := e.countedOf(2024, tree("c1", "c2", "c3", "c4"), tinh, 0)
	e.must(200, "POST", "/api/v1/rounds/"+old+"/report/final", tinh, nil)
	last := e.countedOf(2025, tree("c1", "c2", "c3", "c9"), tinh, 2)
	e.must(200, "POST", "/api/v1/rounds/"+last+"/report/final", tinh, nil)
	unfinished := e.countedOf(2025, tree("c1", "c2"), tinh, 1) // counted later, not final
	later := e.countedOf(2027, tree("c1"), tinh, 0)
	now := e.countedOf(2026, tree("c1", "c2", "c3", "c5", "c6"), tinh, 1)
	report := func(query string) map[string]any {
		return e.must(200, "GET", "/api/v1/rounds/"+now+"/report?kind=grassroots"+query, tinh, nil).JSON
	}
	section := func(rep map[string]any) map[string]any { return rep["sections"].([]any)[0].(map[string]any) }

	// by default: the latest earlier round whose report is final
	rep := report("")
	c := rep["compared"].(map[string]any)
	if c["round"] != last || c["year"] != 2025.0 || c["final"] != true || c["chosen"] != false {
		t.Fatalf("compared with %v, want %s", c, last)
	}
	s := section(rep)
	change := s["change"].(map[string]any)
	if change["total"] != 1.0 || len(s["added"].([]any)) != 2 || len(s["gone"].([]any)) != 1 || s["gone"].([]any)[0].(map[string]any)["id"] != "c9" {
		t.Fatalf("change %v, added %v, gone %v", change, s["added"], s["gone"])
	}
	// htxs: 2 of 4 (50.00%) then, 1 of 5 (20.00%) now
	if d := change["levels"].(map[string]any)["htxs"].(map[string]any); d["count"] != -1.0 || d["points"] != "-30.00" {
		t.Fatalf("htxs moved %v", d)
	}
	vi := rep["summary"].(map[string]any)["vi"].([]any)[0].(string)
	if !strings.Contains(vi, "tăng 01 so với năm 2025 (02 đơn vị mới, 01 đơn vị không còn)") {
		t.Errorf("summary: %s", vi)
	}
	// chosen: any earlier counted round, final or not
	if c := report("&compare=" + unfinished)["compared"].(map[string]any); c["round"] != unfinished || c["final"] != false || c["chosen"] != true {
		t.Fatalf("chosen %v", c)
	}
	if c := report("&compare=" + old)["compared"].(map[string]any); c["year"] != 2024.0 {
		t.Fatalf("chosen 2024: %v", c)
	}
	if rep := report("&compare=none"); rep["compared"] != nil || section(rep)["change"] != nil {
		t.Fatal("compare=none compared")
	}
	// refused, naming the field: itself, a later year, a round not counted,
	// a round whose tree lacks the unit
	draft := e.must(201, "POST", "/api/v1/rounds", e.admin, map[string]any{"title": "Chưa kiểm", "year": 2025}).JSON["id"].(string)
	elsewhere := e.countedIn(2025, "id,name,parent,kind,group,form\nq,Tỉnh khác,,province,,\nqd,Huyện,q,district,,\nqc,Chi bộ qc,qd,grassroots,xa,to-chuc-co-so-dang\n")
	for q, want := range map[string]struct {
		status int
		reason string
	}{"&compare=" + now: {400, "chính nó"}, "&compare=" + later: {400, "năm 2027, sau đợt này"}, "&compare=" + draft: {400, draft + " chưa kiểm phiếu"},
		"&compare=" + elsewhere: {400, elsewhere + ` không có đơn vị \"p\"`}, "&compare=r99": {404, ""}} {
		r := e.do("GET", "/api/v1/rounds/"+now+"/report?kind=grassroots"+q, tinh, nil)
		if r.Status != want.status || want.status == 400 && (!strings.Contains(string(r.Body), `"field":"compare"`) || !strings.Contains(string(r.Body), want.reason)) {
			t.Errorf("%s: %d, want %d (%s): %s", q, r.Status, want.status, want.reason, r.Body)
		}
	}
	// by default, with those rounds made since, still the latest earlier
	// final one
	if c := report("")["compared"].(map[string]any); c["round"] != last {
		t.Fatalf("with rounds elsewhere and not counted made since, compared with %v", c)
	}
	// the printed report and the workbook carry the comparison
	h := string(e.must(200, "GET", "/api/v1/rounds/"+now+"/report?kind=grassroots&format=html", tinh, nil).Body)
	for _, want := range []string{"so sánh với năm 2025", "Năm 2025", "Năm 2026", "Đơn vị mới so với năm 2025 (2):", "Chi bộ c9", "-30,00"} {
		if !strings.Contains(h, want) {
			t.Errorf("the printed report lacks %q", want)
		}
	}
	csv := string(e.must(200, "GET", "/api/v1/rounds/"+now+"/report?kind=grassroots&format=csv&table=compare", tinh, nil).Body)
	if !strings.Contains(csv, "grassroots,Hoàn thành xuất sắc nhiệm vụ,2,50.00,1,20.00,-1,-30.00") {
		t.Errorf("comparison CSV:\n%s", csv)
	}
}
