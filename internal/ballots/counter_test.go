package ballots

import (
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"ballot/internal/forms"
	"ballot/internal/tally"
)

// countTargets is one target per built-in template, as counting sees them.
func countTargets(t testing.TB) map[string]*Aggregate {
	aggs := map[string]*Aggregate{}
	for _, id := range forms.TemplateIDs() {
		f, _ := forms.Template(id)
		aggs["t-"+id] = &Aggregate{Target: *tally.NewTarget("t-"+id, &f), Form: &f}
	}
	return aggs
}

// randomGrades answers each choice and score question of f, leaving some out.
func randomGrades(rng *rand.Rand, target string, f *forms.Form) Grades {
	g := Grades{Target: target, Choices: map[string]string{}, Scores: map[string]int{}}
	for _, q := range f.Questions {
		if rng.IntN(8) == 0 {
			continue
		}
		switch q.Type {
		case forms.Choice:
			g.Choices[q.ID] = q.Options[rng.IntN(len(q.Options))].ID
		case forms.Score:
			g.Scores[q.ID] = rng.IntN(q.Max + 1)
		}
	}
	return g
}

// TestCountingByPositionEqualsCountingByName counts the same ballots (binary
// and JSON, every template, questions left out) on the fast path and by
// decoding them into maps: every figure, bands and totals included, agrees.
func TestCountingByPositionEqualsCountingByName(t *testing.T) {
	t.Parallel()
	fast, slow := countTargets(t), countTargets(t)
	c, d := newCounter(fast), newGradesDecoder()
	rng := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 3000; i++ {
		a := slow["t-"+forms.TemplateIDs()[i%len(forms.TemplateIDs())]]
		g := randomGrades(rng, a.ID, a.Form)
		plain := EncodeGrades(g)
		if i%10 == 0 {
			plain, _ = json.Marshal(g)
		}
		if err := c.count(plain); err != nil {
			t.Fatalf("ballot %d: %v", i, err)
		}
		target, choices, scores, err := d.decode(plain)
		if err != nil {
			t.Fatal(err)
		}
		slow[target].Add(slow[target].Form, choices, scores)
	}
	c.flush()
	for id, a := range slow {
		if a.Ballots == 0 || !reflect.DeepEqual(a.Target, fast[id].Target) {
			t.Errorf("%s: by position %+v, by name %+v", id, fast[id].Target, a.Target)
		}
	}
}

// TestCountingRefusesWhatTheFormDoesNotHave: a plaintext naming an unknown
// target, question or option, a score over the maximum, a question twice,
// trailing or missing bytes is an error, and counts nothing.
func TestCountingRefusesWhatTheFormDoesNotHave(t *testing.T) {
	t.Parallel()
	good := Grades{Target: "t-diem-100", Choices: map[string]string{"level": "htt"}, Scores: map[string]int{"s1": 20, "s2": 3}}
	bad := map[string][]byte{
		"unknown target":       EncodeGrades(Grades{Target: "t-nobody", Choices: good.Choices}),
		"unknown question":     EncodeGrades(Grades{Target: good.Target, Choices: map[string]string{"nope": "htt"}}),
		"unknown option":       EncodeGrades(Grades{Target: good.Target, Choices: map[string]string{"level": "nope"}}),
		"score over max":       EncodeGrades(Grades{Target: good.Target, Scores: map[string]int{"s1": 21}}),
		"a score as choice":    EncodeGrades(Grades{Target: good.Target, Choices: map[string]string{"s1": "htt"}}),
		"choice twice":         binaryGrades("t-diem-100", 2, "level", "htt", "level", "htt", 0),
		"score twice":          binaryGrades("t-diem-100", 0, 2, "s1", 3, "s1", 4),
		"out of order":         binaryGrades("t-diem-100", 0, 2, "s2", 3, "s1", 4),
		"trailing bytes":       append(EncodeGrades(good), 0),
		"truncated":            EncodeGrades(good)[:20],
		"empty":                {},
		"unknown version":      {0x03, 0},
		"json, score over max": []byte(`{"t":"t-diem-100","s":{"s1":1000}}`),
		"json, unknown option": []byte(`{"t":"t-diem-100","c":{"level":"nope"}}`),
		"json, bad":            []byte(`{"t":`),
	}
	aggs := countTargets(t)
	c := newCounter(aggs)
	for name, plain := range bad {
		if err := c.count(plain); err == nil {
			t.Errorf("%s: counted", name)
		}
	}
	c.flush()
	for id, a := range aggs {
		if a.Ballots != 0 {
			t.Errorf("%s: %d ballots counted from bad plaintexts", id, a.Ballots)
		}
	}
	err := c.count(EncodeGrades(good))
	c.flush()
	if err != nil || aggs[good.Target].Ballots != 1 {
		t.Fatalf("the good ballot: %v", err)
	}
}

// binaryGrades writes a version-2 plaintext by hand: strings length-prefixed,
// numbers as uvarints.
func binaryGrades(parts ...any) []byte {
	out := []byte{gradesV2}
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			out = binary.AppendUvarint(out, uint64(len(v)))
			out = append(out, v...)
		case int:
			out = binary.AppendUvarint(out, uint64(v))
		}
	}
	return out
}

func FuzzCount(f *testing.F) {
	f.Add(EncodeGrades(Grades{Target: "t-diem-100", Choices: map[string]string{"level": "htt"}, Scores: map[string]int{"s1": 3}}))
	f.Add(EncodeGrades(Grades{Target: "t-to-chuc-co-so-dang", Choices: map[string]string{"c1": "tot", "level": "htt"}}))
	f.Add([]byte(`{"t":"t-diem-100","c":{"level":"htt"},"s":{"s2":20}}`))
	f.Add([]byte(`{"t":"t-diem-100","s":{"s1":1000}}`))
	f.Fuzz(func(t *testing.T, plain []byte) {
		aggs := countTargets(t)
		before := 0
		c := newCounter(aggs)
		err := c.count(plain)
		c.flush()
		for _, a := range aggs {
			before += a.Ballots
		}
		if (err == nil) != (before == 1) {
			t.Fatalf("error %v, %d ballots counted", err, before)
		}
	})
}
