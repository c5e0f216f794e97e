package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"ballot/internal/crashloop"
)

// TestScheduledBackupsUnderLoadRestoreClean is the restore drill: a server
// under load takes a checked backup every second into --backup-dir, keeps
// the newest two, and reports the last success in /metrics; the newest
// backup restores, `ballot check` finds it clean, it serves, and counting
// it publishes only receipts that were acknowledged.
func TestScheduledBackupsUnderLoadRestoreClean(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, backups := filepath.Join(dir, "ballot.db"), filepath.Join(dir, "backups")
	srv, err := crashloop.Start(binary, db, "--backup-dir", backups, "--backup-every", "1s", "--backup-keep", "2")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Kill()
	tok, u := srv.Token, srv.URL+"/api/v1/rounds"
	kp := oneTargetRound(t, srv.URL, tok, "Đợt thử sao lưu", "diem-100")
	_, b := api(t, "POST", u+"/r1/batches", tok, map[string]any{"targets": []string{"c"}, "count": 10000})
	api(t, "POST", u+"/r1/open", tok, nil)
	codes := make(chan string, 10000)
	for _, c := range b["codes"].([]any) {
		codes <- c.(string)
	}
	close(codes)

	var mu sync.Mutex
	acknowledged := map[string]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for code := range codes {
				select {
				case <-stop:
					return
				default:
				}
				st, r, err := crashloop.Call("POST", srv.URL+"/api/v1/ballots", "", map[string]any{"code": code, "submission_id": uuid.NewString(), "ballots": []map[string]any{
					{"target": "c", "answers": map[string]any{"s1": 10, "s2": 10, "s3": 5, "s4": 20, "s5": 5, "level": "htnv"}}}})
				if err == nil && st == 201 {
					mu.Lock()
					acknowledged[r["receipt"].(string)] = true
					mu.Unlock()
				}
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	// wait for at least three scheduled backups (audited) under load
	deadline := time.Now().Add(20 * time.Second)
	for scheduledBackups(t, srv.URL, tok) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than 3 scheduled backups in 20 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	last := metricValue(t, srv.URL, tok, "ballot_backup_last_success_timestamp_seconds")
	if last < float64(time.Now().Add(-time.Minute).Unix()) {
		t.Fatalf("last backup success in /metrics: %v", last)
	}
	srv.Stop()

	entries, _ := os.ReadDir(backups)
	var names, all []string
	for _, e := range entries {
		all = append(all, e.Name())
		if regexp.MustCompile(`^ballot-\d{8}T\d{6}Z\.db$`).MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	if len(names) != 2 || len(all) != 4 || all[1] != names[0]+".keys" || all[3] != names[1]+".keys" {
		t.Fatalf("backup folder holds %v, want the newest two, each with its code keys", all)
	}
	restored := filepath.Join(dir, "restored.db")
	if out, errOut, code := runBinary(t, "restore", "--from", filepath.Join(backups, names[1]), "--db", restored); code != 0 {
		t.Fatalf("restore: %s %s", out, errOut)
	}
	if out, errOut, code := runBinary(t, "check", "--db", restored); code != 0 {
		t.Fatalf("check of the restored backup:\n%s%s", out, errOut)
	}
	again, err := crashloop.Start(binary, restored)
	if err != nil {
		t.Fatal(err)
	}
	st, turnout := api(t, "GET", again.URL+"/api/v1/rounds/r1/turnout", tok, nil)
	if st != 200 || turnout["used"].(float64) == 0 || int(turnout["used"].(float64)) > len(acknowledged) {
		t.Fatalf("restored turnout: %d %v (%d acknowledged)", st, turnout, len(acknowledged))
	}
	api(t, "POST", again.URL+"/api/v1/rounds/r1/close", tok, nil)
	again.Stop()
	keyFile := filepath.Join(dir, "r1.key")
	os.WriteFile(keyFile, []byte(kp.Private+"\n"), 0o600)
	if out, errOut, code := runBinary(t, "count", "--db", restored, "--round", "r1", "--key-file", keyFile); code != 0 {
		t.Fatalf("count the restored round: %s %s", out, errOut)
	}
	counted, err := crashloop.Start(binary, restored)
	if err != nil {
		t.Fatal(err)
	}
	defer counted.Kill()
	_, pub := api(t, "GET", counted.URL+"/api/v1/rounds/r1/receipts", "", nil)
	known := map[string]bool{}
	for rc := range acknowledged {
		sum := sha256.Sum256([]byte(rc))
		known[hex.EncodeToString(sum[:])] = true
	}
	for _, h := range pub["hashes"].([]any) {
		if !known[h.(string)] {
			t.Fatalf("the restored round published a receipt nobody was given: %v", h)
		}
	}
	t.Logf("%d acknowledged; the newest backup holds %v ballots; kept %v", len(acknowledged), turnout["used"], names)
}

// scheduledBackups counts the audited scheduled backups.
func scheduledBackups(t *testing.T, url, tok string) int {
	t.Helper()
	_, r := api(t, "GET", url+"/api/v1/audit", tok, nil)
	n := 0
	for _, e := range r["entries"].([]any) {
		en := e.(map[string]any)
		if en["action"] == "backup" && strings.Contains(string(mustJSON(en["detail"])), "ballot-") {
			n++
		}
	}
	return n
}

// metricValue reads one unlabelled metric from /metrics.
func metricValue(t *testing.T, url, tok, name string) float64 {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in /metrics", name)
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
