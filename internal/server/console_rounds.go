package server

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/forms"
	"ballot/internal/i18n"
	"ballot/internal/intake"
	"ballot/internal/rounds"
	"ballot/internal/service"
)

// notices a round page may show after a change (by key, so a URL cannot
// put words on the page).
var notices = map[string]string{
	"created": "console.notice_created", "form": "console.notice_form", "units": "console.notice_units",
	"opened": "console.notice_opened", "closed": "console.notice_closed", "counted": "console.notice_counted",
	"revoked": "console.notice_revoked", "saved": "console.notice_saved",
}

func (s *Server) roundPath(rid, notice string, lang i18n.Lang) string {
	return "/console/rounds/" + rid + "?lang=" + string(lang) + "&notice=" + notice
}

func (s *Server) newRoundPage(c *fiber.Ctx) error {
	p := newConsolePage(c, "console.new_round")
	p.Year = s.svc.Now().Year()
	return renderConsole(c, fiber.StatusOK, "round_new.html", p)
}

func (s *Server) consoleCreateRound(c *fiber.Ctx) error {
	p := newConsolePage(c, "console.new_round")
	year, _ := strconv.Atoi(c.FormValue("year"))
	r, err := s.svc.CreateRound(principal(c), rounds.NewRound{Title: strings.TrimSpace(c.FormValue("title")), Year: year})
	if err != nil {
		p.Error, p.Name, p.Year = apperr.Wrap(err).Msg.In(p.Lang), c.FormValue("title"), year
		return renderConsole(c, fiber.StatusBadRequest, "round_new.html", p)
	}
	return c.Redirect(s.roundPath(r.ID, "created", p.Lang), fiber.StatusSeeOther)
}

// roundPage shows a round; err, when set, is shown with its row errors.
func (s *Server) roundPage(c *fiber.Ctx, shown error) error {
	return s.roundPageWith(c, shown, "", nil)
}

// roundPageWith is roundPage with a notice and rows of a checked file.
func (s *Server) roundPageWith(c *fiber.Ctx, shown error, notice string, preview []string) error {
	var err error
	p := newConsolePage(c, "console.rounds")
	p.Notice, p.Preview = notice, preview
	rid := c.Params("rid")
	r, rerr := s.svc.Round(rid)
	if rerr != nil {
		return rerr
	}
	p.Round, p.Title = r, r.Title
	p.IsAdmin = p.User.Role == auth.Admin
	p.CanCount = p.User.Role == auth.Admin || p.User.Role == auth.Committee
	p.CanRead = p.User.Role == auth.Admin || p.User.Role == auth.Authority
	p.Templates = forms.TemplateIDs()
	units, uerr := s.svc.Units(rid)
	if uerr != nil {
		return uerr
	}
	p.Units = len(units)
	for _, u := range units {
		if u.IsTarget() {
			p.Targets++
			p.TargetList = append(p.TargetList, u)
		}
	}
	if p.IsAdmin {
		if p.Batches, err = s.svc.Batches(rid); err != nil {
			return err
		}
	}
	if p.CanRead && r.State != rounds.Draft {
		if p.Turnout, err = s.svc.Turnout(rid); err != nil {
			return err
		}
		p.UnitTurnout = unitTurnout(units, p.Turnout)
	}
	fs, ferr := s.svc.Forms(rid)
	if ferr != nil {
		return ferr
	}
	for _, f := range fs {
		p.Forms = append(p.Forms, fmt.Sprintf("%s — %s (v%d, %s…)", f.ID, f.Title, f.Version, f.Hash[:12]))
		p.FormIDs = append(p.FormIDs, f.ID)
	}
	if key, ok := notices[c.Query("notice")]; ok && p.Notice == "" {
		p.Notice = i18n.M(key).In(p.Lang)
	}
	return renderConsole(c, p.show(shown), "round.html", p)
}

func (s *Server) consoleRound(c *fiber.Ctx) error { return s.roundPage(c, nil) }

