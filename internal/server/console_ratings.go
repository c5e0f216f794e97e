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

// sheetsView is an authority's list of rating sheets.
type sheetsView struct {
	*service.Sheets
	Search *unitSearch
}

// sheetView is one rating sheet as the page shows it: the rows with the
// values in their fields (as saved, or as posted when a save was
// refused), the levels to pick from, and the row errors.
type sheetView struct {
	*service.Sheet
	Rows     []sheetRowView
	Levels   []optionLabel
	Decision string
	Date     string
	Search   *unitSearch
	// Focus is the target a search opened the sheet on.
	Focus string
	// Groups are the sheet's peer groups, for the cap form.
	Groups []string
}

type sheetRowView struct {
	service.SheetRow
	Level, Reason string
	Error         string
}

type optionLabel struct{ ID, Label string }

// levelIDs are the levels a sheet offers, best first, then not rated.
var levelIDs = append(append([]string(nil), forms.Levels...), report.NotRated)

// ratingsPath is the ratings page of round rid, on unit's sheet if any.
func ratingsPath(rid, unit, notice string, l i18n.Lang) string {
	return unitPagePath(rid, "ratings", unit, notice, l)
}

func (s *Server) consoleRatings(c *fiber.Ctx) error {
	if c.Query("unit") != "" {
		return s.sheetPage(c, c.Query("unit"), nil, nil)
	}
	return s.sheetsPage(c, nil)
}

// sheetsPage lists the deciding units of the authority's subtree, each a
// sheet to rate, with how far each has come, and the forms that act on
// the whole subtree (file import, final report).
func (s *Server) sheetsPage(c *fiber.Ctx, shown error) error {
	p := newConsolePage(c, "console.ratings")
	rid := c.Params("rid")
	sh, err := s.svc.RatingSheets(principal(c), rid)
	if err != nil {
		return err
	}
	p.Round = sh.Round
	v := &sheetsView{Sheets: sh}
	if v.Search, err = s.searchUnits(c, p, "/console/rounds/"+rid+"/ratings", service.FindSheet); err != nil {
		return err
	}
	if key, ok := notices[c.Query("notice")]; ok {
		p.Notice = i18n.M(key).In(p.Lang)
	}
	p.View = v
	return renderConsole(c, p.show(shown), "ratings.html", p)
}

// sheetPage shows the sheet of unit; posted, when a save was refused, keeps
// what was entered, and shown is the refusal.
func (s *Server) sheetPage(c *fiber.Ctx, unit string, posted *service.SheetIn, shown error) error {
	p := newConsolePage(c, "console.ratings")
	rid := c.Params("rid")
	sh, err := s.svc.RatingSheet(principal(c), rid, unit)
	if err != nil {
		return err
	}
	if unit != sh.Unit.ID && posted == nil {
		// a target: its deciding unit's sheet, scrolled to its row
		return c.Redirect(ratingsPath(rid, sh.Unit.ID, "", p.Lang)+"&focus="+unit+"#t-"+unit, fiber.StatusSeeOther)
	}
	p.Round = sh.Round
	v := &sheetView{Sheet: sh, Decision: sh.Decision, Date: sh.Date, Focus: c.Query("focus")}
	for _, id := range levelIDs {
		v.Levels = append(v.Levels, optionLabel{id, levelName(p.Lang, id)})
	}
	byUnit := map[string]service.SheetRowIn{}
	if posted != nil {
		v.Decision, v.Date = posted.Decision, posted.Date
		for _, r := range posted.Rows {
			byUnit[r.Unit] = r
		}
	}
	for _, row := range sh.Rows {
		rv := sheetRowView{SheetRow: row}
		if row.Rating != nil {
			rv.Level, rv.Reason = row.Rating.Level, row.Rating.Reason
		}
		if in, ok := byUnit[row.Unit.ID]; ok {
			rv.Level, rv.Reason = in.Level, in.Reason
		}
		v.Rows = append(v.Rows, rv)
	}
	for _, q := range sh.Quota {
		v.Groups = append(v.Groups, q.Group)
	}
	status := p.show(shown)
	if posted != nil && shown != nil {
		// a refused row is named by its target, and shown beside its row
		p.RowErrors = nil
		for _, re := range apperr.Wrap(shown).Rows {
			if re.Row < 1 || re.Row > len(posted.Rows) {
				continue
			}
			for i := range v.Rows {
				if v.Rows[i].Unit.ID == posted.Rows[re.Row-1].Unit {
					v.Rows[i].Error = consoleMsg(re.Msg, p.Lang)
					p.RowErrors = append(p.RowErrors, v.Rows[i].Unit.Name+": "+v.Rows[i].Error)
				}
			}
		}
	}
	if v.Search, err = s.searchUnits(c, p, "/console/rounds/"+rid+"/ratings", service.FindSheet); err != nil {
		return err
	}
	switch c.Query("notice") {
	case "saved", "unchanged":
		p.Notice = i18n.M(notices[c.Query("notice")]).In(p.Lang)
	}
	p.View = v
	return renderConsole(c, status, "sheet.html", p)
}

