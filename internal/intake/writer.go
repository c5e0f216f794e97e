package intake

import (
	"sync"
	"time"

	"ballot/internal/apperr"
	"ballot/internal/codes"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// pending is one sealed submission waiting for the writer.
type pending struct {
	round   string
	codeKey []byte
	subHash [32]byte
	grades  []storage.Sealed
	notes   []storage.Sealed
	reply   chan result
}

// batchRef names a batch of a round.
type batchRef struct{ round, batch string }

// result is the writer's answer to one submission.
type result struct {
	receipt Receipt
	err     error
}

func (r result) outcome() string {
	switch {
	case r.err != nil:
		return string(apperr.CodeOf(r.err))
	case r.receipt.Replayed:
		return "replayed"
	}
	return "accepted"
}

// writer is the one goroutine that stores ballots. It takes every
// submission waiting (up to a cap), decides each inside one transaction,
// writes only those that pass, and answers after the synced commit — so
// concurrent submissions share an fsync and none is acknowledged unsynced.
type writer struct {
	in    *Intake
	queue chan *pending
	max   int
	// mu orders submitters against stop: a submitter queues only under
	// the read lock and while open, so once stop has taken the write lock
	// every queued submission is in the queue, and the writer answers
	// them all before it ends.
	mu      sync.RWMutex
	open    bool
	started bool
	quit    chan struct{}
	done    chan struct{}
}

func newWriter(in *Intake, size, max int) *writer {
	return &writer{in: in, queue: make(chan *pending, size), max: max, quit: make(chan struct{}), done: make(chan struct{})}
}

// start runs the writer (once).
func (w *writer) start() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started {
		return
	}
	w.started, w.open = true, true
	go w.run()
}

// submit queues p and waits for its answer; a full queue, or a writer not
// running, answers busy at once, with nothing stored.
func (w *writer) submit(p *pending) result {
	p.reply = make(chan result, 1)
	w.mu.RLock()
	if !w.open {
		w.mu.RUnlock()
		return result{err: busy()}
	}
	if err := w.in.opt.Fault("queue"); err != nil {
		w.mu.RUnlock()
		return result{err: apperr.Wrap(err)}
	}
	select {
	case w.queue <- p:
		w.in.metrics.queueLength.Set(float64(len(w.queue)))
	default:
		w.mu.RUnlock()
		return result{err: busy()}
	}
	w.mu.RUnlock()
	return <-p.reply
}

func busy() error {
	e := apperr.New(apperr.Busy, "busy")
	e.RetryAfter = time.Second
	return e
}

// stop refuses new submissions, lets the writer answer every queued one,
// and waits for it to end.
func (w *writer) stop() {
	w.mu.Lock()
	wasOpen := w.open
	w.open = false
	w.mu.Unlock()
	if !wasOpen {
		return
	}
	close(w.quit)
	<-w.done
}

func (w *writer) run() {
	defer close(w.done)
	batch := make([]*pending, 0, w.max)
	for {
		select {
		case p := <-w.queue:
			batch = append(batch[:0], p)
		case <-w.quit:
			// No submitter can queue any more: answer what is queued, in
			// commits as large as usual, then stop.
			for len(w.queue) > 0 {
				batch = w.take(batch[:0])
				w.commit(batch)
			}
			return
		}
		batch = w.take(batch)
		w.in.metrics.queueLength.Set(float64(len(w.queue)))
		w.commit(batch)
	}
}

// take adds what is waiting in the queue to batch, up to the cap.
func (w *writer) take(batch []*pending) []*pending {
	for len(batch) < w.max {
		select {
		case p := <-w.queue:
			batch = append(batch, p)
		default:
			return batch
		}
	}
	return batch
}

// commit decides and stores a batch of submissions in one transaction.
func (w *writer) commit(batch []*pending) {
	in := w.in
	results := make([]result, len(batch))
	start := time.Now()
	err := in.store.Update(func(tx *storage.Tx) error {
		now := in.now()
		roundsSeen := map[string]*rounds.Round{}
		batches := map[batchRef]*rounds.Batch{} // batches to save
		grades := map[string][]storage.Sealed{}
		notes := map[string][]storage.Sealed{}
		for i, p := range batch {
			results[i] = result{}
			r := roundsSeen[p.round]
			if r == nil {
				var err error
				if r, err = tx.Round(p.round); err != nil {
					return err
				}
				roundsSeen[p.round] = r
			}
			rec, err := tx.Code(p.round, p.codeKey)
			if err != nil {
				return err
			}
			switch {
			case rec == nil || rec.State == codes.Revoked:
				results[i].err = apperr.New(apperr.AccessCodeUnknown, "code.unknown")
				continue
			case rec.State == codes.Used:
				if rec.Submission == p.subHash {
					results[i].receipt = Receipt{Receipt: codes.ReceiptString(rec.Receipt), Replayed: true}
				} else {
					results[i].err = apperr.New(apperr.AccessCodeUsed, "code.used")
				}
				continue
			}
			if err := r.AcceptsBallots(now); err != nil {
				results[i].err = err
				continue
			}
			bkey := batchRef{p.round, rec.Batch}
			b := batches[bkey]
			if b == nil {
				if b, err = tx.Batch(p.round, rec.Batch); err != nil {
					return err
				}
				batches[bkey] = b
			}
			receipt := codes.NewReceipt()
			used := &codes.Record{State: codes.Used, Batch: rec.Batch, Submission: p.subHash, Receipt: receipt}
			if err := tx.PutCode(p.round, p.codeKey, used); err != nil {
				return err
			}
			b.Used++
			grades[p.round] = append(grades[p.round], p.grades...)
			notes[p.round] = append(notes[p.round], p.notes...)
			results[i].receipt = Receipt{Receipt: codes.ReceiptString(receipt)}
		}
		for rid, recs := range grades {
			if err := tx.PutSealed(rid, storage.Grades, recs); err != nil {
				return err
			}
			if err := in.opt.Fault("after_ballots"); err != nil {
				return err
			}
			if err := tx.PutSealed(rid, storage.Notes, notes[rid]); err != nil {
				return err
			}
		}
		for ref, b := range batches {
			if err := tx.PutBatch(ref.round, b); err != nil {
				return err
			}
		}
		return in.opt.Fault("before_commit")
	})
	in.metrics.commitSeconds.Observe(time.Since(start).Seconds())
	if err != nil {
		in.opt.Log.Error("ballot commit failed", "submissions", len(batch), "err", err)
		for i := range results {
			results[i] = result{err: apperr.Wrap(err)}
		}
	} else {
		in.metrics.commits.Inc()
		in.metrics.commitRequests.Observe(float64(len(batch)))
	}
	for i, p := range batch {
		p.reply <- results[i]
	}
}