// consoleAddForm adds a built-in template, or a form JSON uploaded as a
// file (its errors name the field).
func (s *Server) consoleAddForm(c *fiber.Ctx) error {
	var f *forms.Form
	if fh, err := c.FormFile("form_file"); err == nil {
		file, err := fh.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(io.LimitReader(file, formBody+1))
		file.Close()
		if err != nil {
			return err
		}
		if len(data) > formBody {
			return s.roundPage(c, apperr.New(apperr.Invalid, "body.too_large", formBody))
		}
		if f, err = service.ParseForm(data); err != nil {
			return s.roundPage(c, err)
		}
	} else {
		tpl, ok := forms.Template(c.FormValue("template"))
		if !ok {
			return s.roundPage(c, apperr.Field("template", "form.unknown_template", c.FormValue("template")))
		}
		f = &tpl
	}
	if _, err := s.svc.AddForm(principal(c), c.Params("rid"), f); err != nil {
		return s.roundPage(c, err)
	}
	return c.Redirect(s.roundPath(c.Params("rid"), "form", newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}

func (s *Server) consoleImportUnits(c *fiber.Ctx) error {
	data, err := upload(c, "file", MaxBody)
	if err != nil {
		return s.roundPage(c, err)
	}
	units, err := rounds.ParseCSV(data)
	if err == nil && c.FormValue("action") == "check" {
		if err = s.svc.CheckUnits(c.Params("rid"), units, true); err == nil {
			return s.unitsPreview(c, units)
		}
	}
	if err == nil {
		_, err = s.svc.ImportUnits(principal(c), c.Params("rid"), units, true)
	}
	if err != nil {
		return s.roundPage(c, err)
	}
	return c.Redirect(s.roundPath(c.Params("rid"), "units", newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}

// confirmPage asks before opening or closing.
func (s *Server) confirmPage(c *fiber.Ctx, titleKey, noticeKey, action string) error {
	p := newConsolePage(c, titleKey)
	r, err := s.svc.Round(c.Params("rid"))
	if err != nil {
		return err
	}
	p.Round, p.Action, p.Notice = r, "/console/rounds/"+r.ID+"/"+action, i18n.M(noticeKey, r.Title).In(p.Lang)
	return renderConsole(c, fiber.StatusOK, "confirm.html", p)
}

func (s *Server) openConfirm(c *fiber.Ctx) error {
	return s.confirmPage(c, "console.open_round", "console.open_explain", "open")
}

func (s *Server) closeConfirm(c *fiber.Ctx) error {
	return s.confirmPage(c, "console.close_round", "console.close_explain", "close")
}

func (s *Server) consoleOpen(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		return s.roundPage(c, apperr.Field("confirm", "field.required"))
	}
	r, priv, err := s.svc.OpenRound(principal(c), c.Params("rid"))
	if err != nil {
		return s.roundPage(c, err)
	}
	p := newConsolePage(c, "console.key_title")
	if priv == "" {
		return c.Redirect(s.roundPath(r.ID, "opened", p.Lang), fiber.StatusSeeOther)
	}
	// Shown once: the private key is stored nowhere.
	p.Round, p.Key = r, priv
	return renderConsole(c, fiber.StatusOK, "key.html", p)
}

func (s *Server) consoleClose(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		return s.roundPage(c, apperr.Field("confirm", "field.required"))
	}
	r, err := s.svc.CloseRound(principal(c), c.Params("rid"))
	if err != nil {
		return s.roundPage(c, err)
	}
	return c.Redirect(s.roundPath(r.ID, "closed", newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}

func (s *Server) countPage(c *fiber.Ctx) error {
	p := newConsolePage(c, "console.count")
	r, err := s.svc.Round(c.Params("rid"))
	if err != nil {
		return err
	}
	p.Round = r
	return renderConsole(c, fiber.StatusOK, "count.html", p)
}

// consoleCount counts with a pasted key or an uploaded key file; the key is
// held only while counting.
func (s *Server) consoleCount(c *fiber.Ctx) error {
	key := strings.TrimSpace(c.FormValue("private_key"))
	if fh, err := c.FormFile("key_file"); err == nil && key == "" {
		f, err := fh.Open()
		if err != nil {
			return err
		}
		raw, _ := io.ReadAll(io.LimitReader(f, 4096))
		f.Close()
		for _, line := range strings.Split(string(raw), "\n") {
			if line = strings.TrimSpace(line); strings.HasPrefix(line, "AGE-SECRET-KEY-1") {
				key = line
			}
		}
	}
	p := newConsolePage(c, "console.count")
	r, err := s.svc.Count(principal(c), c.Params("rid"), key, nil)
	if err != nil {
		if r, rerr := s.svc.Round(c.Params("rid")); rerr == nil {
			p.Round = r
		}
		e := apperr.Wrap(err)
		p.Error = e.Msg.In(p.Lang)
		return renderConsole(c, StatusOf(e.Code), "count.html", p)
	}
	return c.Redirect(s.roundPath(r.ID, "counted", p.Lang), fiber.StatusSeeOther)
}

// consoleFile answers a tally, report or minutes file for a signed-in
// authority or admin, through the same code as the API.
func (s *Server) consoleFile(c *fiber.Ctx) error {
	switch c.Params("file") {
	case "tally":
		return s.tally(c)
	case "report":
		return s.report(c)
	case "minutes":
		return s.minutes(c)
	}
	return apperr.New(apperr.NotFound, "not_found.route")
}

func (s *Server) auditPage(c *fiber.Ctx) error {
	p := newConsolePage(c, "console.audit")
	entries, err := s.svc.Audit(0, 0)
	if err != nil {
		return err
	}
	// newest first, the last 500
	for i := len(entries) - 1; i >= 0 && len(p.Entries) < 500; i-- {
		p.Entries = append(p.Entries, entries[i])
	}
	if p.Key, err = s.svc.AuditHead(); err != nil {
		return err
	}
	return renderConsole(c, fiber.StatusOK, "audit.html", p)
}

// consoleBatch makes a batch and answers its printable slips at once (while
// open, this is the only time they are shown).
func (s *Server) consoleBatch(c *fiber.Ctx) error {
	var targets []string
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) == "targets" {
			targets = append(targets, string(v))
		}
	})
	count, _ := strconv.Atoi(c.FormValue("count"))
	b, list, err := s.svc.IssueBatch(principal(c), c.Params("rid"), rounds.NewBatch{Targets: targets, Count: count, Label: strings.TrimSpace(c.FormValue("label"))})
	if err != nil {
		return s.roundPage(c, err)
	}
	return s.sendCodes(c, "slips", c.Params("rid"), b, list)
}

// consoleBatchCodes prints a draft batch's slips or CSV again.
func (s *Server) consoleBatchCodes(c *fiber.Ctx) error {
	format := map[string]string{"slips": "slips", "csv": "csv"}[c.Params("format")]
	if format == "" {
		return apperr.New(apperr.NotFound, "not_found.route")
	}
	b, list, err := s.svc.BatchCodes(principal(c), c.Params("rid"), c.Params("bid"))
	if err != nil {
		return err
	}
	return s.sendCodes(c, format, c.Params("rid"), b, list)
}

func (s *Server) consoleRevokeBatch(c *fiber.Ctx) error {
	if _, err := s.svc.RevokeBatch(principal(c), c.Params("rid"), c.Params("bid")); err != nil {
		return s.roundPage(c, err)
	}
	return c.Redirect(s.roundPath(c.Params("rid"), "revoked", newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}

func (s *Server) consoleRevokeCode(c *fiber.Ctx) error {
	if err := s.svc.RevokeCode(principal(c), c.Params("rid"), c.FormValue("code")); err != nil {
		return s.roundPage(c, err)
	}
	return c.Redirect(s.roundPath(c.Params("rid"), "revoked", newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}

// consoleTurnout answers the turnout for the page's script: counts only,
// per target and per unit with targets below.
func (s *Server) consoleTurnout(c *fiber.Ctx) error {
	t, err := s.svc.Turnout(c.Params("rid"))
	if err != nil {
		return err
	}
	units, err := s.svc.Units(c.Params("rid"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"issued": t.Issued, "used": t.Used, "targets": t.Targets, "units": unitTurnout(units, t)})
}

// unitRow is a unit's turnout: the sums over the targets strictly below it.
type unitRow struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Issued int    `json:"issued"`
	Used   int    `json:"used"`
}

// unitTurnout sums target turnout up the tree, for every unit that has
// targets below it, in the units' order.
func unitTurnout(units []rounds.Unit, t *service.Turnout) []unitRow {
	parent := map[string]string{}
	for _, u := range units {
		parent[u.ID] = u.Parent
	}
	sums := map[string]*unitRow{}
	for _, tt := range t.Targets {
		for p := parent[tt.ID]; p != ""; p = parent[p] {
			if sums[p] == nil {
				sums[p] = &unitRow{ID: p}
			}
			sums[p].Issued += tt.Issued
			sums[p].Used += tt.Used
		}
	}
	var out []unitRow
	for _, u := range units {
		if r := sums[u.ID]; r != nil {
			r.Name = u.Name
			out = append(out, *r)
		}
	}
	return out
}

func (s *Server) consoleSetKey(c *fiber.Ctx) error {
	if _, err := s.svc.SetKey(principal(c), c.Params("rid"), c.FormValue("public_key")); err != nil {
		return s.roundPage(c, err)
	}
	return c.Redirect(s.roundPath(c.Params("rid"), "saved", newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}

// localTime reads a datetime-local field as Vietnam time.
func localTime(field, v string) (*time.Time, error) {
	if v = strings.TrimSpace(v); v == "" {
		return nil, nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", v, i18n.Vietnam)
	if err != nil {
		return nil, apperr.Field(field, "field.bad")
	}
	return &t, nil
}

// consoleSchedule sets the opening and closing times (empty fields are left
// as they are).
func (s *Server) consoleSchedule(c *fiber.Ctx) error {
	opens, err := localTime("opens_at", c.FormValue("opens_at"))
	if err != nil {
		return s.roundPage(c, err)
	}
	closes, err := localTime("closes_at", c.FormValue("closes_at"))
	if err != nil {
		return s.roundPage(c, err)
	}
	if opens == nil && closes == nil {
		return s.roundPage(c, apperr.New(apperr.Invalid, "round.patch_empty"))
	}
	if _, err := s.svc.PatchRound(principal(c), c.Params("rid"), rounds.Patch{OpensAt: opens, ClosesAt: closes}); err != nil {
		return s.roundPage(c, err)
	}
	return c.Redirect(s.roundPath(c.Params("rid"), "saved", newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}

// formPreview shows a form as participants see it, without a way to send.
func (s *Server) formPreview(c *fiber.Ctx) error {
	r, err := s.svc.Round(c.Params("rid"))
	if err != nil {
		return err
	}
	f, err := s.svc.Form(c.Params("rid"), c.Params("fid"))
	if err != nil {
		return err
	}
	p := newPage(c)
	p.Preview = true
	b := &intake.Ballot{Round: r, Targets: []intake.BallotTarget{{Unit: rounds.Unit{ID: "preview", Name: i18n.M("ui.preview_target").In(p.Lang)}, Form: f}}}
	return s.ballotPage(c, p, b, nil, nil)
}

// unitsPreview shows a checked unit file before anything is stored: how
// many units of each kind, how many targets, and the first rows.
func (s *Server) unitsPreview(c *fiber.Ctx, units []rounds.Unit) error {
	kinds := map[string]int{}
	targets := 0
	for _, u := range units {
		kinds[u.Kind]++
		if u.IsTarget() {
			targets++
		}
	}
	var parts []string
	for k, n := range kinds {
		parts = append(parts, fmt.Sprintf("%s: %d", k, n))
	}
	sort.Strings(parts)
	p := newConsolePage(c, "console.import_units")
	msg := i18n.M("console.units_checked", len(units), targets, strings.Join(parts, ", ")).In(p.Lang)
	var rows []string
	for _, u := range units[:min(20, len(units))] {
		rows = append(rows, fmt.Sprintf("%s · %s · %s · %s · %s · %s", u.ID, u.Name, u.Parent, u.Kind, u.Group, u.Form))
	}
	return s.roundPageWith(c, nil, msg, rows)
}

// consoleBatchesCSV makes one batch a row of a CSV of target, count and
// label, all or nothing, and prints their slips split by unit.
func (s *Server) consoleBatchesCSV(c *fiber.Ctx) error {
	data, err := upload(c, "file", MaxBody)
	if err != nil {
		return s.roundPage(c, err)
	}
	ins, err := rounds.ParseBatchCSV(data)
	if err != nil {
		return s.roundPage(c, err)
	}
	bs, lists, err := s.svc.IssueBatches(principal(c), c.Params("rid"), ins)
	if err != nil {
		return s.roundPage(c, err)
	}
	return s.sendSlips(c, c.Params("rid"), bs, lists)
}
