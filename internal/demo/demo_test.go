package demo_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ballot/internal/auth"
	"ballot/internal/demo"
	"ballot/internal/forms"
	"ballot/internal/intake"
	"ballot/internal/report"
	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

// seeded is a demo database seeded as `ballot demo` seeds it.
type seeded struct {
	svc   *service.Service
	store *storage.Store
	guide *demo.Guide
	admin demo.Admin
}

// seedDemo opens, in a temporary folder, a demo database seeded as
// `ballot demo` seeds it: a copy of the files of one seeded once for the
// package (seedOnce), so that each test has its own without seeding again.
func seedDemo(t *testing.T) *seeded {
	t.Helper()
	seededOnce.Do(func() {
		start := time.Now()
		if seededOnce.err = seedOnce(); seededOnce.err == nil {
			t.Logf("seeded in %v", time.Since(start).Round(time.Millisecond))
		}
	})
	if seededOnce.err != nil {
		t.Fatal(seededOnce.err)
	}
	path := filepath.Join(t.TempDir(), "ballot-demo.db")
	copyFile(t, seededOnce.path, path)
	copyFile(t, storage.KeysPath(seededOnce.path), storage.KeysPath(path))
	store, err := storage.Open(path, storage.Options{Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := service.New(store, service.Options{PasswordCost: lightPasswords})
	t.Cleanup(svc.Close)
	g := *seededOnce.guide
	return &seeded{svc, store, &g, seededOnce.admin}
}

// seededOnce is the demo database seeded for the package, closed, in a
// folder TestMain removes.
var seededOnce struct {
	sync.Once
	path  string
	guide *demo.Guide
	admin demo.Admin
	err   error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if seededOnce.path != "" {
		os.RemoveAll(filepath.Dir(seededOnce.path))
	}
	os.Exit(code)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	raw, err := os.ReadFile(from)
	if err == nil {
		err = os.WriteFile(to, raw, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// seedOnce makes a new demo database and its first admin, and seeds it.
func seedOnce() error {
	dir, err := os.MkdirTemp("", "ballot-demo")
	if err != nil {
		return err
	}
	seededOnce.path = filepath.Join(dir, "ballot-demo.db")
	store, err := storage.Open(seededOnce.path, storage.Options{Demo: true})
	if err != nil {
		return err
	}
	defer store.Close()
	svc := service.New(store, service.Options{PasswordCost: lightPasswords})
	defer svc.Close()
	pw, token, _, err := svc.Bootstrap()
	if err != nil {
		return err
	}
	seededOnce.admin = demo.Admin{Password: pw, Token: token}
	seededOnce.guide, err = demo.Seed(svc, seededOnce.admin)
	return err
}

// lightPasswords hashes the demo's passwords: no test here is about the
// cost of hashing (internal/auth's and cmd/ballot's are).
var lightPasswords = auth.Cost{Time: 1, Memory: 64, Threads: 1}

var tinhUy = auth.Principal{Name: "tinh-uy", Role: auth.Authority, Unit: "gialai"}

// TestTheDemoReproducesThePublishedReport: last year's round of the demo
// is counted, rated and final, and its report has exactly the figures of
// the province's published report of 2020 (seed-report-2020.md), the
// quota kept everywhere; its tally has ballots on every target, leaning as
// their ratings, with comments, and small groups withheld.
func TestTheDemoReproducesThePublishedReport(t *testing.T) {
	t.Parallel()
	d := seedDemo(t)
	rep, r, err := d.svc.Report(tinhUy, d.guide.LastYear, service.ReportQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Year != 2025 || r.State != rounds.Counted || !rep.Final {
		t.Fatalf("last year's round: year %d, %s, final %v", r.Year, r.State, rep.Final)
	}
	type fig = report.Figure
	sections := map[string]report.Row{}
	for _, s := range rep.Sections {
		sections[s.Kind] = s.Total
	}
	g, dl := sections["grassroots"], sections["district"]
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"grassroots in all", g.Total, 957},
		{"grassroots rated", g.Rated, 953},
		{"grassroots not rated", fig{Count: g.NotRated, Percent: g.NotRatedPercent}, fig{Count: 4, Percent: "0.42"}},
		{"grassroots good or better", g.GoodOrBetter, fig{Count: 871, Percent: "91.40"}},
		{"grassroots excellent of good", g.ExcellentOfGood, fig{Count: 162, Percent: "18.60"}},
		{"grassroots HTNV", g.Levels[forms.LevelHTNV], fig{Count: 80, Percent: "8.39"}},
		{"grassroots KHTNV", g.Levels[forms.LevelKHTNV], fig{Count: 2, Percent: "0.21"}},
		{"district-level in all", dl.Total, 21},
		{"district-level HTT", dl.Levels[forms.LevelHTT], fig{Count: 18, Percent: "85.71"}},
		{"district-level HTNV", dl.Levels[forms.LevelHTNV], fig{Count: 3, Percent: "14.29"}},
		{"district-level HTXS", dl.Levels[forms.LevelHTXS].Count, 0},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.what, c.got, c.want)
		}
	}
	for _, q := range rep.Quota {
		if q.Breach {
			t.Errorf("the quota of %s (%s) is breached: %d of %d", q.Name, q.Group, q.Excellent, q.GoodOrBetter)
		}
	}
	if s := strings.Join(rep.Summary["vi"], " "); !strings.Contains(s, "Hoàn thành tốt nhiệm vụ trở lên là 871, chiếm 91,40% (trong đó Hoàn thành xuất sắc nhiệm vụ là 162, chiếm 18,60%)") {
		t.Errorf("the paragraph: %s", s)
	}
	if r.Documents.IssuerParent != "ĐẢNG BỘ TỈNH GIA LAI" {
		t.Error("the round has no letterhead")
	}

	// The tally behind it.
	ratings, err := d.svc.Ratings(d.guide.LastYear)
	if err != nil {
		t.Fatal(err)
	}
	withheld, commented, targets := 0, 0, 0
	goodShare := map[string][]float64{} // proposed HTXS or HTT, by final level
	tt, err := d.svc.Tally(tinhUy, d.guide.LastYear, "")
	if err != nil {
		t.Fatal(err)
	}
	err = tt.Counted.Walk("", func(v tally.TargetView) error {
		targets++
		if v.Ballots == 0 {
			t.Errorf("target %s has no ballots", v.ID)
		}
		if v.Withheld {
			withheld++
			return nil
		}
		if len(v.Comments) > 0 {
			commented++
		}
		for _, q := range v.Questions {
			if q.ID != "level" || q.Withheld {
				continue
			}
			good := 0
			for _, o := range q.Options {
				if o.ID == forms.LevelHTXS || o.ID == forms.LevelHTT {
					good += o.Count
				}
			}
			level := ratings[v.ID].Level
			goodShare[level] = append(goodShare[level], float64(good)/float64(q.Answered))
		}
		return nil
	}, func(tally.RollupView) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	mean := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(max(len(xs), 1))
	}
	t.Logf("%d targets, %d withheld, %d with comments; proposed HTT or better: %.2f where rated HTXS, %.2f HTT, %.2f HTNV",
		targets, withheld, commented, mean(goodShare["htxs"]), mean(goodShare["htt"]), mean(goodShare["htnv"]))
	if targets != 978 || withheld == 0 || withheld > 60 || commented < targets/2 {
		t.Errorf("%d targets, %d withheld, %d with comments", targets, withheld, commented)
	}
	if !(mean(goodShare["htxs"]) > mean(goodShare["htt"]) && mean(goodShare["htt"]) > mean(goodShare["htnv"])+0.2) {
		t.Error("the ballots do not lean as the ratings")
	}
}

// TestTheDemoIsOpenWithCodesToTry: this year's round is open; every target
// has at least three unused codes kept for the demo's admin, the guide's
// codes among them; three ballots with the guide's codes give a published
// tally once the round is counted with the guide's key, and once rated its
// report compares with last year's; counting erases the kept codes with
// every other per-code record.
func TestTheDemoIsOpenWithCodesToTry(t *testing.T) {
	t.Parallel()
	d := seedDemo(t)
	g := d.guide
	r, err := d.svc.Round(g.ThisYear)
	if err != nil || r.State != rounds.Open || r.Year != 2026 || r.Documents.IssuerParent == "" {
		t.Fatalf("this year's round: %+v %v", r, err)
	}
	bs, lists, err := d.svc.DemoCodes(g.ThisYear, "gialai")
	if err != nil {
		t.Fatal(err)
	}
	unused := map[string]int{}
	shown := map[string]bool{}
	for i, b := range bs {
		for _, target := range b.Targets {
			unused[target] += len(lists[i])
		}
		for _, c := range lists[i] {
			shown[c] = true
		}
	}
	tree, _ := d.svc.Tree(g.ThisYear)
	for _, u := range tree.Units() {
		if u.IsTarget() && unused[u.ID] < 3 {
			t.Errorf("%s has %d unused codes", u.ID, unused[u.ID])
		}
	}
	if len(g.Codes) < 4 {
		t.Fatalf("the guide prints %d codes", len(g.Codes))
	}
	for _, c := range g.Codes {
		if !shown[c.Code] || c.Status != "" {
			t.Errorf("guide code %s: kept %v, status %q", c.Code, shown[c.Code], c.Status)
		}
	}
	// three votes, then close and count with the guide's key
	target := g.Codes[0].Targets[0]
	f, _ := forms.Template("to-chuc-co-so-dang")
	for _, c := range g.Codes[:3] {
		a := map[string]json.RawMessage{"level": json.RawMessage(`"htt"`)}
		for _, q := range f.Questions {
			if q.OptionSet == "grade4" {
				a[q.ID] = json.RawMessage(`"tot"`)
			}
		}
		if _, err := d.svc.Submit(intake.Submission{Code: c.Code, Ballots: []intake.BallotIn{{Target: target, Answers: a}}}); err != nil {
			t.Fatalf("a guide code does not vote: %v", err)
		}
	}
	sys := auth.Principal{Name: "test"}
	if _, err := d.svc.CloseRound(sys, g.ThisYear); err != nil {
		t.Fatal(err)
	}
	if _, err := d.svc.Count(sys, g.ThisYear, g.Key, nil); err != nil {
		t.Fatalf("the guide's key does not count: %v", err)
	}
	tt, err := d.svc.Tally(tinhUy, g.ThisYear, "pleiku")
	if err != nil {
		t.Fatal(err)
	}
	err = tt.Counted.Walk("pleiku", func(v tally.TargetView) error {
		if v.ID == target && (v.Ballots != 3 || v.Withheld) {
			t.Errorf("the guide's target after three votes: %d ballots, withheld %v", v.Ballots, v.Withheld)
		}
		return nil
	}, func(tally.RollupView) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	// the third step: rated, this year's report compares with last year's
	rows := []report.ImportRow{{Row: 2, Unit: target, In: report.RatingIn{Level: forms.LevelHTT, Decision: "1-QĐ/HU", Date: "2026-12-02"}}}
	if _, err := d.svc.ImportRatings(tinhUy, g.ThisYear, rows); err != nil {
		t.Fatal(err)
	}
	rep, _, err := d.svc.Report(tinhUy, g.ThisYear, service.ReportQuery{})
	if err != nil || rep.Compared == nil || rep.Compared.Round != g.LastYear || rep.Sections[len(rep.Sections)-1].Total.Rated != 1 {
		t.Fatalf("this year's report: %v, compared with %+v", err, rep.Compared)
	}
	if err := d.store.Settle(); err != nil {
		t.Fatal(err)
	}
	err = d.store.Walk(func(path []string, key, value []byte) error {
		for _, c := range g.Codes {
			if bytes.Contains(value, []byte(c.Code)) && !strings.HasPrefix(strings.Join(path, "/"), "demo") {
				t.Errorf("a demo code survives counting in %v", path)
			}
		}
		if len(path) > 2 && path[2] == "democodes" {
			t.Errorf("kept codes survive counting: %v", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTheGuideIsPrintedAgainWithWhatChanged: a second run prints the same
// guide, saying it was made before, with the codes used since marked, a
// password changed since no longer shown, and the rest kept; a closed
// round is said to be, and its codes not to vote.
func TestTheGuideIsPrintedAgainWithWhatChanged(t *testing.T) {
	t.Parallel()
	d := seedDemo(t)
	var first bytes.Buffer
	if err := d.guide.Write(&first, "ballot-demo.db", "http://127.0.0.1:8080/console", "http://127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	out := first.String()
	for _, want := range []string{"http://127.0.0.1:8080/console", "one-time password: " + d.admin.Password, d.admin.Token,
		d.guide.Key, d.guide.Codes[0].Code, "1. Vote on a phone", "2. Close and count", "3. Rate and download the report", "--reset"} {
		if !strings.Contains(out, want) {
			t.Errorf("the guide lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "earlier") || !strings.Contains(out, "start with --addr 0.0.0.0:8080") {
		t.Error("the first guide says it was made before, or not how phones can vote")
	}
	var lan bytes.Buffer
	d.guide.Write(&lan, "ballot-demo.db", "http://localhost:8080/console", "http://192.0.2.2:8080")
	if strings.Contains(lan.String(), "--addr 0.0.0.0") || !strings.Contains(lan.String(), "A phone on the same network opens it too") {
		t.Errorf("served to the network, the guide says:\n%s", lan.String())
	}
	var bkp string
	for _, u := range d.guide.Users {
		if !strings.Contains(out, u.Name) || !strings.Contains(out, u.Password) {
			t.Errorf("the guide lacks user %s or its password", u.Name)
		}
		if u.Name == "bkp" {
			bkp = u.Password
		}
	}
	// since: a code used, bkp's password changed
	a := map[string]json.RawMessage{"level": json.RawMessage(`"htt"`)}
	for _, q := range []string{"c1", "c2", "c3", "c4", "c5", "c6", "c7"} {
		a[q] = json.RawMessage(`"tot"`)
	}
	used := d.guide.Codes[1]
	if _, err := d.svc.Submit(intake.Submission{Code: used.Code, Ballots: []intake.BallotIn{{Target: used.Targets[0], Answers: a}}}); err != nil {
		t.Fatal(err)
	}
	if err := d.svc.ChangePassword(auth.Principal{Name: "bkp"}, bkp, "một câu mật khẩu đủ dài"); err != nil {
		t.Fatal(err)
	}
	g, err := demo.Seed(d.svc, demo.Admin{})
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := g.Write(&again, "ballot-demo.db", "http://127.0.0.1:8080/console", "http://127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	out2 := again.String()
	if !strings.Contains(out2, "by an earlier `ballot demo`") || !strings.Contains(out2, used.Code+"  (used)") ||
		strings.Contains(out2, bkp) || !strings.Contains(out2, "not kept") {
		t.Fatalf("the guide again:\n%s", out2)
	}
	// the rest is the same guide, line for line
	lines := map[string]bool{}
	for _, l := range strings.Split(out2, "\n") {
		lines[l] = true
	}
	for _, l := range strings.Split(out, "\n") {
		if !lines[l] && !strings.Contains(l, used.Code) && !strings.Contains(l, "bkp") && !strings.Contains(l, "codes, ") {
			t.Errorf("line lost on the second run: %q", l)
		}
	}
	// once the round is closed its codes no longer vote, and the guide
	// says so
	if _, err := d.svc.CloseRound(auth.Principal{Name: "test"}, d.guide.ThisYear); err != nil {
		t.Fatal(err)
	}
	if g, err = demo.Seed(d.svc, demo.Admin{}); err != nil {
		t.Fatal(err)
	}
	var closed bytes.Buffer
	if err := g.Write(&closed, "ballot-demo.db", "", ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(closed.String(), "closed, waiting for its count (step 2)") || !strings.Contains(closed.String(), d.guide.Codes[0].Code+"  (the round is closed)") {
		t.Errorf("the guide after closing:\n%s", closed.String())
	}
}

// TestSeedRefusesAnyDatabaseButADemoOne: a database ballot serve made is
// never seeded, and a demo database whose seeding stopped is not seeded
// twice.
func TestSeedRefusesAnyDatabaseButADemoOne(t *testing.T) {
	t.Parallel()
	for _, demoFile := range []bool{false, true} {
		store, err := storage.Open(filepath.Join(t.TempDir(), "ballot.db"), storage.Options{Demo: demoFile})
		if err != nil {
			t.Fatal(err)
		}
		svc := service.New(store, service.Options{PasswordCost: lightPasswords})
		pw, token, _, err := svc.Bootstrap()
		if err != nil {
			t.Fatal(err)
		}
		if demoFile {
			// a seeding that stopped after its first round
			if _, _, err := demo.ProvinceRound(svc, auth.Principal{Name: "demo"}, "Đánh giá chất lượng năm 2025"); err != nil {
				t.Fatal(err)
			}
		}
		_, err = demo.Seed(svc, demo.Admin{Password: pw, Token: token})
		rs, _ := svc.Rounds()
		switch {
		case !demoFile && (!errors.Is(err, storage.ErrNotDemo) || len(rs) != 0):
			t.Errorf("a database that is not a demo: %v, %d rounds", err, len(rs))
		case demoFile && (!errors.Is(err, demo.ErrIncomplete) || len(rs) != 1):
			t.Errorf("an incomplete demo: %v, %d rounds", err, len(rs))
		}
		svc.Close()
		store.Close()
	}
}
