package server_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/rounds"
	"ballot/internal/server"
)

// TestTheConsoleFollowsTheStateTable changes one rule in a copy of the
// round state table and sees the console follow: with new batches allowed
// only in draft, an open round's codes page no longer offers a batch plan;
// with counting allowed while open, the round page offers it.
func TestTheConsoleFollowsTheStateTable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.roundIn(rounds.Open)
	session, _ := e.ready("admin")
	codes := "/console/rounds/" + rid + "/codes"
	plan := `action="/console/rounds/` + rid + `/plan"`
	countLink := `href="/console/rounds/` + rid + `/count?`
	if p := string(e.page("GET", codes, session, nil).Body); !strings.Contains(p, plan) || !strings.Contains(p, `/batches.csv"`) {
		t.Fatal("the standard table: an open round's codes page offers no batch plan")
	}
	if p := string(e.page("GET", "/console/rounds/"+rid, session, nil).Body); strings.Contains(p, countLink) {
		t.Fatal("the standard table: an open round offers counting")
	}
	table := rounds.StandardLifecycle()
	table[rounds.ActAddBatch] = []rounds.State{rounds.Draft}
	table[rounds.ActCount] = append(table[rounds.ActCount], rounds.Open)
	e.srv = server.New(e.svc, server.Config{Log: slog.New(slog.NewJSONHandler(e.logs, nil)), TrustedProxies: viaHTTPS, PublicURL: publicURL, Lifecycle: table})
	p := string(e.page("GET", codes, session, nil).Body)
	if strings.Contains(p, plan) || strings.Contains(p, `/batches.csv"`) {
		t.Fatal("batches only in draft: an open round's codes page still offers them")
	}
	if !strings.Contains(p, `/codes/revoke"`) {
		t.Fatal("revoking, which the table still allows while open, is gone")
	}
	if p := string(e.page("GET", "/console/rounds/"+rid, session, nil).Body); !strings.Contains(p, countLink) {
		t.Fatal("counting allowed while open: the round page does not offer it")
	}
	// the standard table itself is untouched by changing a copy
	if !rounds.Allows(rounds.Open, rounds.ActAddBatch) || rounds.Allows(rounds.Open, rounds.ActCount) {
		t.Fatal("changing a copy changed the standard table")
	}
}

// TestTheConsoleFollowsTheRouteRules: what a page offers each role is what
// the route table lets that role call.
func TestTheConsoleFollowsTheRouteRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.countedRound()
	e.user("bkp", auth.Committee, "")
	e.user("tinh", auth.Authority, "p")
	links := map[string]string{
		"users":   `href="/console/users?`,
		"audit":   `href="/console/audit?`,
		"tally":   `href="/console/rounds/` + rid + `/tally?`,
		"minutes": `href="/console/rounds/` + rid + `/minutes?`,
		"ratings": `href="/console/rounds/` + rid + `/ratings?`,
		"codes":   `href="/console/rounds/` + rid + `/codes?`,
		"turnout": `href="/console/rounds/` + rid + `/turnout?`,
	}
	routes := map[string][2]string{
		"users": {"GET", "/console/users"}, "audit": {"GET", "/console/audit"}, "tally": {"GET", "/console/rounds/:rid/:file"},
		"minutes": {"GET", "/console/rounds/:rid/minutes"}, "ratings": {"POST", "/console/rounds/:rid/ratings/:unit"},
		"codes": {"GET", "/console/rounds/:rid/codes"}, "turnout": {"GET", "/console/rounds/:rid/turnout"},
	}
	for _, who := range []struct {
		name string
		role auth.Role
	}{{"admin", auth.Admin}, {"bkp", auth.Committee}, {"tinh", auth.Authority}} {
		session, _ := e.ready(who.name)
		page := string(e.page("GET", "/console/rounds/"+rid, session, nil).Body)
		for name, link := range links {
			rule, ok := e.srv.Rule(routes[name][0], routes[name][1])
			if !ok {
				t.Fatalf("no route for %s", name)
			}
			if got, want := strings.Contains(page, link), rule.Allows(who.role); got != want {
				t.Errorf("%s: the round page offers %s: %v, the route rule allows it: %v", who.name, name, got, want)
			}
		}
	}
}

// TestConsoleTemplatesDoNotRestateRolesOrStates keeps the rule in one
// place: templates ask `.Can`, they compare no role or state.
func TestConsoleTemplatesDoNotRestateRolesOrStates(t *testing.T) {
	t.Parallel()
	paths, _ := filepath.Glob(filepath.Join("..", "..", "web", "console", "*.html"))
	if len(paths) < 10 {
		t.Fatalf("only %d console templates found", len(paths))
	}
	var words []string
	for _, s := range rounds.States {
		words = append(words, string(s))
	}
	for _, r := range auth.Roles {
		words = append(words, string(r))
	}
	compare := regexp.MustCompile(`\{\{[^}]*\b(eq|ne)\b[^}]*"([a-z_]+)"[^}]*\}\}`)
	printed := regexp.MustCompile(`\(print [^")]*\.(Role|State)\)`)
	for _, path := range paths {
		raw, _ := os.ReadFile(path)
		for _, m := range compare.FindAllStringSubmatch(string(raw), -1) {
			if slices.Contains(words, m[2]) {
				t.Errorf("%s restates a role or state: %s", filepath.Base(path), m[0])
			}
		}
		for _, m := range printed.FindAllString(string(raw), -1) {
			t.Errorf("%s prints a role or state to compare it: %s", filepath.Base(path), m)
		}
	}
}
