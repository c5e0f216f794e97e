package server

import (
	"bytes"
	"crypto/subtle"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/i18n"
	"ballot/internal/rounds"
	"ballot/web"
)

// sessionCookie holds a console session's token; the server keeps only its
// hash.
const sessionCookie = "ballot_session"

var consoleTemplates = template.Must(template.New("").Funcs(i18n.TemplateFuncs()).Funcs(consoleFuncs()).ParseFS(web.FS, "console/*.html"))

// consolePage is what every console page shows; View is what one page
// shows beyond it.
type consolePage struct {
	Lang, Other i18n.Lang
	Title       string
	User        *auth.Principal
	// UnitName names an authority's unit.
	UnitName   string
	CSRF       string
	Error      string
	Name       string
	MustChange bool
	Done       bool
	Rounds     []rounds.Round
	Round      *rounds.Round
	Notice     string
	RowErrors  []string
	Action     string
	Key        string
	Year       int
	Users      []auth.User
	View       any
	srv        *Server
	// NeedsHTTPS: the console was reached over plain HTTP from another
	// machine, where browsers keep no Secure cookie.
	NeedsHTTPS bool
	// Demo: the database is a demo one (every page says so).
	Demo bool
}

func newConsolePage(c *fiber.Ctx, titleKey string) *consolePage {
	lang := i18n.Parse(c.FormValue("lang", c.Query("lang")))
	other := i18n.EN
	if lang == i18n.EN {
		other = i18n.VI
	}
	p := &consolePage{Lang: lang, Other: other, Title: i18n.M(titleKey).In(lang)}
	p.srv, _ = c.Locals(serverKey).(*Server)
	p.Demo = p.srv != nil && p.srv.svc.Demo()
	if u, ok := c.Locals(principalKey).(auth.Principal); ok {
		p.User = &u
		p.CSRF, _ = c.Locals(csrfKey).(string)
		if u.Unit != "" && p.srv != nil {
			p.UnitName = p.srv.svc.UnitName(u.Unit)
		}
	}
	return p
}

func renderConsole(c *fiber.Ctx, status int, name string, p *consolePage) error {
	var buf bytes.Buffer
	if err := consoleTemplates.ExecuteTemplate(&buf, name, p); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, pageCSP)
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

const csrfKey = "csrf"

// consoleSession signs a console request in by its cookie, checks the role
// and, on every post, reads the body (up to limit) and checks the form's
// CSRF token. Without a session a page asks to sign in; a user with a
// one-time password must change it first.
func (s *Server) consoleSession(a Access, limit int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token := c.Cookies(sessionCookie)
		p, csrf, mustChange, err := s.svc.SessionUser(token)
		if token == "" || err != nil {
			if c.Method() == fiber.MethodGet {
				return c.Redirect("/console/login", fiber.StatusSeeOther)
			}
			return apperr.New(apperr.Unauthorized, "signin.expired")
		}
		if !a.Allows(p.Role) {
			return apperr.New(apperr.Forbidden, "auth.role", i18n.M("role."+string(p.Role)))
		}
		release, err := readBody(c, limit, s.bodies.signed)
		if err != nil {
			return err
		}
		defer release()
		if c.Method() != fiber.MethodGet {
			sent := postedValue(c, "_csrf")
			if subtle.ConstantTimeCompare([]byte(sent), []byte(csrf)) != 1 || !sameOrigin(c) {
				return apperr.New(apperr.Forbidden, "console.csrf")
			}
		}
		if mustChange && !strings.HasPrefix(c.Path(), "/console/password") && c.Path() != "/console/logout" {
			return c.Redirect("/console/password", fiber.StatusSeeOther)
		}
		c.Locals(principalKey, p)
		c.Locals(csrfKey, csrf)
		c.Locals(sessionKey, token)
		return c.Next()
	}
}

const sessionKey = "session"

// needsHTTPS reports whether a sign-in could not be kept: the browser came
// over plain HTTP to another host than this machine.
func (s *Server) needsHTTPS(c *fiber.Ctx) bool { return !s.secure(c) && !localHost(c) }

func (s *Server) loginPage(c *fiber.Ctx) error {
	p := newConsolePage(c, "console.sign_in")
	p.NeedsHTTPS = s.needsHTTPS(c)
	return renderConsole(c, fiber.StatusOK, "login.html", p)
}

// Sign-in limits: failed sign-ins per client whatever the user name, and per
// user and client with a slow-down, so that nobody can lock a user out from
// another address (docs/design.md §3.11). A client has at most two sign-ins
// being checked at once, one per user name, so that it holds at most two places
// in the queue for password hashing that everyone else waits in.
const (
	signinWindow     = 15 * time.Minute
	signinsPerClient = 30
	signinsPerUser   = 10
)

// signinPause is the pause a user and client must leave after the n-th
// failure: none for the first two, then 1 s, 2 s, 4 s … up to a minute.
func signinPause(n int) time.Duration {
	if n < 3 {
		return 0
	}
	return min(time.Second<<(n-3), time.Minute)
}

