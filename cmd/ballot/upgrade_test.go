package main

import (
	"compress/gzip"
	be "encoding/binary"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"ballot/internal/storage"
)

// upgradeFixture is what testdata/schema1.json says of the schema-1 file.
type upgradeFixture struct {
	PrivateKeys map[string]string   `json:"private_keys"`
	UnusedCodes map[string][]string `json:"unused_codes"`
}

// TestAFileOfTheFirstSchemaWorksAfterTheUpgrade: the database file written
// by the first schema's code (testdata) opens with today's binary: `check`
// is clean after the migration, its open round takes a ballot, its closed
// round counts with its key, its counted round's report is as it was.
func TestAFileOfTheFirstSchemaWorksAfterTheUpgrade(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "ballot.db")
	gz, err := os.Open("../../internal/storage/testdata/schema1.db.gz")
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := gzip.NewReader(gz)
	raw, _ := io.ReadAll(zr)
	gz.Close()
	if err := os.WriteFile(db, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	var fx upgradeFixture
	meta, _ := os.ReadFile("../../internal/storage/testdata/schema1.json")
	if err := json.Unmarshal(meta, &fx); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runBinary(t, "check", "--db", db); code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("check after the migration: %d\n%s%s", code, out, errOut)
	}
	// check opened the file, so it migrated it (README: Upgrading)
	if v := schemaOfFile(t, db); v != storage.SchemaVersion {
		t.Fatalf("after check the file has schema %d, want %d", v, storage.SchemaVersion)
	}
	tok, _, code := runBinary(t, "token", "create", "--db", db, "--user", "admin")
	if code != 0 {
		t.Fatal("token create")
	}
	tok = strings.TrimSpace(tok)
	m, _ := startMain(t, db, nil)
	body := map[string]any{"code": fx.UnusedCodes["r3"][0], "ballots": []map[string]any{{"target": "c2",
		"answers": map[string]any{"c1": "tot", "c2": "tot", "c3": "tot", "c4": "tot", "c5": "tot", "c6": "tot", "c7": "tot", "level": "htt"}}}}
	if st, r := api(t, "POST", m.URL()+"/api/v1/ballots", "", body); st != 201 {
		t.Fatalf("a ballot on the open round: %d %v", st, r)
	}
	if st, r := api(t, "GET", m.URL()+"/api/v1/rounds/r1/report?kind=grassroots", tok, nil); st != 200 || r["rated"] != 1.0 {
		t.Fatalf("the counted round's report: %d %v", st, r)
	}
	m.Close()
	keyFile := filepath.Join(dir, "r2.key")
	os.WriteFile(keyFile, []byte(fx.PrivateKeys["r2"]+"\n"), 0o600)
	if out, errOut, code := runBinary(t, "count", "--db", db, "--round", "r2", "--key-file", keyFile); code != 0 {
		t.Fatalf("count r2: %d %s %s", code, out, errOut)
	}
	out := filepath.Join(dir, "tally.json")
	if _, errOut, code := runBinary(t, "tally", "--db", db, "--round", "r2", "--format", "json", "--out", out); code != 0 {
		t.Fatalf("tally r2: %s", errOut)
	}
	var tally struct {
		Targets []struct {
			ID      string `json:"id"`
			Ballots int    `json:"ballots"`
		} `json:"targets"`
	}
	b, _ := os.ReadFile(out)
	json.Unmarshal(b, &tally)
	ballots := map[string]int{}
	for _, tg := range tally.Targets {
		ballots[tg.ID] = tg.Ballots
	}
	if ballots["c1"] != 3 || ballots["d1"] != 3 {
		t.Fatalf("r2 counted %v, want 3 ballots for c1 and for d1", ballots)
	}
	if out, errOut, code := runBinary(t, "check", "--db", db); code != 0 {
		t.Fatalf("check at the end: %s%s", out, errOut)
	}
}

// schemaOfFile reads the schema version a database file records.
func schemaOfFile(t *testing.T, path string) uint64 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v uint64
	db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte("meta")).Get([]byte("schema")); len(b) == 8 {
			v = be.BigEndian.Uint64(b)
		}
		return nil
	})
	return v
}
