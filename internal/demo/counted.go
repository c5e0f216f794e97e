package demo

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"ballot/internal/auth"
	"ballot/internal/forms"
	"ballot/internal/report"
	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// Province is a counted province round with ballots on every target and
// the year before's final round over a slightly different tree: what the
// documents an authority hands over are made from, at full size.
type Province struct {
	Round, Previous *rounds.Round
	// Authority is the province's authority (its unit is the root).
	Authority auth.Principal
	// Ballots is how many ballots were cast, Codes how many codes issued.
	Ballots, Codes int
	// Added and Gone are the grassroots organizations that are new this
	// year and those that were there the year before only.
	Added, Gone []string
}

// ProvinceDocuments are the documents' settings of the province rounds.
var ProvinceDocuments = rounds.Documents{
	IssuerParent: "ĐẢNG BỘ TỈNH GIA LAI", Issuer: "BAN THƯỜNG VỤ TỈNH ỦY", Place: "Gia Lai",
	SignerFor: "T/M BAN THƯỜNG VỤ", SignerTitle: "BÍ THƯ", SignerName: "Nguyễn Văn Mẫu",
	CountHead: "Trần Thị Kiểm", CountSecretary: "Lê Văn Ghi",
	Recipients: []string{"Ban Tổ chức Trung ương,", "Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc,", "Lưu Văn phòng Tỉnh ủy."},
}

// provinceAuthority is the province's authority, who rates every target;
// committee the counting committee, who makes each round's key.
var (
	provinceAuthority = auth.Principal{Name: "tinh-uy", Role: auth.Authority, Unit: "gialai"}
	committee         = auth.Principal{Name: "bkp", Role: auth.Committee}
)

// publishedLevels are the final levels of the published report of 2020
// (seed-report-2020.md), by kind: 21 district-level organizations, 18 of
// them HTT and 3 HTNV; 957 grassroots organizations, 4 not rated, 162
// HTXS, 709 HTT, 80 HTNV and 2 KHTNV. The year before (yearBeforeLevels)
// had 970 grassroots organizations (15 since gone, 2 not yet there).
var (
	publishedLevels = map[string][]levelCount{
		"district":   {{forms.LevelHTT, 18}, {forms.LevelHTNV, 3}},
		"grassroots": {{forms.LevelHTXS, 162}, {forms.LevelHTT, 709}, {forms.LevelHTNV, 80}, {forms.LevelKHTNV, 2}, {report.NotRated, 4}},
	}
	yearBeforeLevels = map[string][]levelCount{
		"district":   {{forms.LevelHTXS, 1}, {forms.LevelHTT, 16}, {forms.LevelHTNV, 4}},
		"grassroots": {{forms.LevelHTXS, 158}, {forms.LevelHTT, 700}, {forms.LevelHTNV, 100}, {forms.LevelKHTNV, 6}, {report.NotRated, 6}},
	}
)

// OpenCountedProvince opens a fresh bbolt file at path with a service over
// it and makes CountedProvince there; closeAll closes the service, then
// the file.
func OpenCountedProvince(path string, opt service.Options) (svc *service.Service, p *Province, closeAll func(), err error) {
	store, err := storage.Open(path, storage.Options{})
	if err != nil {
		return nil, nil, nil, err
	}
	svc = service.New(store, opt)
	closeAll = func() { svc.Close(); store.Close() }
	if p, err = CountedProvince(svc); err != nil {
		closeAll()
		return nil, nil, nil, err
	}
	return svc, p, closeAll, nil
}

// CountedProvince makes, in svc, the year before's round (2025: counted
// without ballots, rated, final) and this year's (2026: countedRound).
// It takes a few seconds: ballots go through Submit as participants' do.
func CountedProvince(svc *service.Service) (*Province, error) {
	units, err := provinceUnits()
	if err != nil {
		return nil, err
	}
	var districts, grassroots []rounds.Unit
	for _, u := range units {
		switch u.Kind {
		case "district":
			districts = append(districts, u)
		case "grassroots":
			grassroots = append(grassroots, u)
		}
	}
	p := &Province{Authority: provinceAuthority}
	// The year before: the two last grassroots organizations did not exist
	// yet, and fifteen more did.
	before := append([]rounds.Unit(nil), units[:len(units)-2]...)
	for _, u := range grassroots[len(grassroots)-2:] {
		p.Added = append(p.Added, u.ID)
	}
	for i := 0; i < 15; i++ {
		d := districts[i%len(districts)]
		id := fmt.Sprintf("cu%02d", i+1)
		before = append(before, rounds.Unit{ID: id, Name: fmt.Sprintf("Đảng bộ xã cũ số %d (%s)", i+1, d.Name), Parent: d.ID,
			Kind: "grassroots", Group: "xa", Form: "to-chuc-co-so-dang"})
		p.Gone = append(p.Gone, id)
	}
	if p.Previous, err = countedWithoutBallots(svc, "Đánh giá chất lượng năm 2025", 2025, before); err != nil {
		return nil, err
	}
	if err := rate(svc, p.Authority, p.Previous.ID, before, planLevels(before, yearBeforeLevels)); err != nil {
		return nil, err
	}
	if p.Previous, err = svc.SetDocuments(actor, p.Previous.ID, ProvinceDocuments); err != nil {
		return nil, err
	}
	p.Round, p.Ballots, p.Codes, err = countedRound(svc, "Đánh giá chất lượng năm 2026", 2026)
	return p, err
}

