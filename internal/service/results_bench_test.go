package service

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"
	"time"

	"ballot/internal/auth"
	"ballot/internal/ballots"
	"ballot/internal/forms"
	"ballot/internal/report"
	"ballot/internal/result"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// benchProvince is one child instance's signed result, made as a province
// would make it: the fixture's tree (979 units) under its own ids, ballots
// sealed straight into the open round (as the writer would, without codes),
// closed, counted, every target rated, final, exported and signed.
type benchProvince struct {
	root      string
	file, sig []byte
	public    string
}

func makeProvince(b *testing.B, dir string, n int, ballotsPer int) benchProvince {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "demo", "province-units.csv"))
	if err != nil {
		b.Fatal(err)
	}
	units, err := rounds.ParseUnitsCSV(raw)
	if err != nil {
		b.Fatal(err)
	}
	prefix := fmt.Sprintf("p%02d-", n)
	for i := range units {
		units[i].ID = prefix + units[i].ID
		if units[i].Parent != "" {
			units[i].Parent = prefix + units[i].Parent
		}
	}
	root := units[0].ID
	store, err := storage.Open(filepath.Join(dir, root+".db"), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	s := New(store, Options{})
	defer s.Close()
	sys := auth.Principal{Name: "bench", Role: auth.Admin}
	must := func(err error) {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
	}
	r, err := s.CreateRound(sys, rounds.NewRound{Title: "Đánh giá năm 2026 " + root, Year: 2026})
	must(err)
	fs := map[string]*forms.Form{}
	for _, id := range []string{"to-chuc-co-so-dang", "tap-the-lanh-dao"} {
		f, _ := forms.Template(id)
		_, err := s.AddForm(sys, r.ID, &f)
		must(err)
		fs[id] = &f
	}
	_, err = s.ImportUnits(sys, r.ID, append([]rounds.Unit(nil), units...), false)
	must(err)
	r, priv, err := s.OpenRound(sys, r.ID)
	must(err)
	dk, err := s.intake.DataKey(r)
	must(err)
	rng := rand.New(rand.NewPCG(uint64(n), 9))
	place := ballots.AAD(r.ID, storage.Grades)
	size := ballots.GradesSize([]*forms.Form{fs["to-chuc-co-so-dang"], fs["tap-the-lanh-dao"]})
	var batch []storage.Sealed
	for _, u := range units {
		if !u.IsTarget() {
			continue
		}
		f := fs[u.Form]
		for i := 0; i < ballotsPer; i++ {
			g := ballots.Grades{Target: u.ID, Choices: map[string]string{}}
			for _, q := range f.Questions {
				if q.Type == forms.Choice {
					g.Choices[q.ID] = q.Options[rng.IntN(len(q.Options))].ID
				}
			}
			v, err := dk.Seal(ballots.EncodeGrades(g), place, size)
			must(err)
			batch = append(batch, storage.NewSealed(v))
		}
	}
	must(store.Update(func(tx *storage.Tx) error { return tx.PutSealed(r.ID, storage.Grades, batch) }))
	_, err = s.CloseRound(sys, r.ID)
	must(err)
	_, err = s.Count(sys, r.ID, priv, nil)
	must(err)
	authority := auth.Principal{Name: "tinh", Role: auth.Authority, Unit: root}
	var rows []report.ImportRow
	levels := append(append([]string(nil), forms.Levels...), report.NotRated)
	for _, u := range units {
		if u.IsTarget() {
			in := report.RatingIn{Level: levels[[]int{0, 1, 1, 1, 1, 1, 2, 3, 4}[rng.IntN(9)]], Reason: "mới thành lập"}
			rows = append(rows, report.ImportRow{Row: len(rows) + 2, Unit: u.ID, In: in})
		}
	}
	_, err = s.ImportRatings(authority, r.ID, rows)
	must(err)
	_, err = s.MarkFinal(authority, r.ID)
	must(err)
	secret, public, err := result.NewSigningKey()
	must(err)
	key, err := result.ParseSigningKey(secret)
	must(err)
	sr, err := s.ExportResult(sys, r.ID, "", key)
	must(err)
	return benchProvince{root: root, file: sr.File, sig: sr.Signature, public: public}
}

