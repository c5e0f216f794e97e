// Package resulttest makes, for the federation tests, child instances with a
// counted, rated, final round of a small province and a signing key, and
// parent rounds over them.
package resulttest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/uuid"

	"ballot/internal/auth"
	"ballot/internal/forms"
	"ballot/internal/intake"
	"ballot/internal/report"
	"ballot/internal/result"
	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// Admin is who the helpers act as.
var Admin = auth.Principal{Name: "admin", Role: auth.Admin}

// Spec is the shape of a child province.
type Spec struct {
	// Root is the province's unit id; its other units' ids start with it.
	Root string
	// Districts, each with PerDistrict grassroots organizations.
	Districts, PerDistrict int
	// Ballots per target; every fifth grassroots organization gets 2,
	// below the minimum group, so that something is withheld.
	Ballots int
	Year    int
	Seed    uint64
	// Grassroots, if set, replaces the built-in grassroots form (same id,
	// other content: another hash).
	Grassroots *forms.Form
}

// Child is a child instance with a final round.
type Child struct {
	Svc       *service.Service
	Round     *rounds.Round
	Root      string
	Key       *result.SigningKey
	PublicKey string
	Units     []rounds.Unit
	Authority auth.Principal
	// Path is the database file; Close closes it.
	Path  string
	Close func()
}

// Open makes a service over a new database in a test's temporary folder.
func Open(t testing.TB) *service.Service {
	t.Helper()
	svc, _ := OpenAt(t, filepath.Join(t.TempDir(), "ballot.db"))
	return svc
}

// OpenAt makes a service over the database at path; closing it (or the
// test's end) closes both.
func OpenAt(t testing.TB, path string) (*service.Service, func()) {
	t.Helper()
	store, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(store, service.Options{})
	var once sync.Once
	done := func() { once.Do(func() { svc.Close(); store.Close() }) }
	t.Cleanup(done)
	return svc, done
}

// Units is the tree of s: the province, its districts (targets of the
// leadership form) and their grassroots organizations.
func Units(s Spec) []rounds.Unit {
	units := []rounds.Unit{{ID: s.Root, Name: "Đảng bộ tỉnh " + s.Root, Kind: "province"}}
	for d := 1; d <= s.Districts; d++ {
		did := fmt.Sprintf("%s-d%02d", s.Root, d)
		units = append(units, rounds.Unit{ID: did, Name: fmt.Sprintf("Huyện ủy %d (%s)", d, s.Root), Parent: s.Root, Kind: "district", Form: "tap-the-lanh-dao"})
		for c := 1; c <= s.PerDistrict; c++ {
			group := "xa"
			if c%3 == 0 {
				group = "coquan"
			}
			units = append(units, rounds.Unit{ID: fmt.Sprintf("%s-c%02d%03d", s.Root, d, c), Name: fmt.Sprintf("Đảng bộ xã %d.%d (%s)", d, c, s.Root),
				Parent: did, Kind: "grassroots", Group: group, Form: "to-chuc-co-so-dang"})
		}
	}
	return units
}

