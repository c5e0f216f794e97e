package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ballot/internal/demo"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// TestTheDocumentsFromTheCommandLine: the settings shown and merged by
// ballot documents, and the minutes and the report written to files.
func TestTheDocumentsFromTheCommandLine(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ballot.db")
	store, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(store, service.Options{})
	p, err := demo.CountedProvince(svc)
	svc.Close()
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	rid := p.Round.ID
	out, errOut, code := runBinary(t, "documents", "--db", db, "--round", rid, "--set", `{"place": "Pleiku", "recipients": null}`)
	var d map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &d) != nil || d["place"] != "Pleiku" || d["issuer"] != "BAN THƯỜNG VỤ TỈNH ỦY" || d["recipients"] != nil {
		t.Fatalf("documents --set: exit %d, %s %s", code, out, errOut)
	}
	if out, _, code := runBinary(t, "documents", "--db", db, "--round", rid); code != 0 || !strings.Contains(out, `"place": "Pleiku"`) {
		t.Fatalf("documents: exit %d, %s", code, out)
	}
	if _, errOut, code := runBinary(t, "documents", "--db", db, "--round", rid, "--set", `{"place": "a\nb"}`); code == 0 || !strings.Contains(errOut, "documents.place") {
		t.Fatalf("a bad setting: exit %d, %s", code, errOut)
	}

	file := filepath.Join(t.TempDir(), "minutes.json")
	if _, errOut, code := runBinary(t, "minutes", "--db", db, "--round", rid, "--unit", "pleiku", "--format", "json", "--out", file); code != 0 {
		t.Fatalf("minutes: exit %d, %s", code, errOut)
	}
	var m service.Minutes
	raw, _ := os.ReadFile(file)
	if err := json.Unmarshal(raw, &m); err != nil || len(m.Targets) != 47 || m.Codes.Issued == 0 || m.Round.Documents.Place != "Pleiku" {
		t.Fatalf("minutes of a district: %v, %d targets", err, len(m.Targets))
	}
	html := filepath.Join(t.TempDir(), "report.html")
	if _, errOut, code := runBinary(t, "report", "--db", db, "--round", rid, "--format", "html", "--out", html); code != 0 {
		t.Fatalf("report: exit %d, %s", code, errOut)
	}
	raw, _ = os.ReadFile(html)
	if !strings.Contains(string(raw), "Pleiku, ngày") || !strings.Contains(string(raw), "giảm 13 so với năm 2025") {
		t.Fatal("the report lacks the place or the comparison")
	}
	out, _, code = runBinary(t, "report", "--db", db, "--round", rid, "--kind", "grassroots", "--compare", "none", "--format", "json")
	if code != 0 || strings.Contains(out, `"compared"`) || !strings.Contains(out, `"rated_percent": "99.58"`) {
		t.Fatalf("report --compare none: exit %d", code)
	}
}
