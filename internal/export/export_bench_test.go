package export_test

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ballot/internal/auth"
	"ballot/internal/export"
	"ballot/internal/forms"
	"ballot/internal/i18n"
	"ballot/internal/rounds"
	"ballot/internal/server"
	"ballot/internal/service"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

// countedRound makes a counted round of n targets (100 districts) in a
// bbolt file, with random aggregates as counting would leave them.
func countedRound(b testing.TB, n int) (*service.Service, string) {
	b.Helper()
	store, err := storage.Open(filepath.Join(b.TempDir(), "bench.db"), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	svc := service.New(store, service.Options{})
	b.Cleanup(svc.Close)
	sys := auth.Principal{Name: "bench"}
	r, err := svc.CreateRound(sys, rounds.NewRound{Title: "bench", Year: 2026})
	if err != nil {
		b.Fatal(err)
	}
	f, _ := forms.Template("to-chuc-co-so-dang")
	if _, err := svc.AddForm(sys, r.ID, &f); err != nil {
		b.Fatal(err)
	}
	units := []rounds.Unit{{ID: "p", Name: "Tỉnh", Kind: "province"}}
	for d := 0; d < 100; d++ {
		units = append(units, rounds.Unit{ID: fmt.Sprintf("d%03d", d), Name: "Huyện", Parent: "p", Kind: "district"})
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var targets []*tally.Target
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("c%05d", i)
		units = append(units, rounds.Unit{ID: id, Name: "Chi bộ " + id, Parent: fmt.Sprintf("d%03d", i%100), Kind: "grassroots", Form: f.ID})
		t := tally.NewTarget(id, &f)
		for k := 0; k < 30; k++ {
			choices := map[string]string{}
			for _, q := range f.Questions {
				if q.Type == forms.Choice {
					choices[q.ID] = q.Options[rng.IntN(len(q.Options))].ID
				}
			}
			t.Add(&f, choices, nil)
		}
		targets = append(targets, t)
	}
	if _, err := svc.ImportUnits(sys, r.ID, units, false); err != nil {
		b.Fatal(err)
	}
	if _, _, err := svc.OpenRound(sys, r.ID); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.CloseRound(sys, r.ID); err != nil {
		b.Fatal(err)
	}
	err = store.Update(func(tx *storage.Tx) error {
		rr, err := tx.Round(r.ID)
		if err != nil {
			return err
		}
		if err := rr.MarkCounted(time.Now()); err != nil {
			return err
		}
		if err := tx.PutCounted(r.ID, targets, nil, nil); err != nil {
			return err
		}
		if err := tx.PutWithheld(r.ID, tally.Withheld{}); err != nil {
			return err
		}
		return tx.PutRound(rr)
	})
	if err != nil {
		b.Fatal(err)
	}
	return svc, r.ID
}

// serveAPI serves svc's API on a loopback port until the test ends, and
// returns its address and the first admin's token.
func serveAPI(tb testing.TB, svc *service.Service) (addr, token string) {
	tb.Helper()
	_, token, _, err := svc.Bootstrap()
	if err != nil {
		tb.Fatal(err)
	}
	srv := server.New(svc, server.Config{Log: slog.New(slog.DiscardHandler)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.Serve(ln, nil)
	tb.Cleanup(func() { srv.Shutdown(5 * time.Second) })
	return ln.Addr().String(), token
}

// peakHeap samples the live heap while fn runs.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return peak.Load()
}

// BenchmarkTallyXLSX is P3 (docs/design.md §6): the XLSX export of a counted
// round's tally, read from its bbolt file as the API does, and its peak heap at
// 1,000 and 10,000 targets (goal: ≤ 3 s; peak at 10,000 ≤ 1.5 × at 1,000).
func BenchmarkTallyXLSX(b *testing.B) {
	admin := auth.Principal{Name: "bench", Role: auth.Admin}
	for _, n := range []int{1000, 10000} {
		svc, rid := countedRound(b, n)
		b.Run(fmt.Sprintf("targets=%d", n), func(b *testing.B) {
			var peak uint64
			for b.Loop() {
				p := peakHeap(func() {
					t, err := svc.Tally(admin, rid, "")
					if err == nil {
						err = export.TallyXLSX(io.Discard, t.Counted, t.Unit, i18n.VI, export.MetaOf(t.Round, t.UnitName, time.Now()))
					}
					if err != nil {
						b.Fatal(err)
					}
				})
				peak = max(peak, p)
			}
			b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
		})
	}
}

// BenchmarkTallyOverHTTP is P3's export downloaded from the API over a real
// listener, as an authority's browser does, with the peak heap of the
// process (the server, and a client that reads and discards) while it
// runs; beside it, the baseline: the same file written in the process, as
// the CLI writes it. Streamed as it is written, the download's peak stays
// near the baseline's however large the file is.
func BenchmarkTallyOverHTTP(b *testing.B) {
	admin := auth.Principal{Name: "bench", Role: auth.Admin}
	for _, n := range []int{1000, 10000} {
		svc, rid := countedRound(b, n)
		addr, token := serveAPI(b, svc)
		download := func(format string) (int64, error) {
			req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/rounds/"+rid+"/tally?format="+format, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, err
			}
			defer res.Body.Close()
			if res.StatusCode != 200 {
				return 0, fmt.Errorf("status %d", res.StatusCode)
			}
			return io.Copy(io.Discard, res.Body)
		}
		write := func(format string) (int64, error) {
			var w countingWriter
			t, err := svc.Tally(admin, rid, "")
			if err == nil {
				err = export.Tally(&w, format, t.Counted, t.Round.ID, t.Unit, i18n.VI, export.MetaOf(t.Round, t.UnitName, time.Now()))
			}
			return int64(w), err
		}
		for _, format := range []string{"csv", "xlsx"} {
			for _, way := range []struct {
				name string
				get  func(string) (int64, error)
			}{{"in-process", write}, {"http", download}} {
				b.Run(fmt.Sprintf("targets=%d/%s/%s", n, format, way.name), func(b *testing.B) {
					var peak uint64
					var size int64
					for b.Loop() {
						peak = max(peak, peakHeap(func() {
							var err error
							if size, err = way.get(format); err != nil {
								b.Fatal(err)
							}
						}))
					}
					b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
					b.ReportMetric(float64(size)/1e6, "file-MB")
				})
			}
		}
	}
}

// countingWriter counts what is written to it and keeps nothing.
type countingWriter int64

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}
