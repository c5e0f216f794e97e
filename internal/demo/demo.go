// Package demo seeds a database with a demonstration round over a
// province-sized organization tree, so `ballot demo` shows something real.
package demo

import (
	_ "embed"
	"fmt"
	"io"
	"strings"

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
	r, units, err := ProvinceRound(svc, actor, "Đánh giá chất lượng năm 2026 (bản trình diễn)")
	if err != nil {
		return err
	}
	// A few batches to vote with: three grassroots organizations, and the
	// first district's collective together with one of its grassroots.
	var grassroots []rounds.Unit
	district := ""
	for _, u := range units {
		switch {
		case u.Kind == "grassroots" && len(grassroots) < 3:
			grassroots = append(grassroots, u)
		case u.Kind == "district" && district == "":
			district = u.ID
		}
	}
	var lines []string
	for _, u := range grassroots {
		_, list, err := svc.IssueBatch(actor, r.ID, rounds.NewBatch{Targets: []string{u.ID}, Count: 5, Label: u.Name})
		if err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("  %s  %s", list[0], u.Name))
	}
	_, list, err := svc.IssueBatch(actor, r.ID, rounds.NewBatch{Targets: []string{district, grassroots[0].ID}, Count: 5, Label: "hai đối tượng"})
	if err != nil {
		return err
	}
	lines = append(lines, fmt.Sprintf("  %s  %s + %s", list[0], district, grassroots[0].Name))
	_, priv, err := svc.OpenRound(actor, r.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Demo round %s is open with %d units. Codes to try:\n%s\n", r.ID, len(units), strings.Join(lines, "\n"))
	fmt.Fprintf(out, "The round's private key (the counting committee's; demo only):\n  %s\n", priv)
	return nil
}

// ProvinceRound makes a draft round titled title over the province tree,
// with every built-in form, and returns it with its units.
func ProvinceRound(svc *service.Service, actor auth.Principal, title string) (*rounds.Round, []rounds.Unit, error) {
	r, err := svc.CreateRound(actor, rounds.NewRound{Title: title, Year: 2026})
	if err != nil {
		return nil, nil, err
	}
	for _, id := range forms.TemplateIDs() {
		f, _ := forms.Template(id)
		if _, err := svc.AddForm(actor, r.ID, &f); err != nil {
			return nil, nil, err
		}
	}
	units, err := rounds.ParseUnitsCSV(ProvinceCSV)
	if err != nil {
		return nil, nil, err
	}
	if _, err := svc.ImportUnits(actor, r.ID, units, true); err != nil {
		return nil, nil, err
	}
	return r, units, nil
}
