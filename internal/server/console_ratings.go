package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/forms"
	"ballot/internal/i18n"
	"ballot/internal/report"
	"ballot/internal/service"
)

type ratingRow struct{ ID, Name, Level, Reason string }

type optionLabel struct{ ID, Label string }

// ratingsPage lists the targets strictly below the authority's unit with
// their levels, and the quota status of its groups.
func (s *Server) ratingsPage(c *fiber.Ctx, shown error) error {
	p := newConsolePage(c, "console.ratings")
	rid := c.Params("rid")
	r, err := s.svc.Round(rid)
	if err != nil {
		return err
	}
	p.Round = r
	rep, _, err := s.svc.Report(principal(c), rid, service.ReportQuery{Compare: service.NoCompare})
	if err != nil {
		return err
	}
	p.Report = rep
	ratings, err := s.svc.Ratings(rid)
	if err != nil {
		return err
	}
	units, err := s.svc.Units(rid)
	if err != nil {
		return err
	}
	byID := map[string]string{}
	for _, u := range units {
		byID[u.ID] = u.Parent
	}
	below := func(id string) bool {
		for x := byID[id]; x != ""; x = byID[x] {
			if x == p.User.Unit {
				return true
			}
		}
		return false
	}
	for _, u := range units {
		if u.IsTarget() && below(u.ID) {
			rt := ratings[u.ID]
			p.Rows = append(p.Rows, ratingRow{ID: u.ID, Name: u.Name, Level: rt.Level, Reason: rt.Reason})
		}
	}
	p.Levels = append(p.Levels, optionLabel{"", "—"})
	for _, o := range forms.OptionSets["level4"] {
		p.Levels = append(p.Levels, optionLabel{o.ID, pick(p.Lang, o.Label, o.LabelEN)})
	}
	p.Levels = append(p.Levels, optionLabel{report.NotRated, i18n.M("console.not_rated").In(p.Lang)})
	if c.Query("notice") == "saved" {
		p.Notice = i18n.M("console.notice_saved").In(p.Lang)
	}
	return renderConsole(c, p.show(shown), "ratings.html", p)
}

func (s *Server) consoleRatings(c *fiber.Ctx) error { return s.ratingsPage(c, nil) }

func (s *Server) ratingsSaved(c *fiber.Ctx) error {
	return c.Redirect("/console/rounds/"+c.Params("rid")+"/ratings?notice=saved&lang="+string(newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}

func (s *Server) consoleRate(c *fiber.Ctx) error {
	in := report.RatingIn{Level: c.FormValue("level"), Reason: strings.TrimSpace(c.FormValue("reason"))}
	if _, err := s.svc.Rate(principal(c), c.Params("rid"), c.Params("unit"), in); err != nil {
		return s.ratingsPage(c, err)
	}
	return s.ratingsSaved(c)
}

func (s *Server) consoleImportRatings(c *fiber.Ctx) error {
	data, err := upload(c, "file", MaxBody)
	if err != nil {
		return s.ratingsPage(c, err)
	}
	rows, err := report.ParseRatings(data, strings.HasPrefix(string(data), "PK\x03\x04"))
	if err == nil {
		_, err = s.svc.ImportRatings(principal(c), c.Params("rid"), rows)
	}
	if err != nil {
		return s.ratingsPage(c, err)
	}
	return s.ratingsSaved(c)
}

func (s *Server) consoleFinal(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		return s.ratingsPage(c, apperr.Field("confirm", "field.required"))
	}
	if _, err := s.svc.MarkFinal(principal(c), c.Params("rid")); err != nil {
		return s.ratingsPage(c, err)
	}
	return s.ratingsSaved(c)
}

// consoleCap sets the cap of a deciding unit's group.
func (s *Server) consoleCap(c *fiber.Ctx) error {
	unit, group, _ := strings.Cut(c.FormValue("quota"), "|")
	in := report.CapIn{Unit: unit, Group: group, CapPercent: c.FormValue("cap_percent")}
	if _, err := s.svc.SetCap(principal(c), c.Params("rid"), in); err != nil {
		return s.ratingsPage(c, err)
	}
	return s.ratingsSaved(c)
}
