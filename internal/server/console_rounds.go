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
	"revoked": "console.notice_revoked", "saved": "console.notice_saved", "made": "console.notice_made",
	"unchanged": "console.notice_unchanged", "signer": "results.notice_signer",
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
	r, err := s.svc.CreateRound(principal(c), rounds.NewRound{Title: strings.TrimSpace(c.FormValue("title")), Year: year, Parent: c.FormValue("parent") == "1"})
	if err != nil {
		p.Error, p.Name, p.Year = consoleMsg(apperr.Wrap(err).Msg, p.Lang), c.FormValue("title"), year
		return renderConsole(c, fiber.StatusBadRequest, "round_new.html", p)
	}
	return c.Redirect(s.roundPath(r.ID, "created", p.Lang), fiber.StatusSeeOther)
}

// roundView is what a round's page shows beyond the round: its totals,
// its forms and, while it is prepared, what the admin may add.
type roundView struct {
	Figures   *service.RoundFigures
	Forms     []*forms.Form
	Templates []forms.Form
	// Preview lists the first rows of a checked unit file.
	Preview []string
	// Results are a parent round's children (docs/federation.md).
	Results *resultsView
	// CanSign: the server has a key to sign results with.
	CanSign bool
}

// roundPage shows a round; err, when set, is shown with its row errors.
func (s *Server) roundPage(c *fiber.Ctx, shown error) error {
	return s.roundPageWith(c, shown, "", nil)
}

// roundPageWith is roundPage with a notice and rows of a checked file.
func (s *Server) roundPageWith(c *fiber.Ctx, shown error, notice string, preview []string) error {
	p := newConsolePage(c, "console.rounds")
	rid := c.Params("rid")
	r, err := s.svc.Round(rid)
	if err != nil {
		return err
	}
	p.Round, p.Title, p.Notice = r, r.Title, notice
	v := &roundView{Preview: preview, CanSign: s.signingKey != nil}
	for _, id := range forms.TemplateIDs() {
		f, _ := forms.Template(id)
		v.Templates = append(v.Templates, f)
	}
	if v.Figures, err = s.svc.Figures(principal(c), rid); err != nil {
		return err
	}
	fs, err := s.svc.Forms(rid)
	if err != nil {
		return err
	}
	v.Forms = fs
	if r.Parent {
		list, err := s.svc.Results(rid)
		if err != nil {
			return err
		}
		v.Results = &resultsView{Children: list}
		for _, c := range list {
			if c.Imported != nil {
				v.Results.Imported++
			}
		}
	}
	if key, ok := notices[c.Query("notice")]; ok && p.Notice == "" {
		p.Notice = i18n.M(key).In(p.Lang)
	}
	p.View = v
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
		if f, err = forms.ParseUpload(data); err != nil {
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
	units, err := rounds.ParseUnitsCSV(data)
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
	r, err := s.svc.Round(c.Params("rid"))
	if err != nil {
		return err
	}
	if r.Parent { // it collects results, not ballots
		titleKey, noticeKey = "results."+action+"_round", "results."+action+"_explain"
	}
	p := newConsolePage(c, titleKey)
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

// countPage asks the committee for the key, saying first what counting
// does for good.
func (s *Server) countPage(c *fiber.Ctx) error {
	return s.countPageWith(c, nil)
}

func (s *Server) countPageWith(c *fiber.Ctx, shown error) error {
	p := newConsolePage(c, "console.count")
	r, err := s.svc.Round(c.Params("rid"))
	if err != nil {
		return err
	}
	p.Round = r
	if p.View, err = s.svc.Figures(principal(c), r.ID); err != nil {
		return err
	}
	return renderConsole(c, p.show(shown), "count.html", p)
}

// consoleCount counts with a pasted key or an uploaded key file, once the
// committee has confirmed what cannot be undone; the key is held only
// while counting.
func (s *Server) consoleCount(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		return s.countPageWith(c, apperr.Field("confirm", "field.required"))
	}
	key, err := postedKey(c)
	if err != nil {
		return s.countPageWith(c, err)
	}
	r, err := s.svc.Count(principal(c), c.Params("rid"), key, nil)
	if err != nil {
		return s.countPageWith(c, err)
	}
	return c.Redirect(s.roundPath(r.ID, "counted", newConsolePage(c, "").Lang), fiber.StatusSeeOther)
}

// postedKey is the committee's private key, pasted or in an uploaded key
// file (its AGE-SECRET-KEY-1 line).
func postedKey(c *fiber.Ctx) (string, error) {
	key := strings.TrimSpace(c.FormValue("private_key"))
	if fh, err := c.FormFile("key_file"); err == nil && key == "" {
		f, err := fh.Open()
		if err != nil {
			return "", err
		}
		raw, _ := io.ReadAll(io.LimitReader(f, 4096))
		f.Close()
		for _, line := range strings.Split(string(raw), "\n") {
			if line = strings.TrimSpace(line); strings.HasPrefix(line, "AGE-SECRET-KEY-1") {
				key = line
			}
		}
	}
	if key == "" {
		return "", apperr.Field("private_key", "field.required")
	}
	return key, nil
}

// consoleFile answers a tally or report file for a signed-in authority or
// admin, through the same code as the API (the minutes and receipts have
// routes of their own: the committee reads them too).
func (s *Server) consoleFile(c *fiber.Ctx) error {
	switch c.Params("file") {
	case "tally":
		return s.tally(c)
	case "report":
		return s.report(c)
	case "result":
		return s.result(c)
	}
	return apperr.New(apperr.NotFound, "not_found.route")
}

// consoleReceipts answers the published receipt hashes as a text file, one
// a line, for the committee to publish.
func (s *Server) consoleReceipts(c *fiber.Ctx) error {
	hashes, err := s.svc.Receipts(c.Params("rid"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="receipts-`+c.Params("rid")+`.txt"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(strings.Join(hashes, "\n") + "\n")
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

// verifyPage asks the committee for the key to recount a counted round and
// compare it with what counting stored; nothing is changed.
func (s *Server) verifyPage(c *fiber.Ctx) error { return s.verifyPageWith(c, nil, nil) }

func (s *Server) verifyPageWith(c *fiber.Ctx, rc *service.Recount, shown error) error {
	p := newConsolePage(c, "console.verify")
	r, err := s.svc.Round(c.Params("rid"))
	if err != nil {
		return err
	}
	p.Round, p.View = r, rc
	return renderConsole(c, p.show(shown), "verify.html", p)
}

// consoleVerify recounts with a pasted or uploaded key and shows whether
// the recount matches.
func (s *Server) consoleVerify(c *fiber.Ctx) error {
	key, err := postedKey(c)
	if err != nil {
		return s.verifyPageWith(c, nil, err)
	}
	rc, err := s.svc.VerifyCount(principal(c), c.Params("rid"), key, nil)
	if err != nil {
		return s.verifyPageWith(c, nil, err)
	}
	return s.verifyPageWith(c, rc, nil)
}
