package server

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"ballot/internal/apperr"
	"ballot/internal/i18n"
	"ballot/internal/intake"
	"ballot/internal/rounds"
	"ballot/web"
)

// pageCSP allows only this origin's script and style, and no framing.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

var pageTemplates = template.Must(template.New("").Funcs(i18n.TemplateFuncs()).ParseFS(web.FS, "templates/*.html"))

// page is what every participant page shows.
type page struct {
	Lang, Other  i18n.Lang
	Kiosk        bool
	Title        string
	Refresh      string
	Error        string
	IsError      bool
	Help         string
	Code         string
	SubmissionID string
	Round        *rounds.Round
	Targets      []targetView
	Receipt      string
	Checked      bool
	Result       string
	FirstMissing string
	Preview      bool
}

// newPage reads the language and kiosk mode of a participant request (from
// the form on posts, the query on gets).
func newPage(c *fiber.Ctx) *page {
	lang := i18n.VI
	if v := c.FormValue("lang"); v != "" {
		lang = i18n.Parse(v)
	} else if v := c.Query("lang"); v != "" {
		lang = i18n.Parse(v)
	}
	if v := c.FormValue("setlang"); v != "" {
		lang = i18n.Parse(v)
	}
	other := i18n.EN
	if lang == i18n.EN {
		other = i18n.VI
	}
	kiosk := c.FormValue("kiosk") == "1" || c.Query("kiosk") == "1"
	return &page{Lang: lang, Other: other, Kiosk: kiosk}
}

// render answers a participant page: never cached, no cookies, strict CSP.
func render(c *fiber.Ctx, status int, name string, p *page) error {
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, name, p); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, pageCSP)
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

// sameOrigin refuses posts from other sites: an Origin (or, without one, a
// Referer) naming another host than the request's.
func sameOrigin(c *fiber.Ctx) bool {
	host := string(c.Request().Host())
	check := func(v string) bool {
		u, err := url.Parse(v)
		return err == nil && u.Host == host
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" {
		return check(o)
	}
	if r := c.Get(fiber.HeaderReferer); r != "" {
		return check(r)
	}
	return true // old browsers send neither; modern ones always send Origin on posts
}

func (s *Server) entryPage(c *fiber.Ctx) error {
	p := newPage(c)
	p.Title = i18n.M("ui.entry_title").In(p.Lang)
	return render(c, fiber.StatusOK, "entry.html", p)
}

// enterCode opens the ballot page for a typed code.
func (s *Server) enterCode(c *fiber.Ctx) error {
	p := newPage(c)
	if !sameOrigin(c) {
		return s.messagePage(c, p, apperr.New(apperr.Forbidden, "ui.cross_site"))
	}
	p.Code = strings.TrimSpace(postedValue(c, "code"))
	if c.FormValue("setlang") != "" {
		p.Title = i18n.M("ui.entry_title").In(p.Lang)
		return render(c, fiber.StatusOK, "entry.html", p)
	}
	// With JavaScript, the tab sends the submission_id of the last ballot
	// it sent, so that re-entering that code shows its receipt.
	sent := postedValue(c, "submission_id")
	if _, err := uuid.Parse(sent); err != nil {
		sent = ""
	}
	var b *intake.Ballot
	err := s.guarded(s.client(c), func(func()) (err error) {
		b, err = s.svc.Prepare(p.Code, sent)
		return err
	})
	if apperr.Is(err, apperr.AccessCodeMistyped) {
		p.Title = i18n.M("ui.entry_title").In(p.Lang)
		p.Error = apperr.Wrap(err).Msg.In(p.Lang)
		return render(c, fiber.StatusBadRequest, "entry.html", p)
	}
	if err != nil {
		return s.messagePage(c, p, err)
	}
	if b.Receipt != "" {
		return s.receiptPage(c, p, b.Receipt)
	}
	p.SubmissionID = uuid.NewString()
	return s.ballotPage(c, p, b, nil, nil)
}

// ballotPage shows the ballot with answers (field → value) and the missing
// required fields marked.
func (s *Server) ballotPage(c *fiber.Ctx, p *page, b *intake.Ballot, answers map[string]string, missing map[string]bool) error {
	p.Round, p.Title = b.Round, b.Round.Title
	p.Targets = targetViews(b, p.Lang, answers, missing)
	for _, t := range p.Targets {
		for _, s := range t.Sections {
			for _, q := range s.Questions {
				if q.Missing && p.FirstMissing == "" {
					p.FirstMissing = q.Field
				}
			}
		}
	}
	status := fiber.StatusOK
	if p.Error != "" {
		status = fiber.StatusBadRequest
	}
	return render(c, status, "ballot.html", p)
}