// countedRound makes a round of year over the province tree with the
// documents' settings ProvinceDocuments and every target's codes — five
// for each grassroots organization (two for every fiftieth, so that it
// stays below the minimum group and is withheld), nine for each district's
// collective and two more for each district together with its first
// grassroots organization — opens it, votes with nearly all of them (in
// batches of five or more, one code in seven batches never used, one in
// eleven revoked), the answers leaning as the levels the targets end with;
// closes it, counts it, rates it as the published report of 2020 and marks
// it final. It returns the round with the ballots stored and the codes
// issued.
func countedRound(svc *service.Service, title string, year int) (*rounds.Round, int, int, error) {
	r, units, err := provinceRound(svc, actor, title, year)
	if err != nil {
		return nil, 0, 0, err
	}
	if _, err := svc.SetDocuments(actor, r.ID, ProvinceDocuments); err != nil {
		return nil, 0, 0, err
	}
	var batches []rounds.NewBatch
	first := map[string]string{}
	var districts []rounds.Unit
	for i, u := range units {
		switch u.Kind {
		case "grassroots":
			n := 5
			if i%50 == 7 {
				n = 2
			}
			batches = append(batches, rounds.NewBatch{Targets: []string{u.ID}, Count: n, Label: u.Name})
			if first[u.Parent] == "" {
				first[u.Parent] = u.ID
			}
		case "district":
			districts = append(districts, u)
		}
	}
	for _, d := range districts {
		batches = append(batches, rounds.NewBatch{Targets: []string{d.ID}, Count: 9, Label: d.Name},
			rounds.NewBatch{Targets: []string{d.ID, first[d.ID]}, Count: 2, Label: d.Name + " + 1"})
	}
	made, lists, err := svc.IssueBatches(actor, r.ID, batches)
	if err != nil {
		return nil, 0, 0, err
	}
	key, err := openWithKey(svc, r.ID)
	if err != nil {
		return nil, 0, 0, err
	}
	codes := 0
	var votes []vote
	for i, b := range made {
		codes += b.Count
		for j, code := range lists[i] {
			switch {
			case b.Count < 5: // a small group: every code used
			case i%7 == 3 && j == 0: // a code never used
				continue
			case i%11 == 5 && j == 1: // a code revoked
				if err := svc.RevokeCode(actor, r.ID, code); err != nil {
					return nil, 0, 0, err
				}
				continue
			}
			votes = append(votes, vote{code, b.Targets})
		}
	}
	levels, formOf := planLevels(units, publishedLevels), formsOf(units)
	ballots, err := castAll(svc, votes, func(rng *rand.Rand, target string) map[string]json.RawMessage {
		return answers(rng, formOf[target], levels[target])
	})
	if err != nil {
		return nil, 0, 0, err
	}
	if _, err := svc.CloseRound(actor, r.ID); err != nil {
		return nil, 0, 0, err
	}
	if _, err := svc.Count(actor, r.ID, key, nil); err != nil {
		return nil, 0, 0, err
	}
	if err := rate(svc, provinceAuthority, r.ID, units, levels); err != nil {
		return nil, 0, 0, err
	}
	r, err = svc.Round(r.ID)
	return r, ballots, codes, err
}

// countedWithoutBallots makes a counted round of the built-in forms over
// units with no ballot at all (a round of the year before, for comparison).
func countedWithoutBallots(svc *service.Service, title string, year int, units []rounds.Unit) (*rounds.Round, error) {
	r, err := templatesRound(svc, actor, title, year, units)
	if err != nil {
		return nil, err
	}
	key, err := openWithKey(svc, r.ID)
	if err != nil {
		return nil, err
	}
	if _, err := svc.CloseRound(actor, r.ID); err != nil {
		return nil, err
	}
	return svc.Count(actor, r.ID, key, nil)
}

// openWithKey opens draft round rid once the counting committee has made
// its key pair and set the public key (as it must when the server requires
// the committee's key), and returns the private key, the committee's.
func openWithKey(svc *service.Service, rid string) (string, error) {
	kp, err := seal.GenerateKeyPair()
	if err != nil {
		return "", err
	}
	if _, err := svc.SetKey(committee, rid, kp.Public); err != nil {
		return "", err
	}
	_, _, err = svc.OpenRound(actor, rid)
	return kp.Private, err
}
