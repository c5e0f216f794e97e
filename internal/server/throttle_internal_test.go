package server

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// fixedClock is a clock that moves only when told.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fixedClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func guess(t *throttle, client string) error {
	r, err := t.reserve(client)
	if err != nil {
		return err
	}
	r.failed()
	return nil
}

// TestAFullTableNeverForgetsAThrottledClient is the attack of issue 14 at
// its real size: a client guesses until it is throttled, then 100,010
// other addresses guess once each. The table stays at its bound, forgets
// the least recently seen of those first, and the throttled client is still
// refused; it is forgotten only once its window has passed.
func TestAFullTableNeverForgetsAThrottledClient(t *testing.T) {
	t.Parallel()
	clock := &fixedClock{t: time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)}
	th := newThrottle(DefaultGuessLimit, DefaultGuessWindow, DefaultClients, clock.now)
	for i := 0; i < DefaultGuessLimit; i++ {
		if err := guess(th, "198.51.100.7"); err != nil {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if err := guess(th, "198.51.100.7"); err == nil {
		t.Fatal("the 31st guess passed")
	}
	for i := 0; i < DefaultClients+10; i++ {
		if err := guess(th, fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)); err != nil {
			t.Fatalf("address %d: %v", i, err)
		}
	}
	if n := len(th.clients); n != DefaultClients {
		t.Fatalf("%d clients kept, bound %d", n, DefaultClients)
	}
	if err := guess(th, "198.51.100.7"); err == nil {
		t.Fatal("a flood of addresses gave the throttled client fresh guesses")
	}
	// the oldest of the flood went first, the newest stay
	if _, ok := th.clients[th.id("10.0.0.0")]; ok {
		t.Fatal("the least recently seen client was kept")
	}
	if e := th.clients[th.id(fmt.Sprintf("10.%d.%d.%d", (DefaultClients+9)>>16&255, (DefaultClients+9)>>8&255, (DefaultClients+9)&255))]; e == nil || e.failed != 1 {
		t.Fatal("the most recent client was forgotten")
	}
	clock.add(DefaultGuessWindow)
	if err := guess(th, "198.51.100.7"); err != nil {
		t.Fatalf("after its window: %v", err)
	}
}

// TestATableFullOfThrottledClientsSharesOneOverflow: when every client
// remembered is throttled, newcomers share one entry with the same limit
// instead of going unthrottled, until windows pass.
func TestATableFullOfThrottledClientsSharesOneOverflow(t *testing.T) {
	t.Parallel()
	clock := &fixedClock{t: time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)}
	th := newThrottle(3, time.Minute, 10, clock.now)
	for i := 0; i < 10; i++ {
		for j := 0; j < 3; j++ {
			if err := guess(th, fmt.Sprint("throttled-", i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := 0; i < 3; i++ {
		if err := guess(th, fmt.Sprint("newcomer-", i)); err != nil {
			t.Fatalf("newcomer %d: %v", i, err)
		}
	}
	if err := guess(th, "newcomer-3"); err == nil {
		t.Fatal("newcomers guessed without bound while the table was full")
	}
	if len(th.clients) != 10 {
		t.Fatalf("%d clients", len(th.clients))
	}
	clock.add(time.Minute)
	if err := guess(th, "newcomer-4"); err != nil {
		t.Fatalf("after the windows passed: %v", err)
	}
	if _, ok := th.clients[th.id("newcomer-4")]; !ok {
		t.Fatal("the newcomer has no entry of its own once there is room")
	}
}

// TestTriesInFlightCountAgainstTheLimit: with the limit reserved by tries
// still being checked, one more waits for them; a right one gives its try
// back, so the waiter gets in, and a wrong one keeps it, so it is refused.
func TestTriesInFlightCountAgainstTheLimit(t *testing.T) {
	t.Parallel()
	clock := &fixedClock{t: time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)}
	th := newThrottle(2, time.Minute, 10, clock.now)
	a, err1 := th.reserve("c")
	b, err2 := th.reserve("c")
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	got := make(chan error, 1)
	go func() {
		r, err := th.reserve("c")
		if err == nil {
			r.passed(false)
		}
		got <- err
	}()
	time.Sleep(50 * time.Millisecond)
	select {
	case err := <-got:
		t.Fatalf("a third try did not wait: %v", err)
	default:
	}
	a.passed(false)
	if err := <-got; err != nil {
		t.Fatalf("after a right try: %v", err)
	}
	b.failed()
	c, err := th.reserve("c")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, err := th.reserve("c"); got <- err }()
	c.failed()
	if err := <-got; err == nil {
		t.Fatal("a try passed the limit")
	}
}
