package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"ballot/internal/seal"
	"ballot/internal/storage"
)

// openRound makes an open round over the small tree with a batch of n codes
// for targets, and returns the round id, its private key and the codes.
func (e *env) openRound(targets []string, n int) (rid, priv string, codes []string) {
	e.t.Helper()
	rid = e.draftRound()
	kp, _ := seal.GenerateKeyPair()
	e.must(200, "PUT", "/api/v1/rounds/"+rid+"/key", e.admin, map[string]string{"public_key": kp.Public})
	b := e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches", e.admin, map[string]any{"targets": targets, "count": n, "label": "Chi bộ 1"})
	for _, c := range b.JSON["codes"].([]any) {
		codes = append(codes, c.(string))
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil)
	return rid, kp.Private, codes
}

// answers returns valid answers for a target of the small tree, with a
// comment when note is not empty.
func answers(target, note string) map[string]any {
	a := map[string]any{}
	switch target {
	case "c1", "d1": // grade4 criteria
		for i := 1; i <= 7; i++ {
			a[fmt.Sprintf("c%d", i)] = []string{"xuat_sac", "tot", "trung_binh", "kem"}[i%4]
		}
	case "c2": // diem-100
		a["s1"], a["s2"], a["s3"], a["s4"], a["s5"] = 17, 18, 9, 35, 8
	}
	a["level"] = "htt"
	if note != "" {
		a["comment"] = note
	}
	return a
}

func submission(code, sid string, targets []string, note string) map[string]any {
	var ballots []map[string]any
	for _, t := range targets {
		ballots = append(ballots, map[string]any{"target": t, "answers": answers(t, note)})
	}
	m := map[string]any{"code": code, "ballots": ballots}
	if sid != "" {
		m["submission_id"] = sid
	}
	return m
}

// listen serves the app on a real loopback listener.
func (e *env) listen() string {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go e.srv.App.Listener(ln)
	e.t.Cleanup(func() {
		client.CloseIdleConnections()
		e.srv.App.ShutdownWithTimeout(5 * time.Second)
		ln.Close()
	})
	return "http://" + ln.Addr().String()
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 512}, Timeout: 30 * time.Second}

// post sends JSON to a real server and returns status and decoded body.
func post(t *testing.T, url string, body any) (int, map[string]any) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(context.Background(), "POST", url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, out
}

// snapshot is every key and value in the database, for comparing.
func (e *env) snapshot() string {
	e.t.Helper()
	var lines []string
	err := e.svc.Store().Walk(func(path []string, k, v []byte) error {
		if path[0] == "audit" || path[0] == "meta" {
			return nil
		}
		lines = append(lines, strings.Join(path, "/")+"|"+hex.EncodeToString(k)+"="+hex.EncodeToString(v))
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// sealedCount is how many sealed records of a kind a round holds.
func (e *env) sealedCount(rid string, kind storage.Kind) int {
	e.t.Helper()
	var n int
	err := e.svc.Store().View(func(tx *storage.Tx) (err error) {
		n, err = tx.CountSealed(rid, kind)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// metric reads one sample of the server's /metrics.
func (e *env) metric(name string) float64 {
	e.t.Helper()
	r := e.must(200, "GET", "/metrics", e.admin, nil)
	for _, line := range strings.Split(string(r.Body), "\n") {
		if strings.HasPrefix(line, name+" ") {
			var v float64
			fmt.Sscan(strings.TrimPrefix(line, name+" "), &v)
			return v
		}
	}
	e.t.Fatalf("no metric %s", name)
	return 0
}

func newSID() string { return uuid.NewString() }

func receiptHash(receipt string) string {
	sum := sha256.Sum256([]byte(receipt))
	return hex.EncodeToString(sum[:])
}
