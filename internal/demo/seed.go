package demo

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"

	"ballot/internal/auth"
	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// Admin is the first admin as the server's first start made it: its
// one-time password and API token.
type Admin struct{ Password, Token string }

// ErrIncomplete refuses a demo database whose seeding did not finish.
var ErrIncomplete = errors.New("this demo database was not seeded to the end (was the first run stopped?): start over with --reset")

// The rounds' titles: the demo's are marked as such on every page and
// document.
const (
	lastYearTitle = "Đánh giá chất lượng năm 2025 (bản trình diễn)"
	thisYearTitle = "Đánh giá chất lượng năm 2026 (bản trình diễn)"
)

// guideTarget is the grassroots organization whose codes the guide prints.
const guideTarget = "pleiku-001"

// The demo's users besides the first admin: the counting committee, the
// province's authority and a district's.
var demoUsers = []auth.NewUser{
	{Name: "bkp", Role: auth.Committee},
	{Name: "tinh-uy", Role: auth.Authority, Unit: "gialai"},
	{Name: "pleiku", Role: auth.Authority, Unit: "pleiku"},
}

// Seed fills a new demo database: last year's round counted, rated and
// final, reproducing the published report of 2020 (countedRound); this
// year's open, with codes to try (thisYear); the users of every role; and
// the guide that says what to try, kept to be printed again. On a demo
// database seeded before it reads that guide again, with what changed
// since (guide.go). It refuses any database but a demo one, and a demo one
// whose first seeding did not finish.
func Seed(svc *service.Service, admin Admin) (*Guide, error) {
	if !svc.Demo() {
		return nil, fmt.Errorf("%s: %w", svc.Store().Path(), storage.ErrNotDemo)
	}
	g := &Guide{}
	if ok, err := svc.LoadDemo(guideRecord, g); err != nil || ok {
		if err == nil {
			g.again = true
			err = g.refresh(svc)
		}
		return g, err
	}
	if rs, err := svc.Rounds(); err != nil || len(rs) > 0 || admin.Password == "" {
		if err == nil {
			err = ErrIncomplete
		}
		return nil, err
	}
	g.MadeAt = svc.Now().UTC()
	// The users' passwords are hashed meanwhile (a third of a second each,
	// one at a time).
	users := make(chan error, 1)
	go func() { users <- g.addUsers(svc, admin) }()
	last, _, _, err := countedRound(svc, lastYearTitle, 2025)
	if err == nil {
		g.LastYear = last.ID
		err = g.thisYear(svc)
	}
	if uerr := <-users; err == nil {
		err = uerr
	}
	if err != nil {
		return nil, err
	}
	if err := svc.SaveDemo(guideRecord, g); err != nil {
		return nil, err
	}
	return g, g.refresh(svc)
}

// addUsers adds the demo's users and notes everyone's one-time password.
func (g *Guide) addUsers(svc *service.Service, admin Admin) error {
	g.Token = admin.Token
	g.Users = []GuideUser{{Name: "admin", Role: auth.Admin, Password: admin.Password}}
	for _, in := range demoUsers {
		pw, err := svc.AddUser(actor, in)
		if err != nil {
			return err
		}
		g.Users = append(g.Users, GuideUser{Name: in.Name, Role: in.Role, Unit: in.Unit, Password: pw})
	}
	for i := range g.Users {
		u, err := storedUser(svc, g.Users[i].Name)
		if err != nil {
			return err
		}
		g.Users[i].Hash = u.PasswordHash
	}
	return nil
}

// thisYear makes this year's round over the province tree and opens it:
// five codes for each grassroots organization, nine for each district's
// collective and three for each district together with its first
// grassroots organization, kept in clear so that they can be tried (a
// demo database only); a few districts have begun to vote. The guide gets
// the round's key and the codes it prints.
func (g *Guide) thisYear(svc *service.Service) error {
	r, units, err := provinceRound(svc, actor, thisYearTitle, 2026)
	if err != nil {
		return err
	}
	if _, err := svc.SetDocuments(actor, r.ID, ProvinceDocuments); err != nil {
		return err
	}
	var batches []rounds.NewBatch
	first := map[string]string{}
	for _, u := range units {
		switch {
		case u.Kind == "grassroots":
			batches = append(batches, rounds.NewBatch{Targets: []string{u.ID}, Count: 5, Label: u.Name})
			if first[u.Parent] == "" {
				first[u.Parent] = u.ID
			}
		case u.Kind == "district":
			batches = append(batches, rounds.NewBatch{Targets: []string{u.ID}, Count: 9, Label: u.Name})
		}
	}
	for _, u := range units {
		if u.Kind == "district" {
			batches = append(batches, rounds.NewBatch{Targets: []string{u.ID, first[u.ID]}, Count: 3, Label: u.Name + " + 1"})
		}
	}
	made, lists, err := svc.IssueBatches(actor, r.ID, batches)
	if err != nil {
		return err
	}
	if err := svc.KeepDemoCodes(actor, r.ID, made, lists); err != nil {
		return err
	}
	if g.Key, err = openWithKey(svc, r.ID); err != nil {
		return err
	}
	g.ThisYear = r.ID
	byID := map[string]rounds.Unit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	// Voting has begun in every third district (not in the guide's): some
	// of each target's codes are used.
	started := map[string]bool{}
	n := 0
	for _, u := range units {
		if u.Kind == "district" {
			started[u.ID] = n%3 == 1 && u.ID != byID[guideTarget].Parent
			n++
		}
	}
	var votes []vote
	for i, b := range made {
		t := byID[b.Targets[0]]
		switch {
		case len(b.Targets) == 1 && b.Targets[0] == guideTarget:
			for _, c := range lists[i] {
				g.Codes = append(g.Codes, GuideCode{Code: c, Targets: b.Targets})
			}
		case len(b.Targets) > 1 && b.Targets[1] == guideTarget:
			g.Codes = append(g.Codes, GuideCode{Code: lists[i][0], Targets: b.Targets})
		case started[t.ID] || started[t.Parent]:
			for _, c := range lists[i][:i%3] {
				votes = append(votes, vote{c, b.Targets})
			}
		}
	}
	levels, formOf := planLevels(units, publishedLevels), formsOf(units)
	_, err = castAll(svc, votes, func(rng *rand.Rand, target string) map[string]json.RawMessage {
		return answers(rng, formOf[target], levels[target])
	})
	return err
}

// storedUser is user name as stored, its password hash included (the
// guide tells by it whether a one-time password is still the one).
func storedUser(svc *service.Service, name string) (*auth.User, error) {
	var u *auth.User
	err := svc.Store().View(func(tx *storage.Tx) (err error) {
		u, err = tx.User(name)
		return err
	})
	return u, err
}
