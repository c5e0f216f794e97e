package demo

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/google/uuid"

	"ballot/internal/auth"
	"ballot/internal/forms"
	"ballot/internal/intake"
	"ballot/internal/report"
	"ballot/internal/rounds"
	"ballot/internal/service"
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

// The ratings of the province round reproduce the published report of
// 2020 (seed-report-2020.md): 21 district-level organizations, 18 of them
// HTT and 3 HTNV; 957 grassroots organizations, 4 not rated, 162 HTXS,
// 709 HTT, 80 HTNV and 2 KHTNV. The year before had 970 grassroots
// organizations (15 since gone, 2 not yet there).
var (
	districtLevels   = []levelCount{{forms.LevelHTT, 18}, {forms.LevelHTNV, 3}}
	grassrootsLevels = []levelCount{{forms.LevelHTXS, 162}, {forms.LevelHTT, 709}, {forms.LevelHTNV, 80}, {forms.LevelKHTNV, 2}, {report.NotRated, 4}}
	previousDistrict = []levelCount{{forms.LevelHTXS, 1}, {forms.LevelHTT, 16}, {forms.LevelHTNV, 4}}
	previousLevels   = []levelCount{{forms.LevelHTXS, 158}, {forms.LevelHTT, 700}, {forms.LevelHTNV, 100}, {forms.LevelKHTNV, 6}, {report.NotRated, 6}}
)

type levelCount struct {
	level string
	n     int
}

// CountedProvince makes, in svc, the year before's round (2025: counted
// without ballots, rated, final) and this year's (2026: every target has
// codes and ballots, two-target codes for each district with one of its
// grassroots organizations, a few codes unused or revoked and a few
// targets below the minimum group; counted, rated, final). It takes a few
// seconds: ballots go through Submit as participants' do.
func CountedProvince(svc *service.Service) (*Province, error) {
	units, err := rounds.ParseUnitsCSV(ProvinceCSV)
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
	p := &Province{Authority: auth.Principal{Name: "tinh-uy", Role: auth.Authority, Unit: "gialai"}}
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
	if err := rateAll(svc, p.Authority, p.Previous.ID, before, previousDistrict, previousLevels); err != nil {
		return nil, err
	}

	r, _, err := ProvinceRound(svc, actor, "Đánh giá chất lượng năm 2026")
	if err != nil {
		return nil, err
	}
	if _, err := svc.SetDocuments(actor, r.ID, ProvinceDocuments); err != nil {
		return nil, err
	}
	if p.Previous, err = svc.SetDocuments(actor, p.Previous.ID, ProvinceDocuments); err != nil {
		return nil, err
	}
	// Codes: nine for each district's collective, five for each grassroots
	// organization (two for every fiftieth, so it stays below the minimum
	// group), and two more for each district together with its first
	// grassroots organization.
	var batches []rounds.NewBatch
	first := map[string]string{}
	for i, u := range grassroots {
		n := 5
		if i%50 == 7 {
			n = 2
		}
		batches = append(batches, rounds.NewBatch{Targets: []string{u.ID}, Count: n, Label: u.Name})
		if first[u.Parent] == "" {
			first[u.Parent] = u.ID
		}
	}
	for _, d := range districts {
		batches = append(batches, rounds.NewBatch{Targets: []string{d.ID}, Count: 9, Label: d.Name},
			rounds.NewBatch{Targets: []string{d.ID, first[d.ID]}, Count: 2, Label: d.Name + " + 1"})
	}
	made, lists, err := svc.IssueBatches(actor, r.ID, batches)
	if err != nil {
		return nil, err
	}
	r, key, err := svc.OpenRound(actor, r.ID)
	if err != nil {
		return nil, err
	}
	f1, _ := forms.Template("to-chuc-co-so-dang")
	f2, _ := forms.Template("tap-the-lanh-dao")
	formOf := map[string]*forms.Form{"to-chuc-co-so-dang": &f1, "tap-the-lanh-dao": &f2}
	unitOf := map[string]rounds.Unit{}
	for _, u := range units {
		unitOf[u.ID] = u
	}
	type vote struct {
		code    string
		targets []string
	}
	var votes []vote
	for i, b := range made {
		for j, code := range lists[i] {
			switch {
			case i%7 == 3 && j == 0: // a code never used
				continue
			case i%11 == 5 && j == 1: // a code revoked
				if err := svc.RevokeCode(actor, r.ID, code); err != nil {
					return nil, err
				}
				continue
			}
			votes = append(votes, vote{code, b.Targets})
		}
		p.Codes += b.Count
	}
	work := make(chan vote)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for w := 0; w < 48; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 2026))
			for v := range work {
				in := intake.Submission{Code: v.code, SubmissionID: uuid.NewString()}
				for _, t := range v.targets {
					in.Ballots = append(in.Ballots, intake.BallotIn{Target: t, Answers: answers(rng, formOf[unitOf[t].Form])})
				}
				if _, err := svc.Submit(in); err != nil {
					select {
					case errs <- err:
					default:
					}
					continue
				}
				mu.Lock()
				p.Ballots += len(v.targets)
				mu.Unlock()
			}
		}(uint64(w))
	}
	for _, v := range votes {
		work <- v
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	if _, err := svc.CloseRound(actor, r.ID); err != nil {
		return nil, err
	}
	if _, err := svc.Count(actor, r.ID, key, nil); err != nil {
		return nil, err
	}
	if err := rateAll(svc, p.Authority, r.ID, units, districtLevels, grassrootsLevels); err != nil {
		return nil, err
	}
	p.Round, err = svc.Round(r.ID)
	return p, err
}

