package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"ballot/internal/auth"
	"ballot/internal/demo"
	"ballot/internal/intake"
	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// fillDatabase makes, in db, an open round over the province tree holding
// n ballots submitted the way the server stores them — one code each, used,
// sealed grades and comments, receipts — through the service itself (no
// HTTP, which is measured by P1).
func fillDatabase(db string, n int) error {
	store, err := storage.Open(db, storage.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	svc := service.New(store, service.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer svc.Close()
	actor := auth.Principal{Name: "bench", Role: auth.Admin}
	r, units, err := demo.ProvinceRound(svc, actor, "Một triệu phiếu")
	if err != nil {
		return err
	}
	kp, _ := seal.GenerateKeyPair()
	if _, err := svc.SetKey(actor, r.ID, kp.Public); err != nil {
		return err
	}
	if _, _, err := svc.OpenRound(actor, r.ID); err != nil {
		return err
	}
	var targets []string
	for _, u := range units {
		if u.IsTarget() {
			targets = append(targets, u.ID)
		}
	}
	raw := map[string]json.RawMessage{}
	for k, v := range answers() {
		raw[k], _ = json.Marshal(v)
	}
	// Codes in rounds of 100 batches (one transaction each), submitted by
	// as many callers as the writer can group.
	const perBatch = 1000
	for issued := 0; issued < n; {
		var ins []rounds.NewBatch
		for ; issued < n && len(ins) < 100; issued += perBatch {
			ins = append(ins, rounds.NewBatch{Targets: []string{targets[issued/perBatch%len(targets)]}, Count: min(perBatch, n-issued)})
		}
		bs, lists, err := svc.IssueBatches(actor, r.ID, ins)
		if err != nil {
			return err
		}
		work := make(chan intake.Submission, 1024)
		var wg sync.WaitGroup
		var failed atomic.Value
		for w := 0; w < 128; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for sub := range work {
					if _, err := svc.Submit(sub); err != nil {
						failed.Store(err)
					}
				}
			}()
		}
		for i, b := range bs {
			for _, c := range lists[i] {
				work <- intake.Submission{Code: c, SubmissionID: uuid.NewString(),
					Ballots: []intake.BallotIn{{Target: b.Targets[0], Answers: raw}}}
			}
		}
		close(work)
		wg.Wait()
		if err, _ := failed.Load().(error); err != nil {
			return err
		}
		fmt.Printf("\r  %d / %d ballots", min(issued, n), n)
	}
	fmt.Println()
	return nil
}

// startupTimes starts the server on db k times and returns the median time
// from exec to its first answer on /healthz.
func startupTimes(bin, db string, k int) (time.Duration, error) {
	var ts []time.Duration
	for range k {
		runtime.GC()
		s, err := start(bin, db, false)
		if err != nil {
			return 0, err
		}
		ts = append(ts, s.started)
		s.Stop()
	}
	slices.Sort(ts)
	return ts[len(ts)/2], nil
}
