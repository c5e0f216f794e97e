package server_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestClearCodesAreErasedAtOpen: a draft batch's codes can be downloaded
// again (JSON and CSV) until the round opens; then they are gone from the
// file, free pages included.
func TestClearCodesAreErasedAtOpen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	b := e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches", e.admin, map[string]any{"targets": []string{"c1"}, "count": 30, "label": "Chi bộ 1"})
	bid := b.JSON["id"].(string)
	first := b.JSON["codes"].([]any)
	again := e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches/"+bid+"/codes", e.admin, nil)
	if len(again.JSON["codes"].([]any)) != 30 || again.JSON["codes"].([]any)[0] != first[0] {
		t.Fatalf("download again: %s", again.Body)
	}
	csv := e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches/"+bid+"/codes?format=csv", e.admin, nil)
	if !bytes.HasPrefix(csv.Body, []byte("\xef\xbb\xbf")) || !strings.Contains(string(csv.Body), first[0].(string)) {
		t.Fatalf("csv: %q", csv.Body[:80])
	}
	raw, _ := os.ReadFile(e.svc.Store().Path())
	if !bytes.Contains(raw, []byte(first[0].(string))) {
		t.Fatal("the clear codes are not in the file in draft: the test shows nothing")
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil)
	if r := e.do("GET", "/api/v1/rounds/"+rid+"/batches/"+bid+"/codes", e.admin, nil); r.Status != 409 {
		t.Fatalf("download after open: %d", r.Status)
	}
	raw, _ = os.ReadFile(e.svc.Store().Path())
	for _, c := range first {
		for _, f := range codeForms(c.(string)) {
			if bytes.Contains(raw, f) {
				t.Fatalf("code %s survives opening (%x)", c, f)
			}
		}
	}
	// a batch made while open is shown once, and never stored in clear
	o := e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches", e.admin, map[string]any{"targets": []string{"c2"}, "count": 5})
	if r := e.do("GET", "/api/v1/rounds/"+rid+"/batches/"+o.JSON["id"].(string)+"/codes", e.admin, nil); r.Status != 409 {
		t.Fatalf("download of an open batch: %d", r.Status)
	}
	raw, _ = os.ReadFile(e.svc.Store().Path())
	for _, c := range o.JSON["codes"].([]any) {
		if bytes.Contains(raw, []byte(c.(string))) || bytes.Contains(raw, []byte(strings.ReplaceAll(c.(string), " ", ""))) {
			t.Fatalf("a code of a batch made while open is in the file")
		}
	}
	e.must(201, "POST", "/api/v1/ballots", "", submission(o.JSON["codes"].([]any)[0].(string), newSID(), []string{"c2"}, ""))
}

func TestRevokingCodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid, _, cs := e.openRound([]string{"c1"}, 4)
	e.must(201, "POST", "/api/v1/ballots", "", submission(cs[0], newSID(), []string{"c1"}, ""))
	// a used code cannot be revoked; an unused one can
	if r := e.do("POST", "/api/v1/rounds/"+rid+"/codes/revoke", e.admin, map[string]string{"code": cs[0]}); r.Status != 409 || r.ErrCode() != "code_used" {
		t.Fatalf("revoke a used code: %d %s", r.Status, r.Body)
	}
	e.must(200, "POST", "/api/v1/rounds/"+rid+"/codes/revoke", e.admin, map[string]string{"code": cs[1]})
	if r := e.do("POST", "/api/v1/ballots", "", submission(cs[1], newSID(), []string{"c1"}, "")); r.Status != 404 || r.ErrCode() != "code_unknown" {
		t.Fatalf("a revoked code: %d %s", r.Status, r.Body)
	}
	b := e.must(200, "POST", "/api/v1/rounds/"+rid+"/batches/b1/revoke", e.admin, nil)
	if b.JSON["revoked"] != 3.0 || b.JSON["used"] != 1.0 {
		t.Fatalf("batch revoke: %s", b.Body)
	}
	if r := e.do("POST", "/api/v1/ballots", "", submission(cs[2], newSID(), []string{"c1"}, "")); r.ErrCode() != "code_unknown" {
		t.Fatalf("a code of a revoked batch: %d %s", r.Status, r.Body)
	}
	to := e.must(200, "GET", "/api/v1/rounds/"+rid+"/turnout", e.admin, nil)
	if to.JSON["issued"] != 4.0 || to.JSON["used"] != 1.0 || to.JSON["revoked"] != 3.0 {
		t.Fatalf("turnout: %s", to.Body)
	}
	audit := string(e.must(200, "GET", "/api/v1/audit", e.admin, nil).Body)
	for _, c := range cs {
		if strings.Contains(audit, c) || strings.Contains(audit, strings.ReplaceAll(c, " ", "")) {
			t.Fatal("the audit log names a code")
		}
	}
	if r := e.do("POST", "/api/v1/rounds/"+rid+"/batches/b9/revoke", e.admin, nil); r.Status != 404 {
		t.Fatalf("unknown batch: %d", r.Status)
	}
}

func TestImportCannotDropABatchedTarget(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	e.must(201, "POST", "/api/v1/rounds/"+rid+"/batches", e.admin, map[string]any{"targets": []string{"c2"}, "count": 1})
	without := smallTree[:3] // drops c2
	if r := e.do("POST", "/api/v1/rounds/"+rid+"/units", e.admin, without); r.Status != 409 || !strings.Contains(r.ErrMessage(), "c2") {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	e.must(201, "POST", "/api/v1/rounds/"+rid+"/units", e.admin, smallTree)
}

func TestBatchInputIsChecked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	for name, body := range map[string]map[string]any{
		"NotATarget": {"targets": []string{"p"}, "count": 1},
		"Unknown":    {"targets": []string{"zz"}, "count": 1},
		"Duplicate":  {"targets": []string{"c1", "c1"}, "count": 1},
		"NoTargets":  {"targets": []string{}, "count": 1},
		"ZeroCount":  {"targets": []string{"c1"}, "count": 0},
		"HugeCount":  {"targets": []string{"c1"}, "count": 10001},
		"BadFormat":  {"targets": []string{"c1"}, "count": 1, "colour": "x"},
	} {
		t.Run(name, func(t *testing.T) {
			if r := e.do("POST", "/api/v1/rounds/"+rid+"/batches", e.admin, body); r.Status != 400 || r.ErrCode() != "invalid" {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		})
	}
	if r := e.do("POST", "/api/v1/rounds/"+rid+"/batches?format=pdf", e.admin, map[string]any{"targets": []string{"c1"}, "count": 1}); r.Status != 400 {
		t.Fatalf("format pdf: %d", r.Status)
	}
	if bs := e.must(200, "GET", "/api/v1/rounds/"+rid+"/batches", e.admin, nil).JSON["batches"].([]any); len(bs) != 0 {
		t.Fatalf("a refused batch was stored: %v", bs)
	}
}
