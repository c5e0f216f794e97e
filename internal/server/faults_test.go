package server_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ballot/internal/codes"
	"ballot/internal/seal"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// TestFailureInsideTheTransactionLeavesNothing: a failure injected after
// the ballots are written (and before commit) leaves every bucket as it was
// and the code unused.
func TestFailureInsideTheTransactionLeavesNothing(t *testing.T) {
	t.Parallel()
	for _, stage := range []string{"after_ballots", "before_commit"} {
		t.Run(stage, func(t *testing.T) {
			var fail atomic.Bool
			e := newEnvWith(t, service.Options{Fault: func(s string) error {
				if fail.Load() && s == stage {
					return errors.New("injected failure")
				}
				return nil
			}})
			_, _, codes := e.openRound([]string{"c1", "c2"}, 2)
			// a first ballot makes the data key, so the snapshot below has it
			e.must(201, "POST", "/api/v1/ballots", "", submission(codes[0], newSID(), []string{"c1", "c2"}, "x"))
			before := e.snapshot()
			fail.Store(true)
			sid := newSID()
			r := e.do("POST", "/api/v1/ballots", "", submission(codes[1], sid, []string{"c1", "c2"}, "nhận xét"))
			if r.Status != 500 || r.ErrCode() != "internal" {
				t.Fatalf("with the failure: %d %s", r.Status, r.Body)
			}
			if after := e.snapshot(); after != before {
				t.Fatalf("the failed transaction changed the database:\n%s\n---\n%s", before, after)
			}
			fail.Store(false)
			// the code is unused: the same submission now goes through as new
			if r := e.do("POST", "/api/v1/ballots", "", submission(codes[1], sid, []string{"c1", "c2"}, "nhận xét")); r.Status != 201 {
				t.Fatalf("after the failure: %d %s", r.Status, r.Body)
			}
		})
	}
}

// TestInvalidSubmissionsStoreNothing: a submission with any invalid ballot
// is refused whole, and the code stays usable.
func TestInvalidSubmissionsStoreNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, _, cs := e.openRound([]string{"c1", "c2"}, 1)
	code := cs[0]
	good := func() map[string]any { return submission(code, newSID(), []string{"c1", "c2"}, "") }
	withAnswer := func(i int, q string, v any) map[string]any {
		s := good()
		s["ballots"].([]map[string]any)[i]["answers"].(map[string]any)[q] = v
		return s
	}
	digits := strings.ReplaceAll(code, " ", "")
	typo := digits[:3] + string('0'+(digits[3]-'0'+1)%10) + digits[4:]
	other := codes.New()
	cases := []struct {
		name, code string
		status     int
		body       map[string]any
	}{
		{"SecondBallotBadOption", "invalid", 400, withAnswer(1, "level", "xuat_sac_hon")},
		{"ScoreTooHigh", "invalid", 400, withAnswer(1, "s4", 41)},
		{"MissingRequired", "invalid", 400, withAnswer(0, "c3", nil)},
		{"UnknownQuestion", "invalid", 400, withAnswer(0, "c9", "tot")},
		{"OneTargetOnly", "invalid", 400, submission(code, newSID(), []string{"c1"}, "")},
		{"WrongTarget", "invalid", 400, submission(code, newSID(), []string{"c1", "d1"}, "")},
		{"SameTargetTwice", "invalid", 400, submission(code, newSID(), []string{"c1", "c1"}, "")},
		{"BadSubmissionID", "invalid", 400, submission(code, "not-a-uuid", []string{"c1", "c2"}, "")},
		{"Mistyped", "code_mistyped", 400, submission(typo, newSID(), []string{"c1", "c2"}, "")},
		{"Unknown", "code_unknown", 404, submission(other, newSID(), []string{"c1", "c2"}, "")},
	}
	before := e.snapshot()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/ballots", "", c.body)
			if r.Status != c.status || r.ErrCode() != c.code {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		})
	}
	if after := e.snapshot(); after != before {
		t.Fatal("a refused submission changed the database")
	}
	e.must(201, "POST", "/api/v1/ballots", "", good())
}

func TestAWrongKeyCountsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid, _, cs := e.openRound([]string{"c1"}, 1)
	e.must(201, "POST", "/api/v1/ballots", "", submission(cs[0], newSID(), []string{"c1"}, ""))
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	before := e.snapshot()
	other, _ := seal.GenerateKeyPair() // a well-formed key of no round
	for _, key := range []string{other.Private, "not a key"} {
		r := e.do("POST", "/api/v1/rounds/"+rid+"/count", e.admin, map[string]string{"private_key": key}, "Accept-Language", "en")
		if r.Status != 400 || r.ErrCode() != "invalid" || !strings.Contains(r.ErrMessage(), "private_key") {
			t.Fatalf("%q: %d %s", key, r.Status, r.Body)
		}
	}
	if after := e.snapshot(); after != before {
		t.Fatal("a refused count changed the database")
	}
	if st := e.must(200, "GET", "/api/v1/rounds/"+rid, e.admin, nil).JSON["state"]; st != "closed" {
		t.Fatalf("state %v", st)
	}
}

