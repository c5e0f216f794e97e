package rounds_test

import (
	"testing"

	"ballot/internal/demo"
	"ballot/internal/rounds"
)

func FuzzUnitImport(f *testing.F) {
	f.Add(demo.ProvinceCSV[:2000], false)
	f.Add([]byte("id,name,parent,kind,group,form\np,P,,province,,\nc,C,p,grassroots,xa,f\n"), false)
	f.Add([]byte("id;name;kind\nx;Tên;k\n"), false)
	f.Add([]byte(`[{"id":"p","name":"P","kind":"province"},{"id":"c","name":"C","parent":"p","kind":"g","form":"f"}]`), true)
	f.Add([]byte(`[{"id":"a","name":"A","parent":"b","kind":"k"},{"id":"b","name":"B","parent":"a","kind":"k"}]`), true)
	f.Fuzz(func(t *testing.T, data []byte, isJSON bool) {
		var units []rounds.Unit
		var err error
		if isJSON {
			units, err = rounds.ParseUnitsJSON(data)
		} else {
			units, err = rounds.ParseUnitsCSV(data)
		}
		if err != nil {
			return
		}
		if rounds.CheckTree(units, map[string]bool{"f": true}, !isJSON) != nil {
			return
		}
		// an accepted tree: unique ids, known parents, no cycle
		byID := map[string]string{}
		for _, u := range units {
			byID[u.ID] = u.Parent
		}
		for _, u := range units {
			seen := 0
			for p := u.Parent; p != ""; p = byID[p] {
				if _, ok := byID[p]; !ok {
					t.Fatalf("unknown parent %q accepted", p)
				}
				if seen++; seen > len(units) {
					t.Fatal("a cycle was accepted")
				}
			}
		}
	})
}

func FuzzPatch(f *testing.F) {
	f.Add([]byte(`{"title":"x","closes_at":"2030-01-01T00:00:00Z","opens_at":null}`))
	f.Add([]byte(`{"min_group_size":2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = rounds.ParsePatch(data)
	})
}

func FuzzBatchCSV(f *testing.F) {
	f.Add([]byte("target,count,label\nc1,5,Chi bộ 1\nc2,3\n"))
	f.Add([]byte("target,count\nc1\n"))
	f.Add([]byte("\xef\xbb\xbftarget,count\n\"c1,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		bs, err := rounds.ParseBatchCSV(data)
		if err == nil && len(bs) == 0 {
			t.Fatal("no batches and no error")
		}
	})
}
