// Package demo seeds the demo database of `ballot demo` (last year's round
// final, this year's open, a user per role, a printed guide) and the counted
// province rounds of the document tests, through the service as users would.
package demo

import (
	_ "embed"

	"ballot/internal/auth"
	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/service"
)

// ProvinceCSV is a province-sized unit tree (1 province, 21 district-level
// organizations, 957 grassroots organizations) in the import format.
//
//go:embed province-units.csv
var ProvinceCSV []byte

// provinceUnits is the province tree.
func provinceUnits() ([]rounds.Unit, error) { return rounds.ParseUnitsCSV(ProvinceCSV) }

// actor is who the seeding acts as, in the audit log.
var actor = auth.Principal{Name: "demo"}

// ProvinceRound makes a draft round of 2026 titled title over the province
// tree, with every built-in form, and returns it with its units.
func ProvinceRound(svc *service.Service, actor auth.Principal, title string) (*rounds.Round, []rounds.Unit, error) {
	return provinceRound(svc, actor, title, 2026)
}

func provinceRound(svc *service.Service, actor auth.Principal, title string, year int) (*rounds.Round, []rounds.Unit, error) {
	units, err := provinceUnits()
	if err != nil {
		return nil, nil, err
	}
	r, err := templatesRound(svc, actor, title, year, units)
	return r, units, err
}

// templatesRound makes a draft round of year over units with every built-in
// form.
func templatesRound(svc *service.Service, actor auth.Principal, title string, year int, units []rounds.Unit) (*rounds.Round, error) {
	r, err := svc.CreateRound(actor, rounds.NewRound{Title: title, Year: year})
	if err != nil {
		return nil, err
	}
	for _, id := range forms.TemplateIDs() {
		f, _ := forms.Template(id)
		if _, err := svc.AddForm(actor, r.ID, &f); err != nil {
			return nil, err
		}
	}
	if _, err := svc.ImportUnits(actor, r.ID, append([]rounds.Unit(nil), units...), true); err != nil {
		return nil, err
	}
	return r, nil
}
