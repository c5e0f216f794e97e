package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
	"ballot/internal/i18n"
	"ballot/internal/rounds"
)

// documentsPage shows who issues and signs a round's documents; an admin
// changes it there (the page of its own, apart from the round's page).
func (s *Server) documentsPage(c *fiber.Ctx, shown error, posted *rounds.Documents) error {
	p := newConsolePage(c, "documents.title")
	r, err := s.svc.Round(c.Params("rid"))
	if err != nil {
		return err
	}
	if posted != nil { // a refused change is shown as it was typed
		again := *r
		again.Documents = *posted
		r = &again
	}
	p.Round = r
	if c.Query("notice") == "saved" {
		p.Notice = i18n.M("console.notice_saved").In(p.Lang)
	}
	return renderConsole(c, p.show(shown), "documents.html", p)
}

func (s *Server) consoleDocuments(c *fiber.Ctx) error { return s.documentsPage(c, nil, nil) }

func (s *Server) consoleSetDocuments(c *fiber.Ctx) error {
	d, err := documentsForm(c)
	if err == nil {
		_, err = s.svc.SetDocuments(principal(c), c.Params("rid"), d)
	}
	if err != nil {
		return s.documentsPage(c, err, &d)
	}
	lang := newConsolePage(c, "").Lang
	return c.Redirect("/console/rounds/"+c.Params("rid")+"/documents?notice=saved&lang="+string(lang), fiber.StatusSeeOther)
}

// documentsForm reads the settings form: a line a recipient, and "id:
// name" a line for the names of kinds and groups.
func documentsForm(c *fiber.Ctx) (rounds.Documents, error) {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	d := rounds.Documents{IssuerParent: v("issuer_parent"), Issuer: v("issuer"), Place: v("place"),
		SignerFor: v("signer_for"), SignerTitle: v("signer_title"), SignerName: v("signer_name"),
		CountHead: v("count_head"), CountSecretary: v("count_secretary")}
	for _, line := range strings.Split(c.FormValue("recipients"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			d.Recipients = append(d.Recipients, line)
		}
	}
	var err error
	if d.Kinds, err = namesField(c.FormValue("kinds"), "kinds"); err != nil {
		return d, err
	}
	d.Groups, err = namesField(c.FormValue("groups"), "groups")
	return d, err
}

func namesField(text, field string) (map[string]string, error) {
	var out map[string]string
	for i, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		id, name, ok := strings.Cut(line, ":")
		if !ok {
			id, name, ok = strings.Cut(line, "=")
		}
		if !ok || strings.TrimSpace(id) == "" || strings.TrimSpace(name) == "" {
			return out, apperr.Field(field, "documents.names_line", i+1)
		}
		if out == nil {
			out = map[string]string{}
		}
		out[strings.TrimSpace(id)] = strings.TrimSpace(name)
	}
	return out, nil
}
