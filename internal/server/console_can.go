package server

import (
	"fmt"
	"strings"

	"ballot/internal/auth"
	"ballot/internal/rounds"
)

// consoleActions is every action the console offers, by the name templates
// ask for (`.Can "open"`): the route that does it, whose access rule says
// who may, and the round action it needs, whose state table says when.
// Pages never restate roles or states: a change to either table shows.
var consoleActions = map[string]struct {
	route string
	act   rounds.Action
}{
	"new_round":     {"GET /console/rounds/new", ""},
	"users":         {"GET /console/users", ""},
	"audit":         {"GET /console/audit", ""},
	"edit":          {"POST /console/rounds/:rid/schedule", rounds.ActEdit},
	"extend":        {"POST /console/rounds/:rid/schedule", rounds.ActExtend},
	"set_key":       {"POST /console/rounds/:rid/key", rounds.ActSetKey},
	"add_form":      {"POST /console/rounds/:rid/forms", rounds.ActAddForm},
	"import_units":  {"POST /console/rounds/:rid/units", rounds.ActImportUnits},
	"open":          {"POST /console/rounds/:rid/open", rounds.ActOpen},
	"close":         {"POST /console/rounds/:rid/close", rounds.ActClose},
	"codes":         {"GET /console/rounds/:rid/codes", rounds.ActCodes},
	"add_batch":     {"POST /console/rounds/:rid/plan", rounds.ActAddBatch},
	"revoke":        {"POST /console/rounds/:rid/batches/:bid/revoke", rounds.ActRevoke},
	"show_codes":    {"GET /console/rounds/:rid/slips", rounds.ActShowCodes},
	"turnout":       {"GET /console/rounds/:rid/turnout", rounds.ActCodes},
	"count":         {"POST /console/rounds/:rid/count", rounds.ActCount},
	"verify":        {"POST /console/rounds/:rid/verify", rounds.ActVerify},
	"read_tally":    {"GET /console/rounds/:rid/:file", rounds.ActReadTally},
	"minutes":       {"GET /console/rounds/:rid/minutes", rounds.ActReadCount},
	"receipts":      {"GET /console/rounds/:rid/receipts", rounds.ActReadCount},
	"rate":          {"POST /console/rounds/:rid/ratings/:unit", rounds.ActRate},
	"documents":     {"GET /console/rounds/:rid/documents", rounds.ActDocuments},
	"set_documents": {"POST /console/rounds/:rid/documents", rounds.ActDocuments},
	"register_key":  {"POST /console/rounds/:rid/signers", rounds.ActRegisterKey},
	"import_result": {"POST /console/rounds/:rid/results", rounds.ActImportResult},
	"export_result": {"GET /console/rounds/:rid/:file", rounds.ActExportResult},
	"demo_codes":    {"GET /console/rounds/:rid/demo-codes", rounds.ActSubmit},
}

// roundRules are the rules a round itself holds beyond the state table,
// asked of the round (rounds.Round), by console action.
var roundRules = map[string]func(auth.Role, *rounds.Round) bool{
	"set_key": func(role auth.Role, r *rounds.Round) bool { return r.MaySetKey(role == auth.Committee) == nil },
}

// demoOnly are the console actions that only a demo database offers
// (storage/demo.go): on any other, none is offered whatever the role.
var demoOnly = map[string]bool{"demo_codes": true}

// can reports whether role may do the console action name, on round r when
// the action belongs to a round's life (false without a round). An unknown
// name, or one whose route is not registered, is an error: a template that
// asks it fails rather than hiding the action.
func (s *Server) can(role auth.Role, r *rounds.Round, name string) (bool, error) {
	a, ok := consoleActions[name]
	if !ok {
		return false, fmt.Errorf("console: no action %q", name)
	}
	method, path, _ := strings.Cut(a.route, " ")
	rule, ok := s.Rule(method, path)
	if !ok {
		return false, fmt.Errorf("console: action %q names no route (%s)", name, a.route)
	}
	if !rule.Allows(role) || demoOnly[name] && !s.svc.Demo() {
		return false, nil
	}
	if a.act == "" {
		return true, nil
	}
	if r == nil {
		return false, nil
	}
	table := s.lifecycle
	if r.Parent {
		table = s.parentLifecycle
	}
	if !table.Allows(r.State, a.act) {
		return false, nil
	}
	own, ok := roundRules[name]
	return !ok || own(role, r), nil
}

// Can is can for the page's user and round (templates: {{if .Can "open"}}).
func (p *consolePage) Can(name string) (bool, error) {
	if p.srv == nil || p.User == nil {
		_, known := consoleActions[name]
		if !known {
			return false, fmt.Errorf("console: no action %q", name)
		}
		return false, nil
	}
	return p.srv.can(p.User.Role, p.Round, name)
}