// sheetIn reads a posted sheet: the decision, and for each row (in the
// order the page listed them) its level and reason.
func sheetIn(c *fiber.Ctx) *service.SheetIn {
	in := &service.SheetIn{Decision: strings.TrimSpace(c.FormValue("decision")), Date: strings.TrimSpace(c.FormValue("date"))}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) == "row" {
			id := string(v)
			in.Rows = append(in.Rows, service.SheetRowIn{Unit: id})
		}
	})
	for i := range in.Rows {
		id := in.Rows[i].Unit
		in.Rows[i].Level = c.FormValue("level." + id)
		in.Rows[i].Reason = strings.TrimSpace(c.FormValue("reason." + id))
	}
	return in
}

// consoleRateSheet saves a whole sheet in one submission.
func (s *Server) consoleRateSheet(c *fiber.Ctx) error {
	unit := c.Params("unit")
	in := sheetIn(c)
	n, err := s.svc.RateSheet(principal(c), c.Params("rid"), unit, *in)
	if err != nil {
		return s.sheetPage(c, unit, in, err)
	}
	notice := "saved"
	if n == 0 {
		notice = "unchanged"
	}
	return c.Redirect(ratingsPath(c.Params("rid"), unit, notice, newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}

func (s *Server) consoleImportRatings(c *fiber.Ctx) error {
	data, err := upload(c, "file", MaxBody)
	if err != nil {
		return s.sheetsPage(c, err)
	}
	rows, err := report.ParseRatings(data, strings.HasPrefix(string(data), "PK\x03\x04"))
	if err == nil {
		_, err = s.svc.ImportRatings(principal(c), c.Params("rid"), rows)
	}
	if err != nil {
		return s.sheetsPage(c, err)
	}
	return c.Redirect(ratingsPath(c.Params("rid"), "", "saved", newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}

func (s *Server) consoleFinal(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		return s.sheetsPage(c, apperr.Field("confirm", "field.required"))
	}
	if _, err := s.svc.MarkFinal(principal(c), c.Params("rid")); err != nil {
		return s.sheetsPage(c, err)
	}
	return c.Redirect(ratingsPath(c.Params("rid"), "", "saved", newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}

// consoleCap sets the cap of a deciding unit's peer group, from its sheet.
func (s *Server) consoleCap(c *fiber.Ctx) error {
	unit, group := c.FormValue("unit"), c.FormValue("group")
	if q := c.FormValue("quota"); q != "" {
		unit, group, _ = strings.Cut(q, "|")
	}
	in := report.CapIn{Unit: unit, Group: group, CapPercent: c.FormValue("cap_percent")}
	if _, err := s.svc.SetCap(principal(c), c.Params("rid"), in); err != nil {
		if unit == "" {
			return s.sheetsPage(c, err)
		}
		return s.sheetPage(c, unit, nil, err)
	}
	return c.Redirect(ratingsPath(c.Params("rid"), unit, "saved", newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}
