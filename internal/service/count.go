package service

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"runtime"
	"sync"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/codes"
	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

// Progress reports a long operation's advance: a stage, done of total.
type Progress func(stage string, done, total int)

// Count opens a closed round's ballots with the committee's private key,
// stores the counted aggregates, a shuffled comment list per target and the
// receipt hashes, erases every per-code record and compacts the file. The
// key is held in memory only while counting. A key that is not the round's
// counts nothing.
func (s *Service) Count(p auth.Principal, rid, privateKey string, progress Progress) (*rounds.Round, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	identity, err := seal.ParseIdentity(privateKey)
	if err != nil {
		return nil, err
	}
	s.countMu.Lock()
	defer s.countMu.Unlock()
	r, err := s.Round(rid)
	if err != nil {
		return nil, err
	}
	if err := r.Check(rounds.ActCount); err != nil {
		return nil, err
	}
	if identity.Recipient().String() != r.PublicKey {
		return nil, apperr.Field("private_key", "key.wrong_round")
	}
	opener := seal.NewOpener(identity)
	defer opener.Close()

	var targets map[string]*aggregate
	comments := map[string][]string{}
	var receipts [][32]byte
	err = s.store.View(func(tx *storage.Tx) error {
		var err error
		if targets, err = newAggregates(tx, rid); err != nil {
			return err
		}
		if err := tx.EachDataKey(rid, opener.AddKey); err != nil {
			return apperr.Wrap(err)
		}
		total, _ := tx.CountSealed(rid, storage.Grades)
		done, err := tallyGrades(tx, rid, opener, targets, func(n int) { progress("ballots", n, total) })
		if err != nil {
			return err
		}
		progress("ballots", done, total)
		err = openEach(tx, rid, storage.Notes, opener, func(plain []byte) error {
			var n notePlain
			if err := json.Unmarshal(plain, &n); err != nil {
				return err
			}
			t := targets[n.Target]
			if t == nil {
				return fmt.Errorf("a comment for unknown target %q", n.Target)
			}
			t.AddText(n.Question)
			comments[n.Target] = append(comments[n.Target], n.Text)
			return nil
		})
		if err != nil {
			return err
		}
		return tx.EachCode(rid, func(_ []byte, rec *codes.Record) error {
			if rec.State == codes.Used {
				receipts = append(receipts, codes.ReceiptHash(codes.ReceiptString(rec.Receipt)))
			}
			return nil
		})
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	shuffle := shuffler()
	for _, list := range comments {
		shuffle.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
	}
	list := make([]*tally.Target, 0, len(targets))
	byID := make(map[string]*tally.Target, len(targets))
	for id, t := range targets {
		list = append(list, &t.Target)
		byID[id] = &t.Target
	}
	// What to withhold is decided once, here, over every published view.
	progress("withhold", 0, 1)
	var withheld tally.Withheld
	err = s.store.View(func(tx *storage.Tx) error {
		units, err := tx.Units(rid)
		if err != nil {
			return err
		}
		fs, err := tx.Forms(rid)
		if err != nil {
			return err
		}
		tree := tally.NewTree(units)
		withheld = tally.Decide(tree, byID, tally.Rollups(tree, byID, fs), fs, r.MinGroupSize, true)
		return nil
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	progress("store", 0, 1)
	err = s.update(p, "round.count", func(tx *storage.Tx) (_ any, err error) {
		if r, err = tx.Round(rid); err != nil {
			return nil, err
		}
		if err := r.MarkCounted(s.now()); err != nil {
			return nil, err
		}
		if err := tx.PutCounted(rid, list, comments, receipts); err != nil {
			return nil, err
		}
		if err := tx.PutWithheld(rid, withheld); err != nil {
			return nil, err
		}
		if err := tx.EraseCodes(rid); err != nil {
			return nil, err
		}
		return map[string]any{"round": rid, "receipts": len(receipts)}, tx.PutRound(r)
	})
	if err != nil {
		return nil, err
	}
	progress("compact", 0, 1)
	if err := s.store.Compact(); err != nil {
		return nil, apperr.Wrap(err)
	}
	progress("done", 1, 1)
	return r, nil
}

// openEach opens every sealed record of a kind and passes its plaintext
// (valid only during fn) to fn.
func openEach(tx *storage.Tx, rid string, kind storage.Kind, o *seal.Opener, fn func(plain []byte) error) error {
	buf := make([]byte, 0, 4096)
	place := aad(rid, kind)
	return tx.EachSealed(rid, kind, func(_, v []byte) error {
		plain, err := o.Open(buf, v, place)
		if err != nil {
			return err
		}
		return fn(plain)
	})
}

// tallyGrades opens and counts every sealed grades record of round rid on
// all cores: one goroutine walks the bucket (its values stay valid while
// the transaction lasts), workers open, decode and count on their own
// (counter) and add their counts to targets at the end, one at a time.
func tallyGrades(tx *storage.Tx, rid string, o *seal.Opener, targets map[string]*aggregate, progress func(int)) (int, error) {
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan [][]byte, 2*workers)
	errs := make(chan error, workers)
	var mu sync.Mutex // over targets, while a worker adds its counts
	place := aad(rid, storage.Grades)
	for w := 0; w < workers; w++ {
		go func() {
			c, buf := newCounter(targets), make([]byte, 0, 1024)
			var err error
			for batch := range jobs {
				for _, v := range batch {
					if err != nil {
						break
					}
					var plain []byte
					if plain, err = o.Open(buf, v, place); err != nil {
						break
					}
					err = c.count(plain)
				}
			}
			mu.Lock()
			c.flush()
			mu.Unlock()
			errs <- err
		}()
	}
	done := 0
	batch := make([][]byte, 0, 1024)
	err := tx.EachSealed(rid, storage.Grades, func(_, v []byte) error {
		batch = append(batch, v)
		if len(batch) == cap(batch) {
			jobs <- batch
			batch = make([][]byte, 0, 1024)
		}
		if done++; done%100000 == 0 {
			progress(done)
		}
		return nil
	})
	if len(batch) > 0 {
		jobs <- batch
	}
	close(jobs)
	for w := 0; w < workers; w++ {
		if werr := <-errs; err == nil {
			err = werr
		}
	}
	progress(done)
	return done, err
}

// aggregate is a target's aggregate with its form at hand.
type aggregate struct {
	tally.Target
	form *forms.Form
}

// newAggregates starts an empty aggregate for every target of round rid, so
// a target nobody voted on is counted with zero ballots.
func newAggregates(tx *storage.Tx, rid string) (map[string]*aggregate, error) {
	fs, err := tx.Forms(rid)
	if err != nil {
		return nil, err
	}
	units, err := tx.Units(rid)
	if err != nil {
		return nil, err
	}
	out := map[string]*aggregate{}
	for _, u := range units {
		if f := fs[u.Form]; f != nil {
			out[u.ID] = &aggregate{Target: *tally.NewTarget(u.ID, f), form: f}
		}
	}
	return out, nil
}

// shuffler is a random source seeded from crypto/rand, so the order of
// comments says nothing about the order they came in.
func shuffler() *mrand.Rand {
	var seed [32]byte
	if _, err := rand.Read(seed[:]); err != nil {
		panic(err)
	}
	return mrand.New(mrand.NewChaCha8(seed))
}
