package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/service"
)

// usersPage lists the users; password, when set, is a new one-time
// password of name, shown once.
func (s *Server) usersPage(c *fiber.Ctx, shown error, name, password string) error {
	p := newConsolePage(c, "console.users")
	users, err := s.svc.Users()
	if err != nil {
		return err
	}
	p.Users, p.Name, p.Key = users, name, password
	v := &usersView{Roles: roleNames(p.Lang), Units: map[string]string{}, Unit: c.FormValue("unit", c.Query("unit"))}
	for _, u := range users {
		if u.Unit != "" {
			v.Units[u.Unit] = s.svc.UnitName(u.Unit)
		}
	}
	// Units are chosen from the newest round's tree: their ids are stable
	// across rounds.
	if rs, err := s.svc.Rounds(); err == nil && len(rs) > 0 {
		rid := rs[len(rs)-1].ID
		v.Search = &unitSearch{Lang: p.Lang, Round: rid, Path: "/console/users", Find: service.FindDeciding, Q: c.Query("q")}
		if v.Search.Q != "" {
			if v.Search.Hits, v.Search.Total, err = s.svc.SearchUnits(principal(c), rid, v.Search.Q, service.FindDeciding, maxHits); err != nil {
				return err
			}
		}
		if v.Unit != "" {
			v.UnitName = s.svc.UnitName(v.Unit)
		}
	}
	p.View = v
	return renderConsole(c, p.show(shown), "users.html", p)
}

// usersView is what the users page shows beyond the users: roles and units
// by name, and the search that picks a new authority's unit.
type usersView struct {
	Roles []optionLabel
	// Units names the units of the users.
	Units map[string]string
	// Unit is the unit picked for a new user.
	Unit, UnitName string
	Search         *unitSearch
}

func (s *Server) consoleUsers(c *fiber.Ctx) error { return s.usersPage(c, nil, "", "") }

func (s *Server) consoleAddUser(c *fiber.Ctx) error {
	in := auth.NewUser{Name: strings.TrimSpace(c.FormValue("name")), Role: auth.Role(c.FormValue("role")), Unit: strings.TrimSpace(c.FormValue("unit"))}
	pw, err := s.svc.AddUser(principal(c), in)
	if err != nil {
		return s.usersPage(c, err, "", "")
	}
	return s.usersPage(c, nil, in.Name, pw)
}

func (s *Server) consoleUserAction(c *fiber.Ctx) error {
	name := c.Params("name")
	if name == principal(c).Name {
		return s.usersPage(c, apperr.New(apperr.Conflict, "console.not_yourself"), "", "")
	}
	switch c.Params("action") {
	case "reset":
		pw, err := s.svc.ResetPassword(principal(c), name)
		if err != nil {
			return s.usersPage(c, err, "", "")
		}
		return s.usersPage(c, nil, name, pw)
	case "disable", "enable":
		if err := s.svc.SetDisabled(principal(c), name, c.Params("action") == "disable"); err != nil {
			return s.usersPage(c, err, "", "")
		}
		return c.Redirect("/console/users", fiber.StatusSeeOther)
	}
	return apperr.New(apperr.NotFound, "not_found.route")
}