// NewChild makes a child instance of shape s: codes for every target,
// ballots cast, counted, every target rated (a few not rated), the report
// final, and a signing key.
func NewChild(t testing.TB, s Spec) *Child {
	t.Helper()
	path := filepath.Join(t.TempDir(), s.Root+".db")
	svc, closeDB := OpenAt(t, path)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	r, err := svc.CreateRound(Admin, rounds.NewRound{Title: "Đánh giá chất lượng năm " + fmt.Sprint(s.Year) + " — " + s.Root, Year: s.Year})
	must(err)
	fs := map[string]*forms.Form{}
	for _, id := range []string{"to-chuc-co-so-dang", "tap-the-lanh-dao"} {
		f, _ := forms.Template(id)
		if id == "to-chuc-co-so-dang" && s.Grassroots != nil {
			f = *s.Grassroots
		}
		added, err := svc.AddForm(Admin, r.ID, &f)
		must(err)
		fs[id] = added
	}
	units := Units(s)
	_, err = svc.ImportUnits(Admin, r.ID, append([]rounds.Unit(nil), units...), false)
	must(err)
	var batches []rounds.NewBatch
	for i, u := range units {
		if !u.IsTarget() {
			continue
		}
		n := s.Ballots
		if u.Kind == "grassroots" && i%5 == 0 {
			n = 2
		}
		batches = append(batches, rounds.NewBatch{Targets: []string{u.ID}, Count: n})
	}
	made, lists, err := svc.IssueBatches(Admin, r.ID, batches)
	must(err)
	r, key, err := svc.OpenRound(Admin, r.ID)
	must(err)
	rng := rand.New(rand.NewPCG(s.Seed, 19))
	formOf := map[string]*forms.Form{}
	for _, u := range units {
		if u.IsTarget() {
			formOf[u.ID] = fs[u.Form]
		}
	}
	for i, b := range made {
		for _, code := range lists[i] {
			in := intake.Submission{Code: code, SubmissionID: uuid.NewString()}
			for _, tg := range b.Targets {
				in.Ballots = append(in.Ballots, intake.BallotIn{Target: tg, Answers: Answers(rng, formOf[tg])})
			}
			_, err := svc.Submit(in)
			must(err)
		}
	}
	_, err = svc.CloseRound(Admin, r.ID)
	must(err)
	_, err = svc.Count(Admin, r.ID, key, nil)
	must(err)
	authority := auth.Principal{Name: "authority-" + s.Root, Role: auth.Authority, Unit: s.Root}
	var rows []report.ImportRow
	levels := append(append([]string(nil), forms.Levels...), report.NotRated)
	for _, u := range units {
		if !u.IsTarget() {
			continue
		}
		in := report.RatingIn{Level: levels[pickLevel(rng)], Decision: "12-QĐ/TU", Date: fmt.Sprintf("%d-12-20", s.Year)}
		if in.Level == report.NotRated {
			in.Reason = "Mới thành lập"
		}
		rows = append(rows, report.ImportRow{Row: len(rows) + 2, Unit: u.ID, In: in})
	}
	_, err = svc.ImportRatings(authority, r.ID, rows)
	must(err)
	_, err = svc.MarkFinal(authority, r.ID)
	must(err)
	secret, public, err := result.NewSigningKey()
	must(err)
	k, err := result.ParseSigningKey(secret)
	must(err)
	r, err = svc.Round(r.ID)
	must(err)
	return &Child{Svc: svc, Round: r, Root: s.Root, Key: k, PublicKey: public, Units: units, Authority: authority, Path: path, Close: closeDB}
}

// pickLevel leans to HTT, as ratings do: HTXS 15%, HTT 65%, HTNV 14%,
// KHTNV 3%, not rated 3%.
func pickLevel(rng *rand.Rand) int {
	x := rng.IntN(100)
	for i, w := range []int{15, 65, 14, 3} {
		if x < w {
			return i
		}
		x -= w
	}
	return 4
}

// Answers fills form f at random, every required question answered.
func Answers(rng *rand.Rand, f *forms.Form) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for _, q := range f.Questions {
		switch q.Type {
		case forms.Choice:
			out[q.ID], _ = json.Marshal(q.Options[rng.IntN(len(q.Options))].ID)
		case forms.Score:
			out[q.ID], _ = json.Marshal(rng.IntN(q.Max + 1))
		case forms.Text:
			if rng.IntN(4) == 0 {
				out[q.ID], _ = json.Marshal("Nhận xét")
			}
		}
	}
	return out
}

// Export is the child's signed result of unit (its root if "").
func (c *Child) Export(t testing.TB, unit string) *service.SignedResult {
	t.Helper()
	sr, err := c.Svc.ExportResult(Admin, c.Round.ID, unit, c.Key)
	if err != nil {
		t.Fatal(err)
	}
	return sr
}

// NewParent makes, in svc, a parent round of year over a root unit with
// the children's roots below it (province kind), with the built-in forms,
// each child's key registered, open.
func NewParent(t testing.TB, svc *service.Service, year int, root string, children ...*Child) *rounds.Round {
	t.Helper()
	r, err := svc.CreateRound(Admin, rounds.NewRound{Title: fmt.Sprintf("Tổng hợp năm %d", year), Year: year, Parent: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"to-chuc-co-so-dang", "tap-the-lanh-dao"} {
		f, _ := forms.Template(id)
		if _, err := svc.AddForm(Admin, r.ID, &f); err != nil {
			t.Fatal(err)
		}
	}
	units := []rounds.Unit{{ID: root, Name: "Trung ương " + root, Kind: "central"}}
	for _, c := range children {
		units = append(units, rounds.Unit{ID: c.Root, Name: "Đảng bộ tỉnh " + c.Root, Parent: root, Kind: "province"})
	}
	if _, err := svc.ImportUnits(Admin, r.ID, units, false); err != nil {
		t.Fatal(err)
	}
	for _, c := range children {
		if _, err := svc.RegisterSigner(Admin, r.ID, c.Root, c.PublicKey); err != nil {
			t.Fatal(err)
		}
	}
	r, _, err = svc.OpenRound(Admin, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
