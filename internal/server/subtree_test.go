package server_test

import (
	"net/url"
	"strings"
	"testing"

	"ballot/internal/auth"
)

// TestAnAuthorityOfAnotherSubtreeIsRefused walks every route an authority
// may call, as an authority of c2 asking about c1 (its sibling). Each route
// is classified here: scoped routes must refuse; the others must say why
// they are not about a subtree. A new authority route without a class
// fails.
func TestAnAuthorityOfAnotherSubtreeIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.countedRound() // units p → d1 → c1, c2
	tok := e.user("chi-bo-2", auth.Authority, "c2")
	session, csrf := e.ready("chi-bo-2")
	r := "/api/v1/rounds/" + rid
	cr := "/console/rounds/" + rid
	type probe struct {
		why  string // for routes not about a subtree
		send func() resp
		want int
	}
	api := func(method, path string, body any) func() resp {
		return func() resp { return e.do(method, path, tok, body) }
	}
	page := func(method, path string, v url.Values) func() resp {
		return func() resp {
			if v != nil {
				v.Set("_csrf", csrf)
			}
			return e.page(method, path, session, v)
		}
	}
	probes := map[string]probe{
		"GET /api/v1/rounds":                    {why: "round metadata is not per unit"},
		"GET /api/v1/rounds/:rid":               {why: "round metadata is not per unit"},
		"GET /api/v1/rounds/:rid/units":         {why: "the tree itself is public to signed-in users"},
		"GET /api/v1/rounds/:rid/turnout":       {send: api("GET", r+"/turnout?unit=c1", nil), want: 403},
		"POST /api/v1/rounds/:rid/report/final": {why: "marks only the caller's own unit final"},
		"GET /api/v1/rounds/:rid/tally":         {send: api("GET", r+"/tally?unit=c1", nil), want: 403},
		"GET /api/v1/rounds/:rid/report":        {send: api("GET", r+"/report?unit=c1", nil), want: 403},
		"GET /api/v1/rounds/:rid/minutes":       {send: api("GET", r+"/minutes?unit=c1", nil), want: 403},
		"GET /api/v1/rounds/:rid/result":        {send: api("GET", r+"/result?unit=c1", nil), want: 403},
		"GET /api/v1/rounds/:rid/results":       {why: "a parent round's children and their keys are not per unit"},
		"PUT /api/v1/rounds/:rid/ratings/:unit": {send: api("PUT", r+"/ratings/c1", map[string]string{"level": "htt"}), want: 403},
		"POST /api/v1/rounds/:rid/ratings": {send: func() resp {
			return e.do("POST", r+"/ratings", tok, "unit,level\nc1,htt\n", "Content-Type", "text/csv")
		}, want: 400},
		"PUT /api/v1/rounds/:rid/caps":                {send: api("PUT", r+"/caps", map[string]string{"unit": "d1", "group": "xa", "cap_percent": "25"}), want: 403},
		"GET /console":                                {why: "the list of rounds"},
		"GET /console/password":                       {why: "the caller's own password"},
		"POST /console/password":                      {why: "the caller's own password"},
		"POST /console/logout":                        {why: "the caller's own session"},
		"GET /console/rounds/:rid":                    {why: "round metadata is not per unit"},
		"GET /console/rounds/:rid/turnout.json":       {send: page("GET", cr+"/turnout.json?unit=c1", nil), want: 403},
		"GET /console/rounds/:rid/turnout":            {send: page("GET", cr+"/turnout?unit=c1", nil), want: 403},
		"GET /console/rounds/:rid/units.json":         {send: page("GET", cr+"/units.json?q=chi+bo", nil), want: 200},
		"GET /console/rounds/:rid/minutes":            {send: page("GET", cr+"/minutes?unit=c1", nil), want: 403},
		"GET /console/rounds/:rid/receipts":           {why: "receipts are published to anyone (GET …/receipts)"},
		"GET /console/rounds/:rid/forms/:fid/preview": {why: "forms are public (GET …/forms/{fid} is open to anyone)"},
		"POST /console/rounds/:rid/final":             {why: "marks only the caller's own unit final"},
		"GET /console/rounds/:rid/:file":              {send: page("GET", cr+"/tally?unit=c1", nil), want: 403},
		"GET /console/rounds/:rid/documents":          {why: "who issues and signs the round's documents is not per unit"},
		"GET /console/rounds/:rid/ratings":            {send: page("GET", cr+"/ratings", nil), want: 200},
		"POST /console/rounds/:rid/ratings/:unit":     {send: page("POST", cr+"/ratings/c1", url.Values{"level": {"htt"}}), want: 403},
		"POST /console/rounds/:rid/caps":              {send: page("POST", cr+"/caps", url.Values{"quota": {"d1|xa"}, "cap_percent": {"25"}}), want: 403},
		"POST /console/rounds/:rid/ratings":           {send: func() resp { return e.upload(cr+"/ratings", session, csrf, "unit,level\nc1,htt\n") }, want: 400},
	}
	seen := map[string]bool{}
	for _, rt := range e.srv.App.GetRoutes(true) {
		rule, ok := e.srv.Rule(rt.Method, rt.Path)
		if !ok || rule.Public || !rule.Allows(auth.Authority) || rt.Method == "HEAD" {
			continue
		}
		key := rt.Method + " " + rt.Path
		seen[key] = true
		p, ok := probes[key]
		if !ok {
			t.Errorf("%s: an authority route with no class in this test", key)
			continue
		}
		if p.send == nil {
			continue // not about a subtree, as p.why says
		}
		res := p.send()
		if res.Status != p.want {
			t.Errorf("%s as an authority of another subtree: %d, want %d: %.300s", key, res.Status, p.want, res.Body)
		}
		if strings.Contains(string(res.Body), "Chi bộ thôn Một") && key != "GET /console/rounds/:rid/ratings" {
			t.Errorf("%s shows c1 to an authority of c2", key)
		}
		if key == "GET /console/rounds/:rid/ratings" && strings.Contains(string(res.Body), "Chi bộ thôn Một") {
			t.Errorf("the ratings page lists c1 to an authority of c2")
		}
	}
	for key := range probes {
		if !seen[key] {
			t.Errorf("%s is classified here but is not an authority route", key)
		}
	}
	// nothing was rated by all of this
	if rep := e.must(200, "GET", r+"/report?unit=p", e.admin, nil).JSON; rep["rated"] != 0.0 {
		t.Fatalf("ratings were stored: %v", rep["rated"])
	}
}
