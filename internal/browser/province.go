package browser

import (
	"encoding/json"
	"strconv"
	"time"

	"ballot/internal/auth"
	"ballot/internal/demo"
	"ballot/internal/intake"
	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// Province is a running server over the demo's province tree (979 units, 978
// targets) with a round counted at the province scale of docs/design.md §6 —
// 61,567 codes, a few thousand of them used — for console tests, benchmarks and
// screenshots; and users of every role, each with Password.
type Province struct {
	served
	// Counted is the counted round; Twin, when asked, a second counted
	// round over the same tree without ballots; Open, Closed and Draft,
	// when asked, a round open for ballots, one closed waiting for its
	// count (ClosedKey), and one being prepared.
	Counted, Twin, Open, Closed, Draft string
	ClosedKey                          string
	// Ballots is how many submissions the counted round counted.
	Ballots int
	// Tokens are API tokens of the users, by name.
	Tokens map[string]string
}

// ProvinceRounds says which rounds besides the counted one to make.
type ProvinceRounds struct{ Twin, Open, Closed, Draft bool }

// Password is every province user's password.
const Password = "một câu mật khẩu đủ dài"

// The province's users: an admin, a counting committee, the province's
// authority and the authority of one district.
const (
	AdminUser     = "admin"
	CommitteeUser = "bkp"
	ProvinceUser  = "tinh-uy"
	DistrictUser  = "pleiku"
)

var provinceActor = auth.Principal{Name: "fixture"}

// NewProvince seeds a fresh database in dir and starts a server over it.
// Seeding takes a few seconds: the codes, then the ballots, then the count.
func NewProvince(dir string, which ProvinceRounds, opt service.Options) (*Province, error) {
	p := &Province{Tokens: map[string]string{}}
	if err := p.open(dir, opt); err != nil {
		return nil, err
	}
	err := p.seed(which, opt.PasswordCost)
	if err == nil {
		err = p.listen(opt)
	}
	if err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *Province) seed(which ProvinceRounds, cost auth.Cost) error {
	s := p.Service
	if _, _, _, err := s.Bootstrap(); err != nil {
		return err
	}
	// The users are written with one password hash, at the service's cost:
	// Argon2id costs a third of a second a hash at the server's, and the
	// fixture's users need not prove what the sign-in tests prove.
	hash := cost.Hash(Password)
	users := []auth.User{{Name: AdminUser, Role: auth.Admin}, {Name: CommitteeUser, Role: auth.Committee},
		{Name: ProvinceUser, Role: auth.Authority, Unit: "gialai"}, {Name: DistrictUser, Role: auth.Authority, Unit: "pleiku"}}
	err := p.store.Update(func(tx *storage.Tx) error {
		for _, u := range users {
			u.PasswordHash, u.CreatedAt = hash, time.Now().UTC()
			if err := tx.PutUser(&u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, name := range []string{AdminUser, CommitteeUser, ProvinceUser, DistrictUser} {
		if p.Tokens[name], err = s.CreateToken(provinceActor, name); err != nil {
			return err
		}
	}
	if p.Counted, p.Ballots, err = p.countedRound("Đánh giá chất lượng năm 2026"); err != nil {
		return err
	}
	if which.Twin {
		if p.Twin, err = p.twinRound(); err != nil {
			return err
		}
	}
	if which.Open {
		if p.Open, err = p.openRound(); err != nil {
			return err
		}
	}
	if which.Closed {
		r, key, codes, err := p.issued("Đánh giá chất lượng năm 2026 (chờ kiểm phiếu)")
		if err != nil {
			return err
		}
		if _, err := p.vote(r.ID, codes, func(i int) int { return 1 + i%3 }); err != nil {
			return err
		}
		if _, err := s.CloseRound(provinceActor, r.ID); err != nil {
			return err
		}
		p.Closed, p.ClosedKey = r.ID, key
	}
	if which.Draft {
		r, _, err := demo.ProvinceRound(s, provinceActor, "Đánh giá chất lượng năm 2026 (đợt hai, đang chuẩn bị)")
		if err != nil {
			return err
		}
		p.Draft = r.ID
	}
	return nil
}

// ProvinceCodes is the province scenario of docs/design.md §6: 62 codes for
// each grassroots organization, 106 for each district-level collective, the
// rest of the 61,567 to the last district.
func ProvinceCodes(units []rounds.Unit) []rounds.NewBatch {
	const total = 61_567
	var out []rounds.NewBatch
	n, last := 0, -1
	for _, u := range units {
		switch {
		case !u.IsTarget():
			continue
		case u.Kind == "district":
			out, last = append(out, rounds.NewBatch{Targets: []string{u.ID}, Count: 106}), len(out)
		default:
			out = append(out, rounds.NewBatch{Targets: []string{u.ID}, Count: 62})
		}
		n += out[len(out)-1].Count
	}
	out[last].Count += total - n
	return out
}

// issued makes a round over the province tree with its key and the
// province scenario's codes, opens it, and returns it with each target's
// codes.
func (p *Province) issued(title string) (*rounds.Round, string, map[string][]string, error) {
	s := p.Service
	r, units, err := demo.ProvinceRound(s, provinceActor, title)
	if err != nil {
		return nil, "", nil, err
	}
	kp, err := seal.GenerateKeyPair()
	if err != nil {
		return nil, "", nil, err
	}
	if _, err := s.SetKey(provinceActor, r.ID, kp.Public); err != nil {
		return nil, "", nil, err
	}
	bs, lists, err := s.IssueBatches(provinceActor, r.ID, ProvinceCodes(units))
	if err != nil {
		return nil, "", nil, err
	}
	codes := map[string][]string{}
	for i, b := range bs {
		codes[b.Targets[0]] = lists[i]
	}
	if _, _, err := s.OpenRound(provinceActor, r.ID); err != nil {
		return nil, "", nil, err
	}
	return r, kp.Private, codes, nil
}

// countedRound issues the codes, votes with some of each target's (a
// different share for each, two for every 97th target so that its figures
// are withheld), closes and counts.
func (p *Province) countedRound(title string) (string, int, error) {
	r, key, codes, err := p.issued(title)
	if err != nil {
		return "", 0, err
	}
	n, err := p.vote(r.ID, codes, func(i int) int {
		if i%97 == 5 {
			return 2
		}
		return 4 + i%13
	})
	if err != nil {
		return "", 0, err
	}
	if _, err := p.Service.CloseRound(provinceActor, r.ID); err != nil {
		return "", 0, err
	}
	if _, err := p.Service.Count(provinceActor, r.ID, key, nil); err != nil {
		return "", 0, err
	}
	return r.ID, n, nil
}

// twinRound is a counted round over the same tree with no codes at all:
// what a report says depends on ratings only.
func (p *Province) twinRound() (string, error) {
	s := p.Service
	r, _, err := demo.ProvinceRound(s, provinceActor, "Đánh giá chất lượng năm 2026 (đối chiếu)")
	if err != nil {
		return "", err
	}
	_, key, err := s.OpenRound(provinceActor, r.ID)
	if err != nil {
		return "", err
	}
	if _, err := s.CloseRound(provinceActor, r.ID); err != nil {
		return "", err
	}
	_, err = s.Count(provinceActor, r.ID, key, nil)
	return r.ID, err
}

// openRound is a round open for ballots, a few codes of each of the first
// targets used.
func (p *Province) openRound() (string, error) {
	r, _, codes, err := p.issued("Đánh giá chất lượng năm 2026 (đợt bổ sung)")
	if err != nil {
		return "", err
	}
	_, err = p.vote(r.ID, codes, func(i int) int { return i % 4 })
	return r.ID, err
}

// vote submits, for the i-th target in id order, many(i) ballots with its
// codes, 64 at a time so that the writer commits many together; it returns
// how many were accepted.
func (p *Province) vote(rid string, codes map[string][]string, many func(i int) int) (int, error) {
	tree, err := p.Service.Tree(rid)
	if err != nil {
		return 0, err
	}
	var subs []intake.Submission
	i := 0
	for _, u := range tree.Units() {
		list := codes[u.ID]
		if list == nil {
			continue
		}
		for k := range min(many(i), len(list)) {
			subs = append(subs, intake.Submission{Code: list[k], Ballots: []intake.BallotIn{{Target: u.ID, Answers: answers(i, k)}}})
		}
		i++
	}
	return demo.Cast(p.Service, subs, 64)
}

// answers is the k-th ballot about the i-th target, for either built-in
// form of the tree (they share question ids): most grade tot and propose
// htt, some go higher or lower, so that each target's levels differ.
func answers(i, k int) map[string]json.RawMessage {
	grades := []string{"xuat_sac", "tot", "tot", "trung_binh", "tot", "kem"}
	levels := []string{"htxs", "htt", "htt", "htnv", "htt", "khtnv", "htt"}
	a := map[string]json.RawMessage{}
	q := func(v string) json.RawMessage { return json.RawMessage(strconv.Quote(v)) }
	for c := 1; c <= 7; c++ {
		a["c"+strconv.Itoa(c)] = q(grades[(i+k+c)%len(grades)])
	}
	a["level"] = q(levels[(i*3+k)%len(levels)])
	if k%4 == 0 {
		a["comment"] = q("Tập thể đoàn kết; cần sát cơ sở hơn.")
	}
	return a
}

// ConsolePage is a console page of the province as one of its users sees
// it: every page, for the budget test, the benchmark and the screenshots.
type ConsolePage struct{ Name, User, Path string }

// Pages lists every console page of the fixture's rounds, each as the
// user whose page it is.
func (p *Province) Pages() []ConsolePage {
	cr := "/console/rounds/" + p.Counted
	pages := []ConsolePage{
		{"rounds", AdminUser, "/console"},
		{"round-counted", AdminUser, cr},
		{"turnout", AdminUser, cr + "/turnout"},
		{"turnout-district", AdminUser, cr + "/turnout?unit=pleiku"},
		{"turnout-search", AdminUser, cr + "/turnout?q=ia+grai"},
		{"turnout-json", AdminUser, cr + "/turnout.json"},
		{"units-json", AdminUser, cr + "/units.json?q=dang+bo"},
		{"codes", AdminUser, cr + "/codes"},
		{"codes-district", AdminUser, cr + "/codes?unit=chuse&from=0"},
		{"audit", AdminUser, "/console/audit"},
		{"users", AdminUser, "/console/users?q=pleiku"},
		{"round-committee", CommitteeUser, cr},
		{"round-authority", ProvinceUser, cr},
		{"ratings", ProvinceUser, cr + "/ratings"},
		{"sheet-province", ProvinceUser, cr + "/ratings?unit=gialai"},
		{"sheet-district", ProvinceUser, cr + "/ratings?unit=chuse"},
		{"turnout-authority", DistrictUser, cr + "/turnout"},
		{"sheet-of-a-district", DistrictUser, cr + "/ratings?unit=pleiku"},
		{"rounds-authority", ProvinceUser, "/console"},
		{"documents", AdminUser, cr + "/documents"},
		{"documents-authority", ProvinceUser, cr + "/documents"},
		{"verify", CommitteeUser, cr + "/verify"},
		{"new-round", AdminUser, "/console/rounds/new"},
		{"password", AdminUser, "/console/password"},
	}
	if p.Open != "" {
		or := "/console/rounds/" + p.Open
		pages = append(pages, ConsolePage{"round-open", AdminUser, or}, ConsolePage{"turnout-open", AdminUser, or + "/turnout"},
			ConsolePage{"codes-open", AdminUser, or + "/codes"},
			ConsolePage{"plan-open", AdminUser, or + "/plan?unit=pleiku&kind=grassroots&count=30&together=no"},
			ConsolePage{"revoke", AdminUser, or + "/batches/b23/revoke?unit=pleiku"},
			ConsolePage{"close-confirm", AdminUser, or + "/close"})
	}
	if p.Closed != "" {
		pages = append(pages, ConsolePage{"count", CommitteeUser, "/console/rounds/" + p.Closed + "/count"})
	}
	if p.Draft != "" {
		dr := "/console/rounds/" + p.Draft
		pages = append(pages, ConsolePage{"round-draft", AdminUser, dr}, ConsolePage{"open-confirm", AdminUser, dr + "/open"},
			ConsolePage{"plan-draft", AdminUser, dr + "/plan?unit=gialai&kind=grassroots&count=30&together=no"})
	}
	return pages
}
