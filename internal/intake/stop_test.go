package intake_test

import (
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/forms"
	"ballot/internal/intake"
	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// TestStopNeverStrandsASubmitter races submitters against Stop, many times:
// every submission gets an answer (a receipt, or busy once stopped), none
// hangs, and a code is used exactly when its submitter got a receipt.
func TestStopNeverStrandsASubmitter(t *testing.T) {
	t.Parallel()
	const rounds_, submitters = 40, 24
	store, err := storage.Open(filepath.Join(t.TempDir(), "b.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc := service.New(store, service.Options{})
	svc.Close() // its own intake is not used: each loop starts one
	sys := auth.Principal{Name: "test"}
	r, _ := svc.CreateRound(sys, rounds.NewRound{Title: "stop", Year: 2026})
	f, _ := forms.Template("to-chuc-co-so-dang")
	if _, err := svc.AddForm(sys, r.ID, &f); err != nil {
		t.Fatal(err)
	}
	units := []rounds.Unit{{ID: "p", Name: "P", Kind: "province"}, {ID: "c", Name: "C", Parent: "p", Kind: "grassroots", Form: f.ID}}
	if _, err := svc.ImportUnits(sys, r.ID, units, false); err != nil {
		t.Fatal(err)
	}
	_, list, err := svc.IssueBatch(sys, r.ID, rounds.NewBatch{Targets: []string{"c"}, Count: rounds_ * submitters})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.OpenRound(sys, r.ID); err != nil {
		t.Fatal(err)
	}
	answers := map[string]json.RawMessage{"level": json.RawMessage(`"htt"`)}
	for _, q := range f.Questions {
		if q.Type == forms.Choice && q.ID != "level" {
			answers[q.ID] = json.RawMessage(`"tot"`)
		}
	}
	accepted := 0
	rng := rand.New(&lockedSource{src: rand.NewPCG(3, 4)})
	for loop := 0; loop < rounds_; loop++ {
		// A pause just before queueing widens the moment a submitter
		// passes the writer's check but has not queued yet.
		pause := func(stage string) error {
			if stage == "queue" {
				time.Sleep(time.Duration(rng.IntN(500)) * time.Microsecond)
			}
			return nil
		}
		in := intake.New(store, intake.Options{MaxPerCommit: 4, Fault: pause})
		in.Start()
		var wg sync.WaitGroup
		results := make(chan error, submitters)
		for i := 0; i < submitters; i++ {
			code := list[loop*submitters+i]
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := in.Submit(intake.Submission{Code: code, Ballots: []intake.BallotIn{{Target: "c", Answers: answers}}})
				results <- err
			}()
		}
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		in.Stop()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("loop %d: a submitter got no answer 10 s after Stop", loop)
		}
		close(results)
		for err := range results {
			switch {
			case err == nil:
				accepted++
			case !apperr.Is(err, apperr.Busy):
				t.Fatalf("loop %d: %v", loop, err)
			}
		}
	}
	tn, err := svc.Turnout(sys, r.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if tn.Used != accepted {
		t.Fatalf("%d receipts given, %d codes used", accepted, tn.Used)
	}
	t.Logf("%d loops: %d accepted, %d answered busy", rounds_, accepted, rounds_*submitters-accepted)
}

// lockedSource is a rand source safe for the submitters' goroutines.
type lockedSource struct {
	mu  sync.Mutex
	src rand.Source
}

func (l *lockedSource) Uint64() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.src.Uint64()
}
