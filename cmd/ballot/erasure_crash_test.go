package main

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"ballot/internal/crashloop"
	"ballot/internal/storage"
)

// killedDuring starts the real binary on db, sends one request to path and
// kills the server with SIGKILL a random moment (up to within) later, so
// the kill falls before, during or after the change and its compaction.
func killedDuring(t *testing.T, db, tok, path string, body any, within time.Duration) {
	t.Helper()
	srv, err := crashloop.Start(binary, db)
	if err != nil {
		t.Fatal(err)
	}
	go crashloop.Call("POST", srv.URL+path, tok, body)
	time.Sleep(time.Duration(rand.Int64N(int64(within))))
	srv.Kill()
}

// restarted starts the real binary on db — its start does whatever
// erasure a crash left owed — and calls fn with its URL before stopping it
// the way an operator does.
func restarted(t *testing.T, db string, fn func(url string)) {
	t.Helper()
	srv, err := crashloop.Start(binary, db)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	fn(srv.URL)
}

// rawFiles are the raw bytes of the database file, its key file and any
// compaction file beside it.
func rawFiles(db string) (raw, keys, compact []byte) {
	raw, _ = os.ReadFile(db)
	keys, _ = os.ReadFile(storage.KeysPath(db))
	compact, _ = os.ReadFile(db + ".compact")
	return raw, keys, compact
}

// codeLike finds everything in those files written like a code, grouped or
// not.
var codeLike = regexp.MustCompile(`\d{4} \d{4} \d{4} \d{4}|\d{16}`)

// digitRuns are the stretches of b made of digits and spaces only that are
// long enough to hold a code. Every match of codeLike lies within one, and
// searched one by one they give the same matches as b searched whole, in a
// fraction of the time (most of a database file is neither).
func digitRuns(b []byte) [][]byte {
	var runs [][]byte
	start := 0
	for i := 0; i <= len(b); i++ {
		if i < len(b) && (b[i] == ' ' || '0' <= b[i] && b[i] <= '9') {
			continue
		}
		if i-start >= 16 {
			runs = append(runs, b[start:i])
		}
		start = i + 1
	}
	return runs
}

// clearCodesLeft counts the codes of list still written in the files.
func clearCodesLeft(db string, list []string) int {
	found := map[string]bool{}
	raw, keys, compact := rawFiles(db)
	for _, b := range [][]byte{raw, keys, compact} {
		for _, run := range digitRuns(b) {
			for _, m := range codeLike.FindAll(run, -1) {
				found[strings.ReplaceAll(string(m), " ", "")] = true
			}
		}
	}
	n := 0
	for _, c := range list {
		if found[strings.ReplaceAll(c, " ", "")] {
			n++
		}
	}
	return n
}

// rawHolds counts the needles that the files still hold (the key file
// holds keys in base64).
func rawHolds(t *testing.T, db string, needles [][]byte) int {
	t.Helper()
	raw, keys, compact := rawFiles(db)
	n := 0
	for _, x := range needles {
		inKeys := bytes.Contains(keys, x) || bytes.Contains(keys, []byte(base64.StdEncoding.EncodeToString(x)))
		if bytes.Contains(raw, x) || inKeys || bytes.Contains(compact, x) {
			n++
		}
	}
	return n
}

// TestErasureSurvivesKillsAroundOpenAndCount kills the real binary at
// random moments around opening a round with 20,000 draft codes and around
// counting it; after each restart the raw database file (and the key file,
// and any compaction file) holds no clear code, no raw receipt and no code
// key, and `ballot check` is clean.
func TestErasureSurvivesKillsAroundOpenAndCount(t *testing.T) {
	t.Parallel()
	for trial := 0; trial < 3; trial++ {
		dir := t.TempDir()
		db := filepath.Join(dir, "ballot.db")
		srv, err := crashloop.Start(binary, db)
		if err != nil {
			t.Fatal(err)
		}
		tok, u := srv.Token, srv.URL+"/api/v1/rounds"
		kp := oneTargetRound(t, srv.URL, tok, "Đợt thử xóa", "diem-100")
		var clear, voting []string
		for b := 0; b < 2; b++ {
			_, batch := api(t, "POST", u+"/r1/batches", tok, map[string]any{"targets": []string{"c"}, "count": 10000})
			for i, c := range batch["codes"].([]any) {
				code := c.(string)
				clear = append(clear, code)
				if b == 0 && i < 40 {
					voting = append(voting, code)
				}
			}
		}
		srv.Stop()
		if clearCodesLeft(db, clear) != len(clear) {
			t.Fatal("the draft's clear codes are not in the file: the search finds nothing")
		}

		// opening erases the clear codes: kill around it, restart, search
		killedDuring(t, db, tok, "/api/v1/rounds/r1/open", nil, 400*time.Millisecond)
		var receipts [][]byte
		restarted(t, db, func(url string) {
			if _, r := api(t, "GET", url+"/api/v1/rounds/r1", tok, nil); r["state"] == "draft" {
				api(t, "POST", url+"/api/v1/rounds/r1/open", tok, nil) // the kill came first
			}
			for _, code := range voting {
				st, r := api(t, "POST", url+"/api/v1/ballots", "", map[string]any{"code": code, "submission_id": uuid.NewString(),
					"ballots": []map[string]any{{"target": "c", "answers": map[string]any{"s1": 10, "s2": 10, "s3": 5, "s4": 20, "s5": 5, "level": "htnv"}}}})
				if st != 201 {
					t.Fatalf("vote: %d %v", st, r)
				}
				raw, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(r["receipt"].(string))
				receipts = append(receipts, raw)
			}
			api(t, "POST", url+"/api/v1/rounds/r1/close", tok, nil)
		})
		if n := clearCodesLeft(db, clear); n > 0 {
			t.Fatalf("trial %d: %d clear codes survive opening and a restart", trial, n)
		}
		var keyFile struct {
			CodeKeys map[string][]byte `json:"code_keys"`
		}
		raw, _ := os.ReadFile(storage.KeysPath(db))
		if err := json.Unmarshal(raw, &keyFile); err != nil || len(keyFile.CodeKeys["r1"]) != 32 {
			t.Fatalf("code key file: %v %s", err, raw)
		}
		perCode := append(append([][]byte(nil), receipts...), keyFile.CodeKeys["r1"])
		if rawHolds(t, db, perCode) != len(perCode) {
			t.Fatal("the receipts and the code key are not where the search looks")
		}

		// counting erases every per-code record and the code key
		killedDuring(t, db, tok, "/api/v1/rounds/r1/count", map[string]string{"private_key": kp.Private}, 300*time.Millisecond)
		restarted(t, db, func(url string) {
			if _, r := api(t, "GET", url+"/api/v1/rounds/r1", tok, nil); r["state"] == "closed" {
				if st, r := api(t, "POST", url+"/api/v1/rounds/r1/count", tok, map[string]string{"private_key": kp.Private}); st != 200 {
					t.Fatalf("count: %d %v", st, r)
				}
			}
		})
		if n := rawHolds(t, db, perCode); n > 0 {
			t.Fatalf("trial %d: %d of %d raw receipts or the code key survive counting and a restart", trial, n, len(perCode))
		}
		if out, errOut, code := runBinary(t, "check", "--db", db); code != 0 {
			t.Fatalf("trial %d: check: %s%s", trial, out, errOut)
		}
	}
}
