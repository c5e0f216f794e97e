package demo

import (
	"maps"
	"math/rand/v2"
	"slices"

	"ballot/internal/auth"
	"ballot/internal/forms"
	"ballot/internal/report"
	"ballot/internal/rounds"
	"ballot/internal/service"
)

// levelCount is how many targets of a kind get a level.
type levelCount struct {
	level string
	n     int
}

// excellentCap is the default quota of HTXS, in percent of good-or-better
// in each deciding unit and group (docs/design.md §5.4).
const excellentCap = 20

// planLevels decides the final level of every target of units whose kind
// has a plan, in a fixed random order: first the levels below good and
// "not rated", anywhere; then, among the good-or-better ones, the excellent
// ones spread over the deciding units and groups within each one's quota
// (as an authority keeping to the cap would; none breached while the caps
// allow the count), the rest HTT.
func planLevels(units []rounds.Unit, plans map[string][]levelCount) map[string]string {
	rng := rand.New(rand.NewPCG(20, 26))
	out := map[string]string{}
	for _, kind := range slices.Sorted(maps.Keys(plans)) {
		plan := plans[kind]
		var targets []rounds.Unit
		for _, u := range units {
			if u.IsTarget() && u.Kind == kind {
				targets = append(targets, u)
			}
		}
		rng.Shuffle(len(targets), func(i, j int) { targets[i], targets[j] = targets[j], targets[i] })
		excellent, good := 0, 0
		for _, lc := range plan {
			switch lc.level {
			case forms.LevelHTXS:
				excellent = lc.n
			case forms.LevelHTT:
				good = lc.n
			default:
				for range lc.n {
					out[targets[0].ID], targets = lc.level, targets[1:]
				}
			}
		}
		if len(targets) != excellent+good {
			panic("demo: a level plan does not cover its targets")
		}
		// the good-or-better, by deciding unit and group, in a fixed order
		type cell struct {
			units []string
			given int
		}
		cells := map[[2]string]*cell{}
		var order []*cell
		for _, u := range targets {
			k := [2]string{u.Parent, u.Group}
			if cells[k] == nil {
				cells[k] = &cell{}
				order = append(order, cells[k])
			}
			cells[k].units = append(cells[k].units, u.ID)
			out[u.ID] = forms.LevelHTT
		}
		within := func(c *cell) bool { return (c.given+1)*100 <= excellentCap*len(c.units) }
		for excellent > 0 {
			placed := false
			for _, c := range order {
				if excellent > 0 && within(c) {
					out[c.units[c.given]] = forms.LevelHTXS
					c.given, excellent, placed = c.given+1, excellent-1, true
				}
			}
			if !placed { // beyond every cap: breaches, flagged by the report
				for _, c := range order {
					if excellent > 0 && c.given < len(c.units) {
						out[c.units[c.given]] = forms.LevelHTXS
						c.given, excellent = c.given+1, excellent-1
					}
				}
			}
		}
	}
	return out
}

// rate records levels (planLevels) as the authority by, all in one import
// with one decision, and marks the report final.
func rate(svc *service.Service, by auth.Principal, rid string, units []rounds.Unit, levels map[string]string) error {
	var rows []report.ImportRow
	for _, u := range units {
		level, ok := levels[u.ID]
		if !ok {
			continue
		}
		in := report.RatingIn{Level: level, Decision: "125-QĐ/TU", Date: "2026-01-15"}
		if level == report.NotRated {
			in.Reason = "Mới thành lập, chưa đủ 6 tháng hoạt động"
		}
		rows = append(rows, report.ImportRow{Row: len(rows) + 2, Unit: u.ID, In: in})
	}
	if _, err := svc.ImportRatings(by, rid, rows); err != nil {
		return err
	}
	_, err := svc.MarkFinal(by, rid)
	return err
}
