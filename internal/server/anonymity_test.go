package server_test

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// encodings returns the forms in which a number might be stored.
func numberForms(n uint64) [][]byte {
	be, le := make([]byte, 8), make([]byte, 8)
	binary.BigEndian.PutUint64(be, n)
	binary.LittleEndian.PutUint64(le, n)
	return [][]byte{be, le, []byte(strconv.FormatUint(n, 10)), []byte(strconv.FormatUint(n, 16))}
}

// codeForms is every form of a code an attacker would look for.
func codeForms(code string) [][]byte {
	digits := strings.ReplaceAll(code, " ", "")
	out := [][]byte{[]byte(digits), []byte(code), []byte(strings.ReplaceAll(code, " ", "-"))}
	full, _ := strconv.ParseUint(digits, 10, 64)
	body, _ := strconv.ParseUint(digits[:15], 10, 64)
	out = append(out, numberForms(full)...)
	out = append(out, numberForms(body)...)
	for _, s := range []string{digits, code} {
		h256 := sha256.Sum256([]byte(s))
		h1 := sha1.Sum([]byte(s))
		h5 := md5.Sum([]byte(s))
		out = append(out, h256[:], h1[:], h5[:], []byte(hex.EncodeToString(h256[:])))
	}
	return out
}

// timeForms is every form of a moment an attacker would look for.
func timeForms(t time.Time) [][]byte {
	out := [][]byte{[]byte(t.UTC().Format(time.RFC3339)), []byte(t.Format(time.RFC3339)), []byte(t.UTC().Format("2006-01-02 15:04:05"))}
	out = append(out, numberForms(uint64(t.Unix()))...)
	out = append(out, numberForms(uint64(t.UnixMilli()))...)
	out = append(out, numberForms(uint64(t.UnixNano()))[:2]...)
	return out
}

// TestNothingStoredOrLoggedLinksABallot: after submissions with known codes
// at a known time, the whole database file (free pages included) and the
// logs hold no code in any form, no unkeyed hash of a code, no answer or
// comment in clear, no timestamp of the submissions; and the order of the
// stored keys says nothing of the order of submission.
func TestNothingStoredOrLoggedLinksABallot(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid, _, cs := e.openRound([]string{"c1", "c2"}, 130)
	submitAt := time.Date(2026, 11, 21, 10, 17, 23, 0, time.UTC)
	e.clock.Set(submitAt)
	keysOf := func(kind string) map[string]bool {
		keys := map[string]bool{}
		e.svc.Store().Walk(func(path []string, k, _ []byte) error {
			if len(path) == 3 && path[0] == "rounds" && path[1] == rid && path[2] == kind {
				keys[string(k)] = true
			}
			return nil
		})
		return keys
	}
	var order []string // grades keys, in submission order
	wallStart := time.Now().Add(-time.Second)
	const n = 120
	for i, c := range cs[:n] {
		before := keysOf("grades")
		e.must(201, "POST", "/api/v1/ballots", "", submission(c, newSID(), []string{"c1", "c2"}, fmt.Sprintf("GHI-CHU-%03d-ZQX", i)))
		for k := range keysOf("grades") {
			if !before[k] {
				order = append(order, k)
			}
		}
	}
	wallEnd := time.Now().Add(time.Second)
	if len(order) != 2*n {
		t.Fatalf("found %d new grade records, want %d", len(order), 2*n)
	}

	raw, err := os.ReadFile(e.svc.Store().Path())
	if err != nil {
		t.Fatal(err)
	}
	logs := []byte(e.logs.String())
	if !bytes.Contains(logs, []byte(`"route":"/api/v1/ballots"`)) {
		t.Fatal("no access log lines: the log check shows nothing")
	}
	type needle struct {
		what string
		b    []byte
	}
	var needles []needle
	for _, c := range cs[:n] {
		for _, f := range codeForms(c) {
			needles = append(needles, needle{"code " + c, f})
		}
	}
	for i := 0; i < n; i++ {
		needles = append(needles, needle{"comment", []byte(fmt.Sprintf("GHI-CHU-%03d-ZQX", i))})
	}
	for _, plain := range []string{`"c1":"`, `"s1":17`, `"s4":35`, `"c":{`, `"s":{`, `"t":"c1"`, `"t":"c2"`, `"q":"comment"`} {
		needles = append(needles, needle{"answer in clear " + plain, []byte(plain)})
	}
	for _, f := range timeForms(submitAt) {
		needles = append(needles, needle{"submission time", f})
	}
	for s := wallStart.Unix(); s <= wallEnd.Unix(); s++ {
		for _, f := range numberForms(uint64(s))[:3] {
			needles = append(needles, needle{"wall-clock second", f})
		}
		needles = append(needles, needle{"wall-clock time", []byte(time.Unix(s, 0).UTC().Format(time.RFC3339))})
	}
	for _, nd := range needles {
		if bytes.Contains(raw, nd.b) {
			t.Errorf("the database file holds %s (%x)", nd.what, nd.b)
		}
		if bytes.Contains(logs, nd.b) && !strings.HasPrefix(nd.what, "wall-clock") {
			t.Errorf("the logs hold %s (%q)", nd.what, nd.b)
		}
	}
	// The logs' own timestamps are the log's business; here they must not
	// come with anything that identifies the request beyond its route.
	for _, forbidden := range []string{"127.0.0.1", "0.0.0.0", "user_agent", "ip", "code"} {
		if bytes.Contains(logs, []byte(`"`+forbidden+`"`)) {
			t.Errorf("the logs hold a %q field", forbidden)
		}
	}

	// Rank correlation between submission order and stored key order.
	sorted := append([]string(nil), order...)
	sort.Strings(sorted)
	rank := map[string]int{}
	for i, k := range sorted {
		rank[k] = i
	}
	m := float64(len(order))
	var d2 float64
	for i, k := range order {
		d := float64(i - rank[k])
		d2 += d * d
	}
	rho := 1 - 6*d2/(m*(m*m-1))
	// With random keys rho is about N(0, 1/sqrt(m-1)) ≈ ±0.065; 0.3 is
	// more than four standard deviations.
	if math.Abs(rho) > 0.3 {
		t.Fatalf("stored key order correlates with submission order: rho = %.3f", rho)
	}
	t.Logf("Spearman rho between submission order and key order: %.3f over %d records", rho, len(order))
}
