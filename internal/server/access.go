package server

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/auth"
)

// Access is who may call a route: anyone (Public), or the roles named,
// signed in with an API token or — for the console — a session cookie.
type Access struct {
	Public  bool
	Console bool
	Roles   []auth.Role
}

// Roles is the access of API routes for the named roles.
func Roles(r ...auth.Role) Access { return Access{Roles: r} }

// Console is the access of console pages for the named roles.
func Console(r ...auth.Role) Access { return Access{Console: true, Roles: r} }

// Allows reports whether role may call the route.
func (a Access) Allows(role auth.Role) bool { return a.Public || slices.Contains(a.Roles, role) }

// Rule returns the access rule of a registered route (HEAD shares GET's).
func (s *Server) Rule(method, path string) (Access, bool) {
	if method == fiber.MethodHead {
		method = fiber.MethodGet
	}
	a, ok := s.rules[method+" "+path]
	return a, ok
}

// handle registers a route with its access rule. Every route is registered
// here, so none can exist without a rule; its body is read only after the
// rule has let the request in (bodies.go).
func (s *Server) handle(method, path string, a Access, h fiber.Handler) {
	s.rules[method+" "+path] = a
	limit := bodyLimit(method, path)
	var chain []fiber.Handler
	if strings.HasPrefix(path, "/console") {
		// Console pages, error pages included, ask the server what they
		// may offer (can).
		chain = append(chain, func(c *fiber.Ctx) error {
			c.Locals(serverKey, s)
			return c.Next()
		})
	}
	switch {
	case a.Public:
		chain = append(chain, takeBody(limit, s.bodies.public))
	case a.Console:
		chain = append(chain, s.consoleSession(a, limit))
	default:
		chain = append(chain, s.authorize(a), takeBody(limit, s.bodies.signed))
	}
	s.App.Add(method, path, append(chain, h)...)
}

const (
	principalKey = "principal"
	serverKey    = "server"
)

// authorize checks the bearer token and the role.
func (s *Server) authorize(a Access) fiber.Handler {
	return func(c *fiber.Ctx) error {
		h := c.Get(fiber.HeaderAuthorization)
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="ballot"`)
			return apperr.New(apperr.Unauthorized, "auth.no_token")
		}
		p, err := s.svc.Authenticate(strings.TrimSpace(token))
		if err != nil {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="ballot", error="invalid_token"`)
			return err
		}
		if !a.Allows(p.Role) {
			return apperr.New(apperr.Forbidden, "auth.role", string(p.Role))
		}
		c.Locals(principalKey, p)
		return c.Next()
	}
}

// principal returns who the request acts for.
func principal(c *fiber.Ctx) auth.Principal {
	p, _ := c.Locals(principalKey).(auth.Principal)
	return p
}