func (s *Server) receiptPage(c *fiber.Ctx, p *page, receipt string) error {
	p.Title = i18n.M("ui.receipt_title").In(p.Lang)
	p.Receipt = formatReceipt(receipt)
	if p.Kiosk {
		p.Refresh = "30;url=/?kiosk=1&lang=" + string(p.Lang)
	}
	return render(c, fiber.StatusOK, "receipt.html", p)
}

// messagePage explains an error that ends the participant's path.
func (s *Server) messagePage(c *fiber.Ctx, p *page, err error) error {
	e := apperr.Wrap(err)
	key := map[apperr.Code]string{
		apperr.AccessCodeUnknown: "ui.title_unknown",
		apperr.RoundNotOpen:      "ui.title_not_open",
		apperr.RoundClosed:       "ui.title_closed",
		apperr.Busy:              "ui.title_busy",
		apperr.TooMany:           "ui.title_throttled",
		apperr.Forbidden:         "ui.title_refused",
		apperr.AccessCodeUsed:    "ui.title_used",
	}[e.Code]
	if key == "" {
		key = "ui.title_error"
	}
	p.Title, p.Error, p.IsError = i18n.M(key).In(p.Lang), e.Msg.In(p.Lang), true
	if e.Code == apperr.AccessCodeUsed {
		p.Help = i18n.M("ui.used_help").In(p.Lang)
	}
	setRetryAfter(c, e)
	return render(c, StatusOf(e.Code), "message.html", p)
}

// submitBallot takes the ballot form: through the same service as the API.
func (s *Server) submitBallot(c *fiber.Ctx) error {
	p := newPage(c)
	if !sameOrigin(c) {
		return s.messagePage(c, p, apperr.New(apperr.Forbidden, "ui.cross_site"))
	}
	p.Code, p.SubmissionID = postedValue(c, "code"), postedValue(c, "submission_id")
	if _, err := uuid.Parse(p.SubmissionID); err != nil {
		p.SubmissionID = uuid.NewString()
	}
	var b *intake.Ballot
	err := s.guarded(s.client(c), func(func()) (err error) {
		b, err = s.svc.Prepare(p.Code, p.SubmissionID)
		return err
	})
	if err != nil {
		return s.messagePage(c, p, err)
	}
	if b.Receipt != "" {
		// Used by this very submission: a retry whose answer was lost.
		return s.receiptPage(c, p, b.Receipt)
	}
	answers := formAnswers(c)
	if c.FormValue("setlang") != "" {
		return s.ballotPage(c, p, b, answers, nil)
	}
	r, err := s.svc.Submit(intake.Submission{Code: p.Code, SubmissionID: p.SubmissionID, Ballots: ballotsFrom(b, answers)})
	switch {
	case err == nil:
		return s.receiptPage(c, p, r.Receipt)
	case apperr.Is(err, apperr.Invalid), apperr.Is(err, apperr.Busy):
		p.Error = apperr.Wrap(err).Msg.In(p.Lang)
		missing := missingFields(b, answers)
		if len(missing) > 0 {
			p.Error = i18n.M("ui.answers_missing", len(missing)).In(p.Lang)
		}
		return s.ballotPage(c, p, b, answers, missing)
	}
	return s.messagePage(c, p, err)
}

// checkReceipt tells whether a receipt was counted.
func (s *Server) checkReceipt(c *fiber.Ctx) error {
	p := newPage(c)
	p.Title = i18n.M("ui.check_title").In(p.Lang)
	p.Code = strings.TrimSpace(c.Query("r"))
	if p.Code != "" {
		st, err := s.svc.CheckReceipt(p.Code)
		if err != nil {
			p.Error = apperr.Wrap(err).Msg.In(p.Lang)
			return render(c, fiber.StatusBadRequest, "check.html", p)
		}
		p.Checked = true
		p.Result = i18n.M("ui.not_counted").In(p.Lang)
		if st.Counted {
			p.Result = i18n.M("ui.counted").In(p.Lang)
		}
	}
	return render(c, fiber.StatusOK, "check.html", p)
}

// static serves the embedded stylesheet and script.
func (s *Server) static(c *fiber.Ctx) error {
	name := c.Params("name")
	b, err := fs.ReadFile(web.FS, "static/"+name)
	if err != nil {
		return apperr.New(apperr.NotFound, "not_found.route")
	}
	switch {
	case strings.HasSuffix(name, ".css"):
		c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	case strings.HasSuffix(name, ".js"):
		c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(b)
}

func formatReceipt(r string) string {
	var parts []string
	for i := 0; i < len(r); i += 4 {
		parts = append(parts, r[i:min(i+4, len(r))])
	}
	return strings.Join(parts, " ")
}
