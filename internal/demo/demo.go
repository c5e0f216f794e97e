// Package demo seeds a database with a demonstration round over a
// province-sized organization tree, so `ballot demo` shows something real.
package demo

import (
	_ "embed"
	"fmt"
	"io"

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

var actor = auth.Principal{Name: "demo"}

// Seed adds the demo round unless the database already has a round.
func Seed(svc *service.Service, out io.Writer) error {
	existing, err := svc.Rounds()
	if err != nil || len(existing) > 0 {
		return err
	}
	r, err := svc.CreateRound(actor, rounds.NewRound{Title: "Đánh giá chất lượng năm 2026 (bản trình diễn)", Year: 2026})
	if err != nil {
		return err
	}
	for _, id := range forms.TemplateIDs() {
		f, _ := forms.Template(id)
		if _, err := svc.AddForm(actor, r.ID, &f); err != nil {
			return err
		}
	}
	units, err := rounds.ParseCSV(ProvinceCSV)
	if err != nil {
		return err
	}
	if _, err := svc.ImportUnits(actor, r.ID, units, true); err != nil {
		return err
	}
	if _, _, err := svc.OpenRound(actor, r.ID); err != nil {
		return err
	}
	fmt.Fprintf(out, "Demo round %s opened with %d units.\n", r.ID, len(units))
	return nil
}
