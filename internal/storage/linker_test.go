package storage_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/codes"
	"ballot/internal/forms"
	"ballot/internal/intake"
	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// The linker is the attack of docs/design.md §4 on one raw copy of the database
// taken while a round is open: bbolt writes changed pages to new places and
// leaves the previous versions in free pages, so comparing the stale
// versions of the leaves with the live ones shows which code record the
// last commit marked used and which sealed grades record it added. Whoever
// holds the printed codes and the code key can then tell whose ballot
// that record is. It reads the file as bytes, knowing only bbolt's page
// format.

type element struct {
	bucket     bool
	key, value []byte
}

type rawFile struct {
	pages map[uint64][]byte // page id → the page with its overflow
	live  map[uint64]bool   // pages reachable from the newest meta
	size  int
}

func readRaw(raw []byte) *rawFile {
	f := &rawFile{pages: map[uint64][]byte{}, live: map[uint64]bool{}}
	f.size = int(binary.LittleEndian.Uint32(raw[24:28])) // meta: header, magic, version, page size
	var root, txid uint64
	for _, m := range []int{0, f.size} { // the two meta pages: the newest wins
		meta := raw[m+16:]
		if binary.LittleEndian.Uint32(meta[0:4]) != 0xED0CDAED {
			continue
		}
		if tx := binary.LittleEndian.Uint64(meta[48:56]); tx >= txid {
			txid, root = tx, binary.LittleEndian.Uint64(meta[16:24])
		}
	}
	for off := 2 * f.size; off+f.size <= len(raw); off += f.size {
		p := raw[off : off+f.size]
		flags, overflow := binary.LittleEndian.Uint16(p[8:10]), int(binary.LittleEndian.Uint32(p[12:16]))
		if flags != 0x01 && flags != 0x02 {
			continue
		}
		end := min(len(raw), off+(1+overflow)*f.size)
		f.pages[uint64(off/f.size)] = raw[off:end]
	}
	f.walk(root)
	return f
}

// walk marks the pages of the bucket tree rooted at id live.
func (f *rawFile) walk(id uint64) {
	p := f.pages[id]
	if p == nil || f.live[id] {
		return
	}
	f.live[id] = true
	if binary.LittleEndian.Uint16(p[8:10]) == 0x01 { // branch
		for i := 0; i < int(binary.LittleEndian.Uint16(p[10:12])); i++ {
			f.walk(binary.LittleEndian.Uint64(p[16+16*i+8:]))
		}
		return
	}
	for _, e := range elements(p) {
		if e.bucket {
			if sub := binary.LittleEndian.Uint64(e.value[0:8]); sub != 0 {
				f.walk(sub)
			}
		}
	}
}

// elements are a leaf page's elements, inline buckets opened.
func elements(p []byte) []element {
	if len(p) < 16 || binary.LittleEndian.Uint16(p[8:10]) != 0x02 {
		return nil
	}
	var out []element
	n := int(binary.LittleEndian.Uint16(p[10:12]))
	for i := 0; i < n && 16+16*(i+1) <= len(p); i++ {
		at := 16 + 16*i
		flags := binary.LittleEndian.Uint32(p[at:])
		pos, ks, vs := int(binary.LittleEndian.Uint32(p[at+4:])), int(binary.LittleEndian.Uint32(p[at+8:])), int(binary.LittleEndian.Uint32(p[at+12:]))
		if at+pos+ks+vs > len(p) {
			break
		}
		e := element{bucket: flags&0x01 != 0, key: p[at+pos : at+pos+ks], value: p[at+pos+ks : at+pos+ks+vs]}
		out = append(out, e)
		if e.bucket && len(e.value) > 16 && binary.LittleEndian.Uint64(e.value[0:8]) == 0 {
			out = append(out, elements(e.value[16:])...) // an inline bucket
		}
	}
	return out
}

