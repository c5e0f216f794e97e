package main

import (
	"encoding/json"
	"strconv"

	"github.com/google/uuid"

	"ballot/internal/demo"
	"ballot/internal/rounds"
	"ballot/internal/seal"
)

// Scenario "province" of docs/design.md §6: 978 targets (957 grassroots, 21
// district-level) and 61,567 codes — 62 per grassroots organization, 106 per
// district-level collective, the rest to the last district.
const (
	provinceTargets = 978
	provinceCodes   = 61_567
)

// vote is one code and a ready request body that uses it.
type vote struct {
	code, target string
	body         []byte
}

// seedProvince makes round r1 over the province tree with its codes, opens
// it, and returns a vote for every code.
func seedProvince(s *server) ([]vote, error) {
	kp, _ := seal.GenerateKeyPair()
	steps := []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/rounds", map[string]any{"title": "Tải thử", "year": 2026}},
		{"POST", "/api/v1/rounds/r1/forms", map[string]string{"template": "to-chuc-co-so-dang"}},
		{"POST", "/api/v1/rounds/r1/forms", map[string]string{"template": "tap-the-lanh-dao"}},
		{"POST", "/api/v1/rounds/r1/units", demo.ProvinceCSV},
		{"PUT", "/api/v1/rounds/r1/key", map[string]string{"public_key": kp.Public}},
	}
	for _, st := range steps {
		if err := s.call(st.method, st.path, st.body, nil); err != nil {
			return nil, err
		}
	}
	units, err := rounds.ParseUnitsCSV(demo.ProvinceCSV)
	if err != nil {
		return nil, err
	}
	per := provinceShares(units)
	var pool []vote
	for _, u := range units {
		n := per[u.ID]
		if n == 0 {
			continue
		}
		var b struct{ Codes []string }
		if err := s.call("POST", "/api/v1/rounds/r1/batches", map[string]any{"targets": []string{u.ID}, "count": n}, &b); err != nil {
			return nil, err
		}
		for _, c := range b.Codes {
			pool = append(pool, vote{code: c, target: u.ID, body: ballotBody(c, u.ID)})
		}
	}
	return pool, s.call("POST", "/api/v1/rounds/r1/open", nil, nil)
}

// provinceShares is the number of codes per target in the scenario.
func provinceShares(units []rounds.Unit) map[string]int {
	per := map[string]int{}
	last := ""
	for _, u := range units {
		switch {
		case !u.IsTarget():
		case u.Kind == "district":
			per[u.ID], last = 106, u.ID
		default:
			per[u.ID] = 62
		}
	}
	per[last] += provinceCodes - 957*62 - 21*106
	return per
}

// ballotBody is a whole submission for one target, as a phone posts it.
func ballotBody(code, target string) []byte {
	body, _ := json.Marshal(map[string]any{"code": code, "submission_id": uuid.NewString(),
		"ballots": []map[string]any{{"target": target, "answers": answers()}}})
	return body
}

// answers fills both built-in forms (they share question ids).
func answers() map[string]any {
	a := map[string]any{"level": "htt", "comment": "Tập thể đoàn kết, lãnh đạo hoàn thành tốt nhiệm vụ."}
	for i := 1; i <= 7; i++ {
		a["c"+strconv.Itoa(i)] = "tot"
	}
	return a
}
