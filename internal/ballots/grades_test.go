package ballots

import (
	"encoding/binary"
	"encoding/json"
	"reflect"
	"testing"
)

// gradesDecoder is the reference reading of sealed grades, by name into
// maps, that counting by position (counter) is checked against.
type gradesDecoder struct {
	intern  map[string]string
	choices map[string]string
	scores  map[string]int
}

func newGradesDecoder() *gradesDecoder {
	return &gradesDecoder{intern: map[string]string{}, choices: map[string]string{}, scores: map[string]int{}}
}

func (d *gradesDecoder) str(b []byte) string {
	if s, ok := d.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	d.intern[s] = s
	return s
}

// decode reads one plaintext; the maps it returns are valid until the next
// call.
func (d *gradesDecoder) decode(plain []byte) (target string, choices map[string]string, scores map[string]int, err error) {
	clear(d.choices)
	clear(d.scores)
	if len(plain) > 0 && plain[0] == '{' {
		var g Grades
		if err := json.Unmarshal(plain, &g); err != nil {
			return "", nil, nil, err
		}
		return g.Target, g.Choices, g.Scores, nil
	}
	if len(plain) == 0 || plain[0] != gradesV2 {
		return "", nil, nil, errBadPlain
	}
	p := plain[1:]
	next := func() ([]byte, bool) {
		n, k := binary.Uvarint(p)
		if k <= 0 || uint64(len(p)-k) < n {
			return nil, false
		}
		b := p[k : k+int(n)]
		p = p[k+int(n):]
		return b, true
	}
	count := func() (uint64, bool) {
		n, k := binary.Uvarint(p)
		if k <= 0 {
			return 0, false
		}
		p = p[k:]
		return n, true
	}
	t, ok := next()
	if !ok {
		return "", nil, nil, errBadPlain
	}
	n, ok := count()
	for i := uint64(0); ok && i < n; i++ {
		var q, o []byte
		if q, ok = next(); ok {
			if o, ok = next(); ok {
				d.choices[d.str(q)] = d.str(o)
			}
		}
	}
	if !ok {
		return "", nil, nil, errBadPlain
	}
	if n, ok = count(); !ok {
		return "", nil, nil, errBadPlain
	}
	for i := uint64(0); i < n; i++ {
		q, ok := next()
		if !ok {
			return "", nil, nil, errBadPlain
		}
		v, ok := count()
		if !ok {
			return "", nil, nil, errBadPlain
		}
		d.scores[d.str(q)] = int(v)
	}
	return d.str(t), d.choices, d.scores, nil
}

func TestGradesRoundTripInBothForms(t *testing.T) {
	t.Parallel()
	g := Grades{Target: "c0001", Choices: map[string]string{"c1": "tot", "level": "htxs"}, Scores: map[string]int{"s1": 17, "s4": 40}}
	d := newGradesDecoder()
	js, _ := json.Marshal(g)
	for name, plain := range map[string][]byte{"binary": EncodeGrades(g), "json": js} {
		target, choices, scores, err := d.decode(plain)
		if err != nil || target != g.Target || !reflect.DeepEqual(choices, g.Choices) || !reflect.DeepEqual(scores, g.Scores) {
			t.Fatalf("%s: %q %v %v %v", name, target, choices, scores, err)
		}
	}
	for _, bad := range [][]byte{nil, {0x09}, {gradesV2}, {gradesV2, 5, 'a'}, EncodeGrades(g)[:10]} {
		if _, _, _, err := d.decode(bad); err == nil {
			t.Fatalf("%x decoded", bad)
		}
	}
}