// parentOf makes a parent round over provinces (keys registered, open).
func parentOf(b *testing.B, dir string, provinces []benchProvince) (*Service, string, func()) {
	b.Helper()
	store, err := storage.Open(filepath.Join(dir, fmt.Sprintf("parent-%d.db", len(provinces))), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	s := New(store, Options{})
	sys := auth.Principal{Name: "bench", Role: auth.Admin}
	r, err := s.CreateRound(sys, rounds.NewRound{Title: "Tổng hợp toàn quốc 2026", Year: 2026, Parent: true})
	if err != nil {
		b.Fatal(err)
	}
	for _, id := range []string{"to-chuc-co-so-dang", "tap-the-lanh-dao"} {
		f, _ := forms.Template(id)
		if _, err := s.AddForm(sys, r.ID, &f); err != nil {
			b.Fatal(err)
		}
	}
	units := []rounds.Unit{{ID: "tw", Name: "Trung ương", Kind: "central"}}
	for _, p := range provinces {
		units = append(units, rounds.Unit{ID: p.root, Name: "Tỉnh " + p.root, Parent: "tw", Kind: "province"})
	}
	if _, err := s.ImportUnits(sys, r.ID, units, false); err != nil {
		b.Fatal(err)
	}
	for _, p := range provinces {
		if _, err := s.RegisterSigner(sys, r.ID, p.root, p.public); err != nil {
			b.Fatal(err)
		}
	}
	if _, _, err := s.OpenRound(sys, r.ID); err != nil {
		b.Fatal(err)
	}
	return s, r.ID, func() { s.Close(); store.Close() }
}

// peakHeap runs fn and returns its time and the peak heap in use while it
// ran (sampled every millisecond), above what was in use before.
func peakHeap(fn func()) (time.Duration, uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base, peak := m.HeapAlloc, m.HeapAlloc
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapAlloc)
			}
		}
	}()
	start := time.Now()
	fn()
	took := time.Since(start)
	close(stop)
	<-done
	runtime.ReadMemStats(&m)
	peak = max(peak, m.HeapAlloc)
	return took, peak - base
}

// BenchmarkNationalReport is docs/design.md §6 P9: BALLOT_BENCH_PROVINCES (default
// 34) province-sized children, each with BALLOT_BENCH_PROVINCE_BALLOTS
// ballots per target (default 20), counted, exported and signed; then
// their files imported into a parent round. Measured: reading and
// verifying the files alone (the baseline), importing each, and the
// national report (every kind, no comparison) after all are in — and the
// report's peak heap with a quarter of the children and with all of them,
// which must be about the same.
func BenchmarkNationalReport(b *testing.B) {
	n, per := envInt("BALLOT_BENCH_PROVINCES", 34), envInt("BALLOT_BENCH_PROVINCE_BALLOTS", 20)
	dir := b.TempDir()
	start := time.Now()
	var provinces []benchProvince
	size := 0
	for i := 1; i <= n; i++ {
		p := makeProvince(b, dir, i, per)
		provinces = append(provinces, p)
		size += len(p.file)
		os.Remove(filepath.Join(dir, p.root+".db"))
	}
	b.Logf("%d provinces made in %s; files of %.1f MB each", n, time.Since(start).Round(time.Second), float64(size)/float64(n)/1e6)
	b.Run("read+verify", func(b *testing.B) {
		for b.Loop() {
			for _, p := range provinces {
				pub, err := result.ParsePublicKey(p.public)
				if err != nil || !result.Verify(pub, p.file, p.sig) {
					b.Fatal("a file does not verify")
				}
				if _, err := result.Parse(p.file); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/float64(n)*1000, "ms/province")
	})
	sys := auth.Principal{Name: "bench", Role: auth.Admin}
	report := func(s *Service, rid string) time.Duration {
		took, _ := peakHeap(func() {
			if _, _, err := s.Report(sys, rid, ReportQuery{Compare: NoCompare}); err != nil {
				b.Fatal(err)
			}
		})
		return took
	}
	b.Run("import", func(b *testing.B) {
		for b.Loop() {
			s, rid, done := parentOf(b, b.TempDir(), provinces)
			var times []time.Duration
			var heaps []uint64
			for _, p := range provinces {
				took, heap := peakHeap(func() {
					if _, err := s.ImportResult(sys, rid, p.file, p.sig); err != nil {
						b.Fatal(err)
					}
				})
				times, heaps = append(times, took), append(heaps, heap)
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms/import-median")
			b.ReportMetric(float64(times[len(times)-1].Microseconds())/1000, "ms/import-max")
			b.ReportMetric(float64(heaps[0])/1e6, "MB-heap-first-import")
			b.ReportMetric(float64(heaps[len(heaps)-1])/1e6, "MB-heap-last-import")
			done()
		}
	})
	b.Run("national-report", func(b *testing.B) {
		quarter := max(1, n/4)
		sq, rq, doneQ := parentOf(b, b.TempDir(), provinces[:quarter])
		defer doneQ()
		s, rid, done := parentOf(b, b.TempDir(), provinces)
		defer done()
		for i, p := range provinces {
			if _, err := s.ImportResult(sys, rid, p.file, p.sig); err != nil {
				b.Fatal(err)
			}
			if i < quarter {
				if _, err := sq.ImportResult(sys, rq, p.file, p.sig); err != nil {
					b.Fatal(err)
				}
			}
		}
		report(s, rid) // warm
		_, heapQ := peakHeap(func() { report(sq, rq) })
		_, heapAll := peakHeap(func() { report(s, rid) })
		for b.Loop() {
			report(s, rid)
		}
		rep, _, err := s.Report(sys, rid, ReportQuery{Compare: NoCompare})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(rep.Quota)), "quota-lines")
		b.ReportMetric(float64(rep.Total), "targets")
		b.ReportMetric(float64(heapQ)/1e6, fmt.Sprintf("MB-heap-%d-children", quarter))
		b.ReportMetric(float64(heapAll)/1e6, fmt.Sprintf("MB-heap-%d-children", n))
	})
}