// TestNoPerCodeRecordSurvivesCounting: after counting, neither the code
// records (their keyed hashes), the code key, the receipts in clear nor the
// clear codes are anywhere in the file, free pages included.
func TestNoPerCodeRecordSurvivesCounting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid, priv, cs := e.openRound([]string{"c1"}, 20)
	var receipts []string
	for _, c := range cs[:15] {
		r := e.must(201, "POST", "/api/v1/ballots", "", submission(c, newSID(), []string{"c1"}, ""))
		receipts = append(receipts, r.JSON["receipt"].(string))
	}
	var codeKey []byte
	e.svc.Store().View(func(tx *storage.Tx) (err error) { codeKey, err = tx.CodeKey(rid); return err })
	var needles [][]byte
	for _, c := range cs {
		needles = append(needles, codes.Key(codeKey, strings.ReplaceAll(c, " ", "")))
	}
	needles = append(needles, codeKey)
	raw, _ := os.ReadFile(e.svc.Store().Path())
	if !bytes.Contains(raw, needles[0]) {
		t.Fatal("the code records are not in the file before counting: the test shows nothing")
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/close", e.admin, nil)
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/count", e.admin, map[string]string{"private_key": priv})
	raw, _ = os.ReadFile(e.svc.Store().Path())
	for i, n := range needles {
		if bytes.Contains(raw, n) {
			t.Fatalf("per-code data %d survives counting", i)
		}
	}
	for _, rc := range receipts {
		if bytes.Contains(raw, []byte(rc)) {
			t.Fatal("a receipt in clear survives counting")
		}
	}
	pub := e.must(200, "GET", "/api/v1/rounds/"+rid+"/receipts", "", nil)
	if pub.JSON["count"] != 15.0 {
		t.Fatalf("receipts published %v, codes used 15", pub.JSON["count"])
	}
}

// TestAFullQueueAnswersBusyAndStoresNothing: while the writer is stuck in a
// commit, submissions beyond the queue's bound are answered 503 busy at
// once, with Retry-After, and nothing of them is stored.
func TestAFullQueueAnswersBusyAndStoresNothing(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var stuck atomic.Bool
	entered := make(chan struct{}, 1)
	e := newEnvWith(t, service.Options{QueueSize: 2, Fault: func(s string) error {
		if s == "before_commit" && stuck.Load() {
			select {
			case entered <- struct{}{}:
			default:
			}
			<-release
		}
		return nil
	}})
	rid, _, cs := e.openRound([]string{"c1"}, 10)
	url := e.listen() + "/api/v1/ballots"
	stuck.Store(true)
	type answer struct {
		status int
		retry  string
	}
	answers := make(chan answer, 10)
	go func() {
		st, _ := post(t, url, submission(cs[0], newSID(), []string{"c1"}, ""))
		answers <- answer{status: st}
	}()
	<-entered // the writer holds the first submission inside its transaction
	for _, c := range cs[1:] {
		go func(c string) {
			st, _ := post(t, url, submission(c, newSID(), []string{"c1"}, ""))
			answers <- answer{status: st}
		}(c)
	}
	busy := 0
	for busy < 7 { // 9 more submissions, 2 fit in the queue
		a := <-answers
		if a.status != 503 {
			t.Fatalf("while stuck: status %d", a.status)
		}
		busy++
	}
	r := e.do("POST", "/api/v1/ballots", "", submission(cs[9], newSID(), []string{"c1"}, ""))
	if r.Status != 503 || r.ErrCode() != "busy" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("busy answer: %d %s %v", r.Status, r.Body, r.Header)
	}
	stuck.Store(false)
	close(release)
	for i := 0; i < 3; i++ {
		if a := <-answers; a.status != 201 {
			t.Fatalf("a queued submission: %d", a.status)
		}
	}
	if n := e.sealedCount(rid, storage.Grades); n != 3 {
		t.Fatalf("%d ballots stored, want the 3 that were queued", n)
	}
	if used := e.must(200, "GET", "/api/v1/rounds/"+rid+"/turnout", e.admin, nil).JSON["used"]; used != 3.0 {
		t.Fatalf("used %v", used)
	}
}

// TestManyPhonesBehindOneAddressSubmitTogether: 100 good codes posted at
// once from one address all reach the writer's queue together and are
// stored — a guessing try is given back once a code is found, not held
// while its commit is synced (which bounded one address to 30 submissions
// at a time, the throttle's limit).
func TestManyPhonesBehindOneAddressSubmitTogether(t *testing.T) {
	t.Parallel()
	const n = 100
	var queued sync.WaitGroup
	queued.Add(n)
	all := make(chan struct{})
	go func() { queued.Wait(); close(all) }()
	var counting atomic.Bool
	e := newEnvWith(t, service.Options{Fault: func(s string) error {
		if s == "queue" && counting.Load() {
			queued.Done()
			select {
			case <-all:
			case <-time.After(10 * time.Second):
			}
		}
		return nil
	}})
	_, _, cs := e.openRound([]string{"c1"}, n)
	url := e.listen() + "/api/v1/ballots"
	counting.Store(true)
	status := make(chan int, n)
	for _, c := range cs {
		go func(c string) {
			st, _ := post(t, url, submission(c, newSID(), []string{"c1"}, ""))
			status <- st
		}(c)
	}
	for range n {
		if st := <-status; st != 201 {
			t.Fatalf("a good code from the shared address: status %d", st)
		}
	}
}
