package server_test

import (
	"strings"
	"sync"
	"testing"

	"ballot/internal/storage"
	"ballot/internal/tally"
)

func TestSubmitCloseCountPublish(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid, priv, codes := e.openRound([]string{"c1", "c2"}, 5)
	var receipts []string
	for i, code := range codes[:4] {
		r := e.must(201, "POST", "/api/v1/ballots", "", submission(code, newSID(), []string{"c1", "c2"}, strings.Repeat("ý kiến ", i)))
		rc := r.JSON["receipt"].(string)
		if len(rc) != 26 || r.JSON["replayed"] != nil {
			t.Fatalf("receipt: %s", r.Body)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Fatal("a receipt may be cached")
		}
		receipts = append(receipts, rc)
	}
	to := e.must(200, "GET", "/api/v1/rounds/"+rid+"/turnout", e.admin, nil)
	if to.JSON["issued"] != 5.0 || to.JSON["used"] != 4.0 {
		t.Fatalf("turnout: %s", to.Body)
	}
	for _, tg := range to.JSON["targets"].([]any) {
		m := tg.(map[string]any)
		want := map[string]float64{"c1": 4, "c2": 4, "d1": 0}[m["id"].(string)]
		if m["used"] != want {
			t.Fatalf("turnout of %v: %v", m["id"], m)
		}
	}
	// sealed until counted
	if r := e.do("GET", "/api/v1/rounds/"+rid+"/receipts", "", nil); r.Status != 409 || r.ErrCode() != "sealed" {
		t.Fatalf("receipts before count: %d %s", r.Status, r.Body)
	}
	if r := e.do("POST", "/api/v1/rounds/"+rid+"/count", e.admin, map[string]string{"private_key": priv}); r.Status != 409 {
		t.Fatalf("count while open: %d", r.Status)
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	if r := e.do("POST", "/api/v1/ballots", "", submission(codes[4], newSID(), []string{"c1", "c2"}, "")); r.Status != 410 || r.ErrCode() != "round_closed" {
		t.Fatalf("after close: %d %s", r.Status, r.Body)
	}
	c := e.must(200, "POST", "/api/v1/rounds/"+rid+"/count", e.admin, map[string]string{"private_key": priv})
	if c.JSON["state"] != "counted" {
		t.Fatalf("count: %s", c.Body)
	}
	pub := e.must(200, "GET", "/api/v1/rounds/"+rid+"/receipts", "", nil)
	hashes := pub.JSON["hashes"].([]any)
	if pub.JSON["count"] != 4.0 || len(hashes) != 4 {
		t.Fatalf("receipts: %s", pub.Body)
	}
	published := map[string]bool{}
	for i, h := range hashes {
		published[h.(string)] = true
		if i > 0 && hashes[i-1].(string) >= h.(string) {
			t.Fatal("receipt hashes are not sorted")
		}
	}
	for _, rc := range receipts {
		if !published[receiptHash(rc)] {
			t.Fatalf("receipt %s is not published", rc)
		}
	}
	// the counted aggregates are the truth
	var counted map[string]*tally.Target
	e.svc.Store().View(func(tx *storage.Tx) (err error) { counted, err = tx.Counted(rid); return err })
	c1, c2 := counted["c1"], counted["c2"]
	if c1.Ballots != 4 || c2.Ballots != 4 || counted["d1"].Ballots != 0 {
		t.Fatalf("ballots: %d %d %d", c1.Ballots, c2.Ballots, counted["d1"].Ballots)
	}
	// answers() gives c1 = "tot" (i=1), c4 = "xuat_sac" (i=4)
	if q := c1.Questions[0]; q.ID != "c1" || q.Answered != 4 || q.Options[1].ID != "tot" || q.Options[1].Count != 4 {
		t.Fatalf("c1/c1: %+v", q)
	}
	if q := c1.Questions[8]; q.ID != "comment" || q.Answered != 3 {
		t.Fatalf("comments answered: %+v", q)
	}
	if s := c2.Questions[0].Score; s.Sum != 68 || s.Min != 17 || s.Max != 17 || s.Histogram[1] != 4 {
		t.Fatalf("score: %+v", s)
	}
	if c2.Total.Sum != 4*87 || c2.Bands["htt"] != 4 {
		t.Fatalf("total: %+v bands %v", c2.Total, c2.Bands)
	}
	// codes after counting are simply unknown
	if r := e.do("POST", "/api/v1/ballots", "", submission(codes[0], newSID(), []string{"c1", "c2"}, "")); r.Status != 404 || r.ErrCode() != "code_unknown" {
		t.Fatalf("a code after counting: %d %s", r.Status, r.Body)
	}
}

// TestConcurrentSubmissions: 255 distinct codes and one code sent 100 times,
// all at once: all 255 and exactly one of the 100 are accepted, and commits
// are fewer than accepted submissions (they share fsyncs).
func TestConcurrentSubmissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid, _, codes := e.openRound([]string{"c1"}, 256)
	url := e.listen() + "/api/v1/ballots"
	commitsBefore := e.metric("ballot_commits_total")
	pagesBefore, writingBefore := e.metric("ballot_disk_pages_written_total"), e.metric("ballot_disk_write_seconds_total")
	var wg sync.WaitGroup
	var mu sync.Mutex
	status := map[int]int{}
	sameAccepted, sameUsed := 0, 0
	fire := func(code string, same bool) {
		defer wg.Done()
		st, _ := post(t, url, submission(code, newSID(), []string{"c1"}, ""))
		mu.Lock()
		defer mu.Unlock()
		status[st]++
		if same && st == 201 {
			sameAccepted++
		}
		if same && st == 409 {
			sameUsed++
		}
	}
	start := make(chan struct{})
	for i := 0; i < 255; i++ {
		wg.Add(1)
		go func(c string) { <-start; fire(c, false) }(codes[i])
	}
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() { <-start; fire(codes[255], true) }()
	}
	close(start)
	wg.Wait()
	if status[201] != 256 || sameAccepted != 1 || sameUsed != 99 {
		t.Fatalf("statuses %v; the shared code: %d accepted, %d used", status, sameAccepted, sameUsed)
	}
	if n := e.sealedCount(rid, storage.Grades); n != 256 {
		t.Fatalf("%d ballots stored, want 256", n)
	}
	commits := e.metric("ballot_commits_total") - commitsBefore
	if commits >= 256 || commits < 1 {
		t.Fatalf("%v commits for 256 accepted submissions: no group commit", commits)
	}
	pages, writing := e.metric("ballot_disk_pages_written_total")-pagesBefore, e.metric("ballot_disk_write_seconds_total")-writingBefore
	if pages < commits || writing <= 0 {
		t.Fatalf("disk metrics: %v pages written in %v s by %v commits", pages, writing, commits)
	}
	t.Logf("256 accepted submissions in %v commits, %v pages written in %.4f s", commits, pages, writing)
}

