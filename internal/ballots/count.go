package ballots

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"runtime"
	"sync"

	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/tally"
)

// Aggregate is a target's aggregate with its form at hand.
type Aggregate struct {
	tally.Target
	Form *forms.Form
}

// NewAggregates starts an empty aggregate for every target among units, so
// a target nobody voted on is counted with zero ballots.
func NewAggregates(units []rounds.Unit, fs map[string]*forms.Form) map[string]*Aggregate {
	out := map[string]*Aggregate{}
	for _, u := range units {
		if f := fs[u.Form]; f != nil {
			out[u.ID] = &Aggregate{Target: *tally.NewTarget(u.ID, f), Form: f}
		}
	}
	return out
}

// Each passes every sealed value of one kind of record to fn, in storage
// order; a value is valid only during fn (a bbolt read transaction, say).
type Each func(fn func(key, value []byte) error) error

// OpenEach opens every sealed value and passes its plaintext (valid only
// during fn) to fn.
func OpenEach(each Each, o *seal.Opener, aad []byte, fn func(plain []byte) error) error {
	buf := make([]byte, 0, 4096)
	return each(func(_, v []byte) error {
		plain, err := o.Open(buf, v, aad)
		if err != nil {
			return err
		}
		return fn(plain)
	})
}

// CountGrades opens and counts every sealed grades record on all cores: one
// goroutine walks the records (their values stay valid while each runs),
// workers open, decode and count on their own (counter) and add their
// counts to targets at the end, one at a time. It returns how many it
// counted; progress hears of every 100,000.
func CountGrades(each Each, o *seal.Opener, aad []byte, targets map[string]*Aggregate, progress func(int)) (int, error) {
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan [][]byte, 2*workers)
	errs := make(chan error, workers)
	var mu sync.Mutex // over targets, while a worker adds its counts
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
					if plain, err = o.Open(buf, v, aad); err != nil {
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
	err := each(func(_, v []byte) error {
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

// CountNotes opens every sealed comment, counts it as an answer of its
// target's question, and returns each target's comments in an order drawn
// from crypto/rand, so the order says nothing about the order they came in.
func CountNotes(each Each, o *seal.Opener, aad []byte, targets map[string]*Aggregate) (map[string][]string, error) {
	comments := map[string][]string{}
	err := OpenEach(each, o, aad, func(plain []byte) error {
		var n Note
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
		return nil, err
	}
	shuffle := shuffler()
	for _, list := range comments {
		shuffle.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
	}
	return comments, nil
}

// shuffler is a random source seeded from crypto/rand.
func shuffler() *mrand.Rand {
	var seed [32]byte
	if _, err := rand.Read(seed[:]); err != nil {
		panic(err)
	}
	return mrand.New(mrand.NewChaCha8(seed))
}