// guess is what the linker concludes from one copy: the code record the
// last commit marked used and the grades record it added (nil if it
// cannot tell one from others).
func (f *rawFile) guess(gradesLen int) (record, grades []byte) {
	type version struct {
		live bool
		used bool
	}
	seen := map[string][]version{}
	liveGrades := map[string]bool{}
	type stale struct{ keys [][]byte }
	var staleGrades []stale
	for id, p := range f.pages {
		var gk [][]byte
		for _, e := range elements(p) {
			switch {
			case e.bucket:
			case len(e.key) == 32 && len(e.value) >= 2 && e.value[0] <= 2:
				seen[string(e.key)] = append(seen[string(e.key)], version{live: f.live[id], used: e.value[0] == 1})
			case len(e.key) == 16 && len(e.value) == gradesLen:
				if f.live[id] {
					liveGrades[string(e.key)] = true
				} else {
					gk = append(gk, e.key)
				}
			}
		}
		if len(gk) > 0 {
			staleGrades = append(staleGrades, stale{gk})
		}
	}
	var changed [][]byte
	for k, vs := range seen {
		liveUsed, staleUnused := false, false
		for _, v := range vs {
			liveUsed = liveUsed || v.live && v.used
			staleUnused = staleUnused || !v.live && !v.used
		}
		if liveUsed && staleUnused {
			changed = append(changed, []byte(k))
		}
	}
	// A stale grades leaf is an old version of a live one: the live keys in
	// its range that it lacks were added since. The newest old version
	// lacks exactly the last commit's.
	sorted := make([]string, 0, len(liveGrades))
	for k := range liveGrades {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var added [][]byte
	for _, s := range staleGrades {
		have := map[string]bool{}
		for _, k := range s.keys {
			have[string(k)] = true
		}
		lo, hi := string(s.keys[0]), string(s.keys[len(s.keys)-1])
		var missing [][]byte
		for i := sort.SearchStrings(sorted, lo); i < len(sorted) && sorted[i] <= hi; i++ {
			if !have[sorted[i]] {
				missing = append(missing, []byte(sorted[i]))
			}
		}
		if len(missing) == 1 && !slices.ContainsFunc(added, func(a []byte) bool { return bytes.Equal(a, missing[0]) }) {
			added = append(added, missing[0])
		}
	}
	if len(changed) == 1 {
		record = changed[0]
	}
	if len(added) == 1 {
		grades = added[0]
	}
	return record, grades
}

// TestOneRawCopyLinksNobody measures the linker over 200 copies of the file,
// each taken right after one more participant's ballot was committed (its
// own commit, the attacker's best case). With the code key in the database
// (as until schema 3), the linker would map the record to the printed code;
// the key now lives in the key file beside the database, so a copy of the
// database alone links no printed code to any ballot. The same linker,
// given the key file too, does link — which shows it is a real attack.
func TestOneRawCopyLinksNobody(t *testing.T) {
	t.Parallel()
	const voters = 200
	dir := t.TempDir()
	path := filepath.Join(dir, "ballot.db")
	store, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc := service.New(store, service.Options{})
	defer svc.Close()
	sys := auth.Principal{Name: "test", Role: auth.Admin}
	r, _ := svc.CreateRound(sys, rounds.NewRound{Title: "linker", Year: 2026})
	f, _ := forms.Template("to-chuc-co-so-dang")
	svc.AddForm(sys, r.ID, &f)
	units := []rounds.Unit{{ID: "p", Name: "P", Kind: "province"}}
	for _, id := range []string{"c1", "c2", "c3", "c4"} {
		units = append(units, rounds.Unit{ID: id, Name: id, Parent: "p", Kind: "grassroots", Form: f.ID})
	}
	if _, err := svc.ImportUnits(sys, r.ID, units, false); err != nil {
		t.Fatal(err)
	}
	printed := map[string]string{} // target of each printed code
	var order []string
	for _, u := range units[1:] {
		_, list, err := svc.IssueBatch(sys, r.ID, rounds.NewBatch{Targets: []string{u.ID}, Count: voters})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			printed[c] = u.ID
			order = append(order, c)
		}
	}
	if _, _, err := svc.OpenRound(sys, r.ID); err != nil {
		t.Fatal(err)
	}
	answers := map[string]json.RawMessage{"level": json.RawMessage(`"htt"`)}
	for _, q := range f.Questions {
		if q.Type == forms.Choice && q.ID != "level" {
			answers[q.ID] = json.RawMessage(`"tot"`)
		}
	}
	liveGradesKeys := func() map[string]bool {
		out := map[string]bool{}
		store.View(func(tx *storage.Tx) error {
			return tx.EachSealed(r.ID, storage.Grades, func(k, _ []byte) error { out[string(k)] = true; return nil })
		})
		return out
	}
	gradesLen := 0
	var keyFile struct {
		CodeKeys map[string][]byte `json:"code_keys"`
	}
	raw, _ := os.ReadFile(storage.KeysPath(path))
	json.Unmarshal(raw, &keyFile)
	codeKey := keyFile.CodeKeys[r.ID]
	if len(codeKey) != 32 {
		t.Fatal("no code key in the key file")
	}
	linkedAlone, linkedWithKeys, found, pairs := 0, 0, 0, 0
	prev, _ := os.ReadFile(path)
	// pick voters across targets, as they come into a meeting room
	for i := 0; i < voters; i++ {
		code := order[(i*7919)%len(order)]
		before := liveGradesKeys()
		if _, err := svc.Submit(intake.Submission{Code: code, Ballots: []intake.BallotIn{{Target: printed[code], Answers: answers}}}); err != nil {
			t.Fatal(err)
		}
		var added []byte
		for k := range liveGradesKeys() {
			if !before[k] {
				added = []byte(k)
			}
		}
		copyRaw, _ := os.ReadFile(path)
		if r, g := twoCopies(prev, copyRaw); bytes.Equal(g, added) && r != nil && bytes.Equal(r, codes.Key(codeKey, digitsOf(code))) {
			pairs++
		}
		prev = copyRaw
		if gradesLen == 0 {
			store.View(func(tx *storage.Tx) error {
				return tx.EachSealed(r.ID, storage.Grades, func(_, v []byte) error { gradesLen = len(v); return nil })
			})
		}
		record, grades := readRaw(copyRaw).guess(gradesLen)
		if record == nil || !bytes.Equal(grades, added) {
			continue
		}
		found++ // the copy shows which record and which ballot the commit wrote
		// The attacker holds every printed code and tries each under any
		// code key the copy holds (stored as "codekey" in a round's bucket
		// until schema 3), then under the key file's.
		link := func(key []byte) bool {
			for c := range printed {
				if bytes.Equal(codes.Key(key, digitsOf(c)), record) {
					return c == code
				}
			}
			return false
		}
		f := readRaw(copyRaw)
		alone := false
		for _, p := range f.pages {
			for _, e := range elements(p) {
				alone = alone || string(e.key) == "codekey" && link(e.value)
			}
		}
		if alone {
			linkedAlone++
		}
		if link(codeKey) {
			linkedWithKeys++
		}
	}
	t.Logf("of %d copies: the linker found the last commit's code record and ballot in %d; mapped to the printed code: %d from the database alone, %d with the key file too; two copies around a commit showed its record and ballot in %d",
		voters, found, linkedAlone, linkedWithKeys, pairs)
	if linkedAlone != 0 {
		t.Fatalf("one copy of the database linked %d voters", linkedAlone)
	}
	if found < voters/4 || linkedWithKeys != found {
		t.Fatalf("the linker is too weak to show anything: found %d, linked with the keys %d", found, linkedWithKeys)
	}
}

// twoCopies compares the live contents of two copies taken around one
// commit: the code record whose value changed and the one grades record
// added (nil where it is not one).
func twoCopies(before, after []byte) (record, grades []byte) {
	liveOf := func(raw []byte) map[string][]byte {
		f, out := readRaw(raw), map[string][]byte{}
		for id, p := range f.pages {
			if f.live[id] {
				for _, e := range elements(p) {
					if !e.bucket && (len(e.key) == 32 || len(e.key) == 16) {
						out[string(e.key)] = e.value
					}
				}
			}
		}
		return out
	}
	b, a := liveOf(before), liveOf(after)
	var changed, added [][]byte
	for k, v := range a {
		switch old, ok := b[k]; {
		case !ok && len(k) == 16:
			added = append(added, []byte(k))
		case ok && len(k) == 32 && !bytes.Equal(old, v):
			changed = append(changed, []byte(k))
		}
	}
	if len(changed) == 1 {
		record = changed[0]
	}
	if len(added) == 1 {
		grades = added[0]
	}
	return record, grades
}

func digitsOf(code string) string {
	d, err := codes.Normalize(code)
	if err != nil {
		panic(err)
	}
	return d
}
