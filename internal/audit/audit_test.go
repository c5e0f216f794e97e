package audit_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"ballot/internal/audit"
)

var t0 = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

// chain makes n entries as storage does, each after the one before.
func chain(t *testing.T, n int) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	var prev *audit.Entry
	for i := 0; i < n; i++ {
		detail := json.RawMessage(fmt.Sprintf(`{ "round": "r1", "title": "Đợt %d" }`, i+1))
		e, err := audit.Next(prev, audit.Event{Actor: "admin (admin)", Action: "round.patch", Detail: detail},
			t0.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
		prev = &out[len(out)-1]
	}
	return out
}

// verify checks entries with anchor and returns the head or the error.
func verify(entries []audit.Entry, anchor string) (string, error) {
	v := audit.NewVerifier(anchor)
	for _, e := range entries {
		if err := v.Add(e); err != nil {
			return "", err
		}
	}
	return v.Done()
}

// TestAChainVerifiesAndEndsAtItsHead: entries are numbered from 1, the
// first follows Genesis and each the one before; the head is the last
// entry's hash (Genesis for an empty chain). Details are stored compact.
func TestAChainVerifiesAndEndsAtItsHead(t *testing.T) {
	t.Parallel()
	if head, err := verify(nil, ""); err != nil || head != audit.Genesis {
		t.Fatalf("an empty chain: %s %v", head, err)
	}
	es := chain(t, 5)
	for i, e := range es {
		if e.Seq != uint64(i+1) {
			t.Errorf("entry %d has seq %d", i, e.Seq)
		}
		if want := audit.Genesis; i > 0 {
			want = es[i-1].Hash
			if e.Prev != want {
				t.Errorf("entry %d follows %s, want %s", e.Seq, e.Prev, want)
			}
		} else if e.Prev != want {
			t.Errorf("the first entry follows %s", e.Prev)
		}
		if want := fmt.Sprintf(`{"round":"r1","title":"Đợt %d"}`, i+1); string(e.Detail) != want {
			t.Errorf("entry %d detail %s, want %s", e.Seq, e.Detail, want)
		}
	}
	v := audit.NewVerifier("")
	for _, e := range es {
		if err := v.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	if head, err := v.Done(); err != nil || head != es[4].Hash || v.Count != 5 {
		t.Fatalf("head %s (%d entries), %v; want %s", head, v.Count, err, es[4].Hash)
	}
}

// TestEveryEditOfAnEntryIsNamed: changing any field of an entry, removing
// one or putting one in, breaks the chain at that entry, saying how.
func TestEveryEditOfAnEntryIsNamed(t *testing.T) {
	t.Parallel()
	edits := map[string]struct {
		edit func([]audit.Entry) []audit.Entry
		says string
	}{
		"actor":    {func(es []audit.Entry) []audit.Entry { es[2].Actor = "someone else"; return es }, "audit entry 3: content does not match its hash"},
		"action":   {func(es []audit.Entry) []audit.Entry { es[2].Action = "round.open"; return es }, "audit entry 3: content does not match its hash"},
		"detail":   {func(es []audit.Entry) []audit.Entry { es[2].Detail = json.RawMessage(`{"round":"r2"}`); return es }, "audit entry 3: content"},
		"time":     {func(es []audit.Entry) []audit.Entry { es[2].At = es[2].At.Add(time.Second); return es }, "audit entry 3: content"},
		"rehashed": {func(es []audit.Entry) []audit.Entry { es[2].Actor = "x"; es[2].Hash = es[2].Sum(); return es }, "audit entry 4: prev hash"},
		"removed":  {func(es []audit.Entry) []audit.Entry { return append(es[:2], es[3:]...) }, "audit entry 4: expected sequence number 3"},
		"inserted": {func(es []audit.Entry) []audit.Entry { return append(es[:3], es[2:]...) }, "audit entry 3: expected sequence number 4"},
		"renumbered": {func(es []audit.Entry) []audit.Entry {
			es[4].Seq = 6
			return es
		}, "audit entry 6: expected sequence number 5"},
	}
	for name, c := range edits {
		_, err := verify(c.edit(chain(t, 6)), "")
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want %q", name, err, c.says)
		}
	}
}

// TestARewrittenChainMissesItsAnchor: a chain recomputed from an edited
// entry onwards verifies on its own, but no longer holds the head someone
// wrote down before the edit (the closing answer, the count minutes).
func TestARewrittenChainMissesItsAnchor(t *testing.T) {
	t.Parallel()
	es := chain(t, 4)
	anchor := es[3].Hash
	if _, err := verify(es, anchor); err != nil {
		t.Fatalf("the chain with its own anchor: %v", err)
	}
	if _, err := verify(es, es[1].Hash); err != nil {
		t.Fatalf("an earlier anchor: %v", err)
	}
	forged := append([]audit.Entry(nil), es[:1]...)
	forged[0].Detail = json.RawMessage(`{"round":"r1","title":"forged"}`)
	forged[0].Hash = forged[0].Sum()
	for _, e := range es[1:] {
		next, err := audit.Next(&forged[len(forged)-1], audit.Event{Actor: e.Actor, Action: e.Action, Detail: e.Detail}, e.At)
		if err != nil {
			t.Fatal(err)
		}
		forged = append(forged, next)
	}
	if _, err := verify(forged, ""); err != nil {
		t.Fatalf("a recomputed chain should verify without an anchor: %v", err)
	}
	if _, err := verify(forged, anchor); err == nil || !strings.Contains(err.Error(), "anchor "+anchor+" is not in the chain") {
		t.Fatalf("the recomputed chain with the old anchor: %v", err)
	}
}

// TestFieldsCannotTradePlaces: each field is hashed with its length, so
// entries whose fields join to the same text have different hashes.
func TestFieldsCannotTradePlaces(t *testing.T) {
	t.Parallel()
	a, _ := audit.Next(nil, audit.Event{Actor: "ab", Action: "c"}, t0)
	b, _ := audit.Next(nil, audit.Event{Actor: "a", Action: "bc"}, t0)
	if a.Hash == b.Hash {
		t.Fatal("actor and action trade characters without changing the hash")
	}
	if _, err := audit.Next(nil, audit.Event{Actor: "a", Action: "x", Detail: func() {}}, t0); err == nil {
		t.Fatal("a detail that is not JSON was accepted")
	}
}
