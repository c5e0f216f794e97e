package server_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/auth"
)

// TestEveryRouteHasARuleAndEnforcesIt walks every route the app registers: each
// must have an access rule, and each non-public route must refuse a missing
// token, a wrong token and every role its rule leaves out. A new route
// registered without a rule fails here. spec is who may call each route
// (docs/design.md §2), written independently of the server's own table so that
// a wrong rule is caught, not just a missing one. "anyone" marks public routes.
var spec = map[string]string{
	"GET /healthz":                                  "anyone",
	"GET /console/login":                            "anyone",
	"POST /console/login":                           "anyone",
	"POST /console/logout":                          "console admin committee authority",
	"GET /console/password":                         "console admin committee authority",
	"POST /console/password":                        "console admin committee authority",
	"GET /console/rounds/new":                       "console admin",
	"POST /console/rounds":                          "console admin",
	"GET /console/rounds/:rid":                      "console admin committee authority",
	"POST /console/rounds/:rid/forms":               "console admin",
	"POST /console/rounds/:rid/units":               "console admin",
	"POST /console/rounds/:rid/key":                 "console admin committee",
	"GET /console/rounds/:rid/verify":               "console admin committee",
	"POST /console/rounds/:rid/verify":              "console admin committee",
	"GET /console/rounds/:rid/forms/:fid/preview":   "console admin committee authority",
	"POST /console/rounds/:rid/schedule":            "console admin",
	"GET /console/rounds/:rid/open":                 "console admin",
	"POST /console/rounds/:rid/open":                "console admin",
	"GET /console/rounds/:rid/close":                "console admin",
	"POST /console/rounds/:rid/close":               "console admin",
	"GET /console/rounds/:rid/units.json":           "console admin committee authority",
	"GET /console/rounds/:rid/turnout":              "console admin authority",
	"GET /console/rounds/:rid/codes":                "console admin",
	"GET /console/rounds/:rid/demo-codes":           "console admin",
	"GET /console/rounds/:rid/demo-codes/slips":     "console admin",
	"GET /console/rounds/:rid/plan":                 "console admin",
	"POST /console/rounds/:rid/plan":                "console admin",
	"GET /console/rounds/:rid/slips":                "console admin",
	"POST /console/rounds/:rid/batches.csv":         "console admin",
	"GET /console/rounds/:rid/batches/:bid/revoke":  "console admin",
	"GET /console/rounds/:rid/batches/:bid/:format": "console admin",
	"POST /console/rounds/:rid/batches/:bid/revoke": "console admin",
	"POST /console/rounds/:rid/codes/revoke":        "console admin",
	"GET /console/rounds/:rid/turnout.json":         "console admin authority",
	"GET /console/rounds/:rid/ratings":              "console authority",
	"POST /console/rounds/:rid/ratings":             "console authority",
	"POST /console/rounds/:rid/ratings/:unit":       "console authority",
	"POST /console/rounds/:rid/final":               "console authority",
	"POST /console/rounds/:rid/caps":                "console authority",
	"GET /console/rounds/:rid/count":                "console admin committee",
	"POST /console/rounds/:rid/count":               "console admin committee",
	"GET /console/rounds/:rid/minutes":              "console admin committee authority",
	"GET /console/rounds/:rid/receipts":             "console admin committee authority",
	"GET /console/rounds/:rid/documents":            "console admin authority",
	"POST /console/rounds/:rid/documents":           "console admin",
	"POST /console/rounds/:rid/signers":             "console admin",
	"POST /console/rounds/:rid/results":             "console admin",
	"GET /console/rounds/:rid/:file":                "console admin authority",
	"GET /console/audit":                            "console admin",
	"GET /console/users":                            "console admin",
	"POST /console/users":                           "console admin",
	"POST /console/users/:name/:action":             "console admin",
	"GET /console":                                  "console admin committee authority",
	"GET /":                                         "anyone",
	"POST /":                                        "anyone",
	"POST /ballot":                                  "anyone",
	"GET /receipt":                                  "anyone",
	"GET /static/:name":                             "anyone",
	"POST /api/v1/rounds":                           "admin",
	"GET /api/v1/rounds":                            "admin authority committee",
	"GET /api/v1/rounds/:rid":                       "admin authority committee",
	"PATCH /api/v1/rounds/:rid":                     "admin",
	"PUT /api/v1/rounds/:rid/key":                   "admin committee",
	"POST /api/v1/rounds/:rid/forms":                "admin",
	"GET /api/v1/rounds/:rid/forms/:fid":            "anyone",
	"POST /api/v1/rounds/:rid/units":                "admin",
	"GET /api/v1/rounds/:rid/result":                "admin authority",
	"GET /api/v1/rounds/:rid/results":               "admin authority",
	"POST /api/v1/rounds/:rid/results":              "admin",
	"PUT /api/v1/rounds/:rid/signers/:unit":         "admin",
	"GET /api/v1/rounds/:rid/units":                 "admin authority committee",
	"POST /api/v1/rounds/:rid/open":                 "admin",
	"POST /api/v1/rounds/:rid/close":                "admin",
	"GET /api/v1/audit":                             "admin",
	"POST /api/v1/rounds/:rid/batches":              "admin",
	"GET /api/v1/rounds/:rid/batches":               "admin",
	"GET /api/v1/rounds/:rid/batches/:bid/codes":    "admin",
	"POST /api/v1/rounds/:rid/batches/:bid/revoke":  "admin",
	"POST /api/v1/rounds/:rid/codes/revoke":         "admin",
	"GET /api/v1/rounds/:rid/turnout":               "admin authority",
	"POST /api/v1/rounds/:rid/count":                "admin committee",
	"GET /api/v1/rounds/:rid/receipts":              "anyone",
	"POST /api/v1/ballots":                          "anyone",
	"GET /api/v1/rounds/:rid/tally":                 "admin authority",
	"PUT /api/v1/rounds/:rid/ratings/:unit":         "authority",
	"POST /api/v1/rounds/:rid/ratings":              "authority",
	"PUT /api/v1/rounds/:rid/caps":                  "authority",
	"POST /api/v1/rounds/:rid/report/final":         "authority",
	"GET /api/v1/rounds/:rid/report":                "admin authority",
	"GET /api/v1/rounds/:rid/minutes":               "admin authority",
	"GET /api/v1/backup":                            "admin",
	"GET /api/v1/backup/keys":                       "admin",
	"POST /api/v1/rounds/:rid/count/verify":         "admin committee",
	"GET /metrics":                                  "admin",
}