// answers fills a form the way a meeting might: grades leaning to Tốt, the
// proposed level likewise, and now and then a comment.
func answers(rng *rand.Rand, f *forms.Form) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	lean := []int{25, 55, 15, 5} // percent per option, best first
	pick := func(n int) int {
		x := rng.IntN(100)
		for i := 0; i < n-1; i++ {
			if x < lean[i] {
				return i
			}
			x -= lean[i]
		}
		return n - 1
	}
	for _, q := range f.Questions {
		switch q.Type {
		case forms.Choice:
			raw, _ := json.Marshal(q.Options[pick(len(q.Options))].ID)
			out[q.ID] = raw
		case forms.Text:
			if rng.IntN(6) == 0 {
				raw, _ := json.Marshal(comments[rng.IntN(len(comments))])
				out[q.ID] = raw
			}
		}
	}
	return out
}

var comments = []string{
	"Cần tăng cường công tác kiểm tra, giám sát ở các chi bộ trực thuộc.",
	"Tập thể đoàn kết, lãnh đạo hoàn thành tốt các chỉ tiêu kinh tế - xã hội.",
	"Việc khắc phục hạn chế, khuyết điểm năm trước còn chậm, cần có lộ trình cụ thể.",
	"Sinh hoạt chi bộ đã đổi mới nội dung, thiết thực hơn.",
	"Đề nghị quan tâm hơn đến công tác phát triển đảng viên trong thanh niên.",
}

// countedWithoutBallots makes a counted round of the demo forms over units
// with no ballot at all (a round of the year before, for comparison).
func countedWithoutBallots(svc *service.Service, title string, year int, units []rounds.Unit) (*rounds.Round, error) {
	r, err := svc.CreateRound(actor, rounds.NewRound{Title: title, Year: year})
	if err != nil {
		return nil, err
	}
	for _, id := range forms.TemplateIDs() {
		f, _ := forms.Template(id)
		if _, err := svc.AddForm(actor, r.ID, &f); err != nil {
			return nil, err
		}
	}
	if _, err := svc.ImportUnits(actor, r.ID, append([]rounds.Unit(nil), units...), true); err != nil {
		return nil, err
	}
	_, key, err := svc.OpenRound(actor, r.ID)
	if err != nil {
		return nil, err
	}
	if _, err := svc.CloseRound(actor, r.ID); err != nil {
		return nil, err
	}
	return svc.Count(actor, r.ID, key, nil)
}

// rateAll rates every district-level and grassroots target of units with
// the levels given, spread over the tree in a fixed random order, and marks
// the report final.
func rateAll(svc *service.Service, by auth.Principal, rid string, units []rounds.Unit, district, grassroots []levelCount) error {
	plans := map[string][]levelCount{"district": append([]levelCount(nil), district...), "grassroots": append([]levelCount(nil), grassroots...)}
	order := append([]rounds.Unit(nil), units...)
	rng := rand.New(rand.NewPCG(20, 26))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	var rows []report.ImportRow
	for _, u := range order {
		plan := plans[u.Kind]
		if !u.IsTarget() || len(plan) == 0 {
			continue
		}
		for plan[0].n == 0 {
			plan = plan[1:]
		}
		plan[0].n--
		plans[u.Kind] = plan
		in := report.RatingIn{Level: plan[0].level, Decision: "125-QĐ/TU", Date: "2026-01-15"}
		if in.Level == report.NotRated {
			in.Reason = "Mới thành lập, chưa đủ 6 tháng hoạt động"
		}
		rows = append(rows, report.ImportRow{Row: len(rows) + 2, Unit: u.ID, In: in})
	}
	if _, err := svc.ImportRatings(by, rid, rows); err != nil {
		return err
	}
	_, err := svc.MarkFinal(by, rid)
	return err
}
