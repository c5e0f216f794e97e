package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/audit"
	"ballot/internal/auth"
	"ballot/internal/i18n"
)

// auditPerPage is how many entries one page of the log shows.
const auditPerPage = 100

// auditView is one page of the audit log, newest first.
type auditView struct {
	Head    string
	Entries []auditRow
	// Older is the seq to show entries before, 0 if none are left.
	Older uint64
}

// auditRow is an entry in words: who (with the role's name), what (a
// sentence) and the detail as labelled fields.
type auditRow struct {
	Seq    uint64
	At     time.Time
	Actor  string
	Action string
	Fields []auditField
}

type auditField struct{ Label, Value string }

func (s *Server) auditPage(c *fiber.Ctx) error {
	p := newConsolePage(c, "console.audit")
	before, _ := strconv.ParseUint(c.Query("before"), 10, 64)
	entries, more, err := s.svc.AuditPage(before, auditPerPage)
	if err != nil {
		return err
	}
	v := &auditView{}
	if v.Head, err = s.svc.AuditHead(); err != nil {
		return err
	}
	rs, err := s.svc.Rounds()
	if err != nil {
		return err
	}
	w := auditWriter{lang: p.Lang, rounds: map[string]string{}, names: s.roundNames()}
	for _, r := range rs {
		w.rounds[r.ID] = r.Title
	}
	for _, e := range entries {
		v.Entries = append(v.Entries, w.entry(e))
	}
	if more {
		v.Older = entries[len(entries)-1].Seq
	}
	p.View = v
	return renderConsole(c, fiber.StatusOK, "audit.html", p)
}

// auditWriter writes entries in a language, rounds by their titles and a
// round's units and forms by their names.
type auditWriter struct {
	lang   i18n.Lang
	rounds map[string]string
	names  func(rid string) *namesOf
	// round is the round of the entry being written.
	round string
}

// namesOf are the names of a round's units and the titles of its forms.
type namesOf struct{ units, forms map[string]string }

// roundNames reads each round's names once, when an entry of it is first
// written (a page shows 100 entries; a province's units are a few
// thousand names).
func (s *Server) roundNames() func(rid string) *namesOf {
	seen := map[string]*namesOf{}
	return func(rid string) *namesOf {
		if n, ok := seen[rid]; ok {
			return n
		}
		n := &namesOf{units: map[string]string{}, forms: map[string]string{}}
		seen[rid] = n
		if units, err := s.svc.Units(rid); err == nil {
			for _, u := range units {
				n.units[u.ID] = u.Name
			}
		}
		if fs, err := s.svc.Forms(rid); err == nil {
			for _, f := range fs {
				n.forms[f.ID] = f.Title
			}
		}
		return n
	}
}

// entry writes one entry.
func (w auditWriter) entry(e audit.Entry) auditRow {
	l := w.lang
	row := auditRow{Seq: e.Seq, At: e.At, Actor: actorWords(e.Actor, l), Action: named(l, "audit.", e.Action)}
	if len(e.Detail) == 0 {
		return row
	}
	d := json.NewDecoder(bytes.NewReader(e.Detail))
	d.UseNumber()
	var detail map[string]any
	if d.Decode(&detail) != nil {
		row.Fields = []auditField{{i18n.M("console.detail").In(l), string(e.Detail)}}
		return row
	}
	if rid, ok := detail["round"].(string); ok {
		w.round = rid
	}
	keys := make([]string, 0, len(detail))
	for k := range detail {
		keys = append(keys, k)
	}
	// the round and unit first, the rest by name
	rank := func(k string) int { return slices.Index([]string{"round", "unit", "user", "batch"}, k) + 1 }
	slices.SortFunc(keys, func(a, b string) int {
		ra, rb := rank(a), rank(b)
		switch {
		case ra > 0 && rb > 0:
			return ra - rb
		case ra > 0:
			return -1
		case rb > 0:
			return 1
		}
		return strings.Compare(a, b)
	})
	for _, k := range keys {
		if v := w.value(k, detail[k]); v != "" {
			row.Fields = append(row.Fields, auditField{named(l, "auditf.", k), v})
		}
	}
	return row
}

// name looks id up in the names of the entry's round that of picks.
func (w auditWriter) name(of func(*namesOf) map[string]string, id string) string {
	if w.round == "" || w.names == nil {
		return ""
	}
	return of(w.names(w.round))[id]
}

// actorWords writes "name (role)" with the role's name.
func actorWords(actor string, l i18n.Lang) string {
	name, role, ok := strings.Cut(actor, " (")
	if !ok || !strings.HasSuffix(role, ")") {
		return actor
	}
	return name + " (" + named(l, "role.", strings.TrimSuffix(role, ")")) + ")"
}

// maxListed bounds the items of a list a field shows.
const maxListed = 8

// value writes one detail value ("" for none): rounds by title, levels
// and roles by name, times in Vietnam time, yes and no, lists shortened.
func (w auditWriter) value(key string, v any) string {
	l := w.lang
	switch v := v.(type) {
	case nil:
		return ""
	case bool:
		if v {
			return i18n.M("console.yes").In(l)
		}
		return i18n.M("console.no").In(l)
	case json.Number:
		if n, err := v.Int64(); err == nil && key != "year" && key != "version" {
			return number(l, int(n))
		}
		return v.String()
	case string:
		switch key {
		case "round":
			if title, ok := w.rounds[v]; ok {
				return title + " (" + v + ")"
			}
		case "level":
			return levelName(l, v)
		case "role":
			return named(l, "role.", v)
		case "unit", "targets", "parent":
			if name := w.name(func(n *namesOf) map[string]string { return n.units }, v); name != "" {
				return name + " (" + v + ")"
			}
		case "form":
			if title := w.name(func(n *namesOf) map[string]string { return n.forms }, v); title != "" {
				return title + " (" + v + ")"
			}
		case "date":
			if t, err := time.ParseInLocation(time.DateOnly, v, i18n.Vietnam); err == nil {
				return i18n.Date(t, l)
			}
		}
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return i18n.Time(t).In(l)
		}
		return v
	case []any:
		parts := make([]string, 0, min(len(v), maxListed))
		for _, item := range v[:min(len(v), maxListed)] {
			parts = append(parts, w.value(key, item))
		}
		s := strings.Join(parts, "; ")
		if len(v) > maxListed {
			s += " " + i18n.M("console.and_more_items", len(v)-maxListed).In(l)
		}
		return s
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var parts []string
		for _, k := range keys {
			if s := w.value(k, v[k]); s != "" {
				parts = append(parts, named(l, "auditf.", k)+": "+s)
			}
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// roleNames lists the roles with their names, for the users page.
func roleNames(l i18n.Lang) []optionLabel {
	out := make([]optionLabel, len(auth.Roles))
	for i, r := range auth.Roles {
		out[i] = optionLabel{string(r), named(l, "role.", string(r))}
	}
	return out
}