func newSigninThrottles(clients int, now func() time.Time) (byClient, byUser *throttle) {
	byClient = newThrottle(signinsPerClient, signinWindow, clients, now)
	byUser = newThrottle(signinsPerUser, signinWindow, clients, now)
	byClient.inFlight, byUser.inFlight = 2, 1
	byUser.slow = signinPause
	byClient.msg, byUser.msg = "signin.throttled", "signin.throttled"
	return byClient, byUser
}

// login checks a password. Each try is reserved with both sign-in
// throttles before the password is hashed, and counts only if the password
// was checked and wrong.
func (s *Server) login(c *fiber.Ctx) error {
	p := newConsolePage(c, "console.sign_in")
	if !sameOrigin(c) {
		return apperr.New(apperr.Forbidden, "ui.cross_site")
	}
	name, password := strings.TrimSpace(postedValue(c, "name")), postedValue(c, "password")
	p.Name = name
	if p.NeedsHTTPS = s.needsHTTPS(c); p.NeedsHTTPS {
		// The session cookie would be dropped: say why instead of landing
		// on an empty form, and spend no password hash on it.
		return renderConsole(c, fiber.StatusForbidden, "login.html", p)
	}
	token, err := s.signIn(name, password, clientKey(s.client(c)))
	if err != nil {
		e := apperr.Wrap(err)
		p.Error = e.Msg.In(p.Lang)
		setRetryAfter(c, e)
		return renderConsole(c, StatusOf(e.Code), "login.html", p)
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, Path: "/console", HTTPOnly: true, Secure: true,
		SameSite: fiber.CookieSameSiteStrictMode, Expires: s.svc.Now().Add(auth.SessionLength)})
	return c.Redirect("/console?lang="+string(p.Lang), fiber.StatusSeeOther)
}

// signIn is a sign-in try of client under the throttles.
func (s *Server) signIn(name, password, client string) (string, error) {
	byClient, err := s.signins.reserve(client)
	if err != nil {
		return "", err
	}
	byUser, err := s.signinsOfUser.reserve(name + "\x00" + client)
	if err != nil {
		byClient.passed(false)
		return "", err
	}
	token, err := s.svc.SignIn(name, password)
	switch {
	case err == nil:
		byClient.passed(false)
		byUser.passed(true)
	case apperr.Is(err, apperr.Unauthorized):
		byClient.failed()
		byUser.failed()
	default: // busy: no password was checked
		byClient.passed(false)
		byUser.passed(false)
	}
	return token, err
}

func (s *Server) logout(c *fiber.Ctx) error {
	token, _ := c.Locals(sessionKey).(string)
	if err := s.svc.SignOut(principal(c), token); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/console", HTTPOnly: true, Secure: true,
		SameSite: fiber.CookieSameSiteStrictMode, Expires: time.Unix(0, 0)})
	return c.Redirect("/console/login", fiber.StatusSeeOther)
}

func (s *Server) passwordPage(c *fiber.Ctx) error {
	p := newConsolePage(c, "console.password")
	_, _, p.MustChange, _ = s.svc.SessionUser(c.Cookies(sessionCookie))
	return renderConsole(c, fiber.StatusOK, "password.html", p)
}

func (s *Server) changePassword(c *fiber.Ctx) error {
	p := newConsolePage(c, "console.password")
	if err := s.svc.ChangePassword(principal(c), c.FormValue("old_password"), c.FormValue("new_password")); err != nil {
		p.Error = consoleMsg(apperr.Wrap(err).Msg, p.Lang)
		return renderConsole(c, fiber.StatusBadRequest, "password.html", p)
	}
	p.Done = true
	return renderConsole(c, fiber.StatusOK, "password.html", p)
}

func (s *Server) consoleHome(c *fiber.Ctx) error {
	p := newConsolePage(c, "console.rounds")
	rs, err := s.svc.Rounds()
	if err != nil {
		return err
	}
	p.Rounds = rs
	return renderConsole(c, fiber.StatusOK, "home.html", p)
}

// show puts an error (and an import's row errors) on the page and returns
// the status to answer with.
func (p *consolePage) show(err error) int {
	if err == nil {
		return fiber.StatusOK
	}
	e := apperr.Wrap(err)
	p.Error = consoleMsg(e.Msg, p.Lang)
	for _, row := range e.Rows {
		p.RowErrors = append(p.RowErrors, consoleMsg(i18n.M("unit.at", i18n.M("unit.row", row.Row), row.Msg), p.Lang))
	}
	return StatusOf(e.Code)
}

// upload reads the file posted in field: none is field.required, one larger
// than limit bytes is body.too_large (never read cut short).
func upload(c *fiber.Ctx, field string, limit int) ([]byte, error) {
	fh, err := c.FormFile(field)
	if err != nil {
		return nil, apperr.Field(field, "field.required")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, apperr.New(apperr.Invalid, "body.too_large", limit)
	}
	return data, nil
}
