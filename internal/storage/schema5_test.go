package storage_test

import (
	"encoding/json"
	"testing"

	"ballot/internal/audit"
	"ballot/internal/storage"
)

// TestSchema5AllowsParentRounds: migrating a file of an older schema ends
// with the step to schema 5, which finds no parent round to change and
// says so in its audit entry.
func TestSchema5AllowsParentRounds(t *testing.T) {
	t.Parallel()
	s, err := storage.Open(schema1File(t), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var last audit.Entry
	err = s.View(func(tx *storage.Tx) error {
		return tx.AuditEntries(0, func(e audit.Entry) (bool, error) {
			if e.Action == "schema.migrate" {
				last = e
			}
			return true, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		From, To int
		Did      map[string]int
	}
	if err := json.Unmarshal(last.Detail, &d); err != nil || d.From != 4 || d.To != 5 || d.Did["parent_rounds"] != 0 || d.Did["rounds"] == 0 {
		t.Fatalf("the last migration: %s", last.Detail)
	}
}
