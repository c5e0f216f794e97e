package server_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestNoMetricLabelNamesATargetUnitCodeOrClient: after ballots of every
// outcome (accepted, replayed, used, mistyped, unknown) and a count, no
// label of /metrics holds a unit's id or name, a code in any spelling, a
// receipt, a submission id or a client's address (docs/design.md §3.3),
// and no label is named for one.
func TestNoMetricLabelNamesATargetUnitCodeOrClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, _, cs := e.openRound([]string{"c1", "c2"}, 4)
	secret := map[string]bool{}
	for _, u := range smallTree {
		secret[u["id"]], secret[u["name"]] = true, true
	}
	sid := newSID()
	r := e.must(201, "POST", "/api/v1/ballots", "", submission(cs[0], sid, []string{"c1", "c2"}, "Góp ý"))
	secret[r.JSON["receipt"].(string)], secret[sid] = true, true
	e.must(200, "POST", "/api/v1/ballots", "", submission(cs[0], sid, []string{"c1", "c2"}, "Góp ý"))
	e.do("POST", "/api/v1/ballots", "", submission(cs[0], newSID(), []string{"c1", "c2"}, ""))
	mistyped := cs[1][:len(cs[1])-1] + string("0123456789"[(int(cs[1][len(cs[1])-1]-'0')+1)%10])
	e.do("POST", "/api/v1/ballots", "", submission(mistyped, newSID(), []string{"c1"}, ""))
	e.do("POST", "/api/v1/ballots", "", submission("0000-0000-0000-0000", newSID(), []string{"c1"}, ""))
	for _, c := range append(cs, mistyped) {
		secret[c], secret[strings.ReplaceAll(c, "-", "")], secret[strings.ReplaceAll(c, "-", " ")] = true, true, true
	}
	e.countedRound()
	secret["127.0.0.1"], secret["0.0.0.0"], secret["192.0.2.1"] = true, true, true
	label := regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)
	body := string(e.must(200, "GET", "/metrics", e.admin, nil).Body)
	labels := 0
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, m := range label.FindAllStringSubmatch(line, -1) {
			labels++
			switch strings.ToLower(m[1]) {
			case "target", "unit", "code", "client", "ip", "addr", "address", "receipt", "submission", "user_agent":
				t.Errorf("a label named %q: %s", m[1], line)
			}
			if secret[m[2]] {
				t.Errorf("label %s=%q names what it must not: %s", m[1], m[2], line)
			}
		}
	}
	if labels < 10 || !strings.Contains(body, "ballot_submissions_total") {
		t.Fatalf("too few labels read (%d) to mean anything:\n%s", labels, body)
	}
}
