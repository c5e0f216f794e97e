package main

import (
	"io"
	"math"
	"net/http"
	"sort"
	"sync"
	"time"
)

// result is one measured run.
type result struct {
	rate       float64 // successful requests per second
	p50, p99   float64 // milliseconds
	ok, errors int
}

func newClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}, Timeout: 30 * time.Second}
}

// do sends one request and reports whether it got the status want.
func do(client *http.Client, req *http.Request, want int) bool {
	res, err := client.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == want
}

// closedLoop keeps conns requests in flight for d (or until next returns
// nil): each connection sends its next request as soon as the last one is
// answered. This is the most a generator can get out of the server.
func closedLoop(conns int, d time.Duration, next func() (*http.Request, int)) result {
	deadline := time.Now().Add(d)
	return send(conns, func() (*http.Request, int, time.Time, bool) {
		if time.Now().After(deadline) {
			return nil, 0, time.Time{}, false
		}
		req, want := next()
		return req, want, time.Now(), req != nil
	})
}

// openLoop sends rate requests per second for d on a fixed schedule,
// whatever the server's answers, and measures each latency from the moment
// the request was due — so a stall shows in the latencies rather than
// quietly lowering the load (no coordinated omission). A request next
// cannot make counts as an error.
func openLoop(conns, rate int, d time.Duration, next func() (*http.Request, int)) result {
	due := make(chan time.Time, conns)
	go func() {
		start := time.Now()
		for i := 0; i < int(float64(rate)*d.Seconds()); i++ {
			at := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
			time.Sleep(time.Until(at))
			due <- at
		}
		close(due)
	}()
	return send(conns, func() (*http.Request, int, time.Time, bool) {
		at, more := <-due
		if !more {
			return nil, 0, at, false
		}
		req, want := next()
		return req, want, at, true
	})
}

// send runs conns connections, each sending what next gives until it says
// no more; a request's latency runs from the time next gives with it.
func send(conns int, next func() (req *http.Request, want int, from time.Time, more bool)) result {
	client := newClient(conns)
	rec := newRecorder()
	var wg sync.WaitGroup
	for c := 0; c < conns; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []float64
			good, bad := 0, 0
			for {
				req, want, from, more := next()
				switch {
				case !more:
					rec.add(mine, good, bad)
					return
				case req != nil && do(client, req, want):
					good++
				default:
					bad++
				}
				if req != nil {
					mine = append(mine, ms(time.Since(from)))
				}
			}
		}()
	}
	wg.Wait()
	return rec.result()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// recorder gathers the latencies of all connections.
type recorder struct {
	mu    sync.Mutex
	lat   []float64
	ok    int
	bad   int
	start time.Time
}

func newRecorder() *recorder { return &recorder{start: time.Now()} }

func (r *recorder) add(lat []float64, ok, bad int) {
	r.mu.Lock()
	r.lat = append(r.lat, lat...)
	r.ok += ok
	r.bad += bad
	r.mu.Unlock()
}

func (r *recorder) result() result {
	elapsed := time.Since(r.start).Seconds()
	sort.Float64s(r.lat)
	pct := func(p float64) float64 {
		if len(r.lat) == 0 {
			return math.NaN()
		}
		return r.lat[min(len(r.lat)-1, int(p*float64(len(r.lat))))]
	}
	return result{rate: float64(r.ok) / elapsed, p50: pct(0.50), p99: pct(0.99), ok: r.ok, errors: r.bad}
}
