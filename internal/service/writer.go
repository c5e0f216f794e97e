package service

import (
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
	s     *Service
	queue chan *pending
	max   int
	quit  chan struct{}
	done  chan struct{}
}

func startWriter(s *Service, size, max int) *writer {
	w := &writer{s: s, queue: make(chan *pending, size), max: max, quit: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// submit queues p and waits for its answer; a full queue answers busy at
// once, with nothing stored.
func (w *writer) submit(p *pending) result {
	p.reply = make(chan result, 1)
	select {
	case <-w.quit:
		return result{err: busy()}
	default:
	}
	select {
	case w.queue <- p:
		w.s.metrics.QueueLength.Set(float64(len(w.queue)))
	default:
		return result{err: busy()}
	}
	return <-p.reply
}

func busy() error {
	e := apperr.New(apperr.Busy, "busy")
	e.RetryAfter = time.Second
	return e
}

func (w *writer) stop() {
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
			// Answer what is still queued, then stop.
			for {
				select {
				case p := <-w.queue:
					w.commit([]*pending{p})
				default:
					return
				}
			}
		}
	drain:
		for len(batch) < w.max {
			select {
			case p := <-w.queue:
				batch = append(batch, p)
			default:
				break drain
			}
		}
		w.s.metrics.QueueLength.Set(float64(len(w.queue)))
		w.commit(batch)
	}
}

// commit decides and stores a batch of submissions in one transaction.
func (w *writer) commit(batch []*pending) {
	s := w.s
	results := make([]result, len(batch))
	start := time.Now()
	err := s.store.Update(func(tx *storage.Tx) error {
		now := s.now()
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
				results[i].err = apperr.New(apperr.CodeUnknown, "code.unknown")
				continue
			case rec.State == codes.Used:
				if rec.Submission == p.subHash {
					results[i].receipt = Receipt{Receipt: codes.ReceiptString(rec.Receipt), Replayed: true}
				} else {
					results[i].err = apperr.New(apperr.CodeUsed, "code.used")
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
			if err := s.fault("after_ballots"); err != nil {
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
		return s.fault("before_commit")
	})
	s.metrics.CommitSeconds.Observe(time.Since(start).Seconds())
	if err != nil {
		s.log.Error("ballot commit failed", "submissions", len(batch), "err", err)
		for i := range results {
			results[i] = result{err: apperr.Wrap(err)}
		}
	} else {
		s.metrics.Commits.Inc()
		s.metrics.CommitRequests.Observe(float64(len(batch)))
	}
	for i, p := range batch {
		p.reply <- results[i]
	}
}
