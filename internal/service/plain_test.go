package service

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestGradesRoundTripInBothForms(t *testing.T) {
	g := gradesPlain{Target: "c0001", Choices: map[string]string{"c1": "tot", "level": "htxs"}, Scores: map[string]int{"s1": 17, "s4": 40}}
	d := newGradesDecoder()
	js, _ := json.Marshal(g)
	for name, plain := range map[string][]byte{"binary": encodeGrades(g), "json": js} {
		target, choices, scores, err := d.decode(plain)
		if err != nil || target != g.Target || !reflect.DeepEqual(choices, g.Choices) || !reflect.DeepEqual(scores, g.Scores) {
			t.Fatalf("%s: %q %v %v %v", name, target, choices, scores, err)
		}
	}
	for _, bad := range [][]byte{nil, {0x09}, {gradesV2}, {gradesV2, 5, 'a'}, encodeGrades(g)[:10]} {
		if _, _, _, err := d.decode(bad); err == nil {
			t.Fatalf("%x decoded", bad)
		}
	}
}

func FuzzGradesDecode(f *testing.F) {
	f.Add(encodeGrades(gradesPlain{Target: "c1", Choices: map[string]string{"q": "o"}, Scores: map[string]int{"s": 3}}))
	f.Add([]byte(`{"t":"c1","c":{"q":"o"}}`))
	f.Fuzz(func(t *testing.T, plain []byte) {
		_, _, _, _ = newGradesDecoder().decode(plain)
	})
}