// TestOneSubmissionIDManyTimes: 50 concurrent requests with one
// submission_id get one 201, 49 replays, one receipt, one ballot.
func TestOneSubmissionIDManyTimes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid, _, codes := e.openRound([]string{"c1"}, 1)
	url := e.listen() + "/api/v1/ballots"
	sid := newSID()
	body := submission(codes[0], sid, []string{"c1"}, "một ý kiến")
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, replayed := 0, 0
	receipts := map[string]bool{}
	start := make(chan struct{})
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			st, r := post(t, url, body)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case st == 201 && r["replayed"] == nil:
				created++
			case st == 200 && r["replayed"] == true:
				replayed++
			default:
				t.Errorf("status %d: %v", st, r)
			}
			receipts[r["receipt"].(string)] = true
		}()
	}
	close(start)
	wg.Wait()
	if created != 1 || replayed != 49 || len(receipts) != 1 {
		t.Fatalf("%d created, %d replayed, %d receipts", created, replayed, len(receipts))
	}
	if g, n := e.sealedCount(rid, storage.Grades), e.sealedCount(rid, storage.Notes); g != 1 || n != 1 {
		t.Fatalf("%d ballots, %d comments stored", g, n)
	}
	// a later replay still gets the receipt; another submission does not
	if st, r := post(t, url, body); st != 200 || !receipts[r["receipt"].(string)] {
		t.Fatalf("later replay: %d %v", st, r)
	}
	if st, r := post(t, url, submission(codes[0], newSID(), []string{"c1"}, "")); st != 409 || r["error"].(map[string]any)["code"] != "code_used" {
		t.Fatalf("other submission: %d %v", st, r)
	}
}