func TestEveryRouteHasARuleAndEnforcesIt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	tokens := map[auth.Role]string{
		auth.Admin:     e.admin,
		auth.Committee: e.user("ban-kiem-phieu", auth.Committee, ""),
		auth.Authority: e.user("tinh-uy", auth.Authority, "p"),
	}
	params := strings.NewReplacer(":rid", rid, ":fid", "to-chuc-co-so-dang", ":unit", "c1", ":bid", "b1", ":file", "tally", ":name", "app.css", ":format", "slips", ":action", "reset")
	routes := e.srv.App.GetRoutes(true)
	if len(routes) < 10 {
		t.Fatalf("only %d routes: the walk is broken", len(routes))
	}
	checked := 0
	for _, r := range routes {
		rule, ok := e.srv.Rule(r.Method, r.Path)
		if !ok {
			t.Errorf("%s %s has no access rule", r.Method, r.Path)
			continue
		}
		method := r.Method
		if method == "HEAD" {
			method = "GET"
		}
		want, ok := spec[method+" "+r.Path]
		if !ok {
			t.Errorf("%s %s is not in the test's table of access", r.Method, r.Path)
			continue
		}
		if rule.Public != (want == "anyone") {
			t.Errorf("%s %s: public is %v, the table says %q", r.Method, r.Path, rule.Public, want)
		}
		for _, role := range []auth.Role{auth.Admin, auth.Committee, auth.Authority} {
			if rule.Allows(role) != (want == "anyone" || strings.Contains(want, string(role))) {
				t.Errorf("%s %s: rule allows %s = %v, the table says %q", r.Method, r.Path, role, rule.Allows(role), want)
			}
		}
		if rule.Console != strings.HasPrefix(want, "console ") {
			t.Errorf("%s %s: console is %v, the table says %q", r.Method, r.Path, rule.Console, want)
		}
		if rule.Public {
			continue
		}
		path := params.Replace(r.Path)
		if rule.Console {
			consoleRefusals(t, e, r.Method, path)
			checked++
			continue
		}
		if got := e.do(r.Method, path, "", nil); got.Status != 401 || got.ErrCode() != "unauthorized" {
			t.Errorf("%s %s without a token: %d %s", r.Method, r.Path, got.Status, got.Body)
		}
		if got := e.do(r.Method, path, "bt_wrong", nil); got.Status != 401 || got.ErrCode() != "unauthorized" {
			t.Errorf("%s %s with a wrong token: %d %s", r.Method, r.Path, got.Status, got.Body)
		}
		if got := e.do(r.Method, path, "", nil, "Authorization", "Basic YWRtaW46YWRtaW4="); got.Status != 401 {
			t.Errorf("%s %s with basic auth: %d", r.Method, r.Path, got.Status)
		}
		for role, tok := range tokens {
			if rule.Allows(role) {
				continue
			}
			got := e.do(r.Method, path, tok, nil)
			if got.Status != 403 || got.ErrCode() != "forbidden" {
				t.Errorf("%s %s as %s: %d %s", r.Method, r.Path, role, got.Status, got.Body)
			}
		}
		checked++
	}
	if checked < 8 {
		t.Fatalf("checked only %d protected routes", checked)
	}
}

func TestDisabledUsersTokenIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.user("x", auth.Admin, "")
	e.must(200, "GET", "/api/v1/rounds", tok, nil)
	e.disable("x")
	if got := e.do("GET", "/api/v1/rounds", tok, nil); got.Status != 401 {
		t.Fatalf("disabled user: %d", got.Status)
	}
}

// TestAPanicAnswers500AndTheServerGoesOn: a bug that panics in a handler
// must not stop the server (it holds every participant's submission).
func TestAPanicAnswers500AndTheServerGoesOn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.srv.App.Get("/test-panic", func(*fiber.Ctx) error { panic("a bug") })
	if r := e.do("GET", "/test-panic", "", nil); r.Status != 500 || r.ErrCode() != "internal" {
		t.Fatalf("panic: %d %s", r.Status, r.Body)
	}
	e.must(200, "GET", "/healthz", "", nil)
	if !strings.Contains(e.logs.String(), `"msg":"panic"`) {
		t.Fatal("the panic was not logged")
	}
}

// consoleRefusals checks that a console route refuses a missing or unknown
// session and, for posts, a wrong CSRF token.
func consoleRefusals(t *testing.T, e *env, method, path string) {
	t.Helper()
	for _, cookie := range []string{"", "ballot_session=wrong"} {
		r := e.do(method, path, "", "", "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded")
		if method == "GET" && (r.Status != 303 || r.Header.Get("Location") != "/console/login") || method != "GET" && r.Status != 401 {
			t.Errorf("%s %s with cookie %q: %d", method, path, cookie, r.Status)
		}
	}
	if method != "GET" {
		session := e.login("admin")
		if r := e.page(method, path, session, url.Values{"_csrf": {"wrong"}}); r.Status != 403 {
			t.Errorf("%s %s with a wrong CSRF token: %d", method, path, r.Status)
		}
	}
}
