package export_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ballot/internal/export"
	"ballot/internal/forms"
	"ballot/internal/i18n"
	"ballot/internal/rounds"
	"ballot/internal/tally"
)

// counted makes the counted aggregates of n targets (100 districts) with
// random figures, as counting would leave them.
func counted(n int) *tally.Counted {
	f, _ := forms.Template("to-chuc-co-so-dang")
	fs := map[string]*forms.Form{f.ID: &f}
	units := []rounds.Unit{{ID: "p", Name: "Tỉnh", Kind: "province"}}
	for d := 0; d < 100; d++ {
		units = append(units, rounds.Unit{ID: fmt.Sprintf("d%03d", d), Name: "Huyện", Parent: "p", Kind: "district"})
	}
	c := &tally.Counted{Forms: fs, Targets: map[string]*tally.Target{}, Withheld: tally.Withheld{}, Issued: map[string]int{}, MinGroup: 3}
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("c%05d", i)
		units = append(units, rounds.Unit{ID: id, Name: "Chi bộ " + id, Parent: fmt.Sprintf("d%03d", i%100), Kind: "grassroots", Form: f.ID})
		t := tally.NewTarget(id, &f)
		for b := 0; b < 30; b++ {
			choices := map[string]string{}
			for _, q := range f.Questions {
				if q.Type == forms.Choice {
					choices[q.ID] = q.Options[r.IntN(len(q.Options))].ID
				}
			}
			t.Add(&f, choices, nil)
		}
		c.Targets[id] = t
	}
	c.Tree = tally.NewTree(units)
	c.Rollups = tally.Rollups(c.Tree, c.Targets, fs)
	return c
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

// BenchmarkTallyXLSX is SPEC §6 P3: the XLSX export of a tally, and its
// peak heap at 1,000 and 10,000 targets (goal: ≤ 3 s; peak at 10,000 ≤ 1.5
// × at 1,000).
func BenchmarkTallyXLSX(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		c := counted(n)
		v := c.View("r1", "")
		b.Run(fmt.Sprintf("targets=%d", n), func(b *testing.B) {
			var peak uint64
			for b.Loop() {
				p := peakHeap(func() {
					if err := export.TallyXLSX(io.Discard, v, c.Forms, i18n.VI); err != nil {
						b.Fatal(err)
					}
				})
				peak = max(peak, p)
			}
			b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
		})
	}
}
