package service

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"maps"
	"slices"
)

// Sealed grades are written in a compact binary form, version byte 0x02:
// the target, then the choices (question, option) and the scores
// (question, value), each string length-prefixed. The first sealed ballots
// were JSON, which always starts with '{'; both are read.
const gradesV2 = 0x02

var errBadPlain = errors.New("sealed ballot has a bad format")

// encodeGrades writes g in the binary form (choices and scores in key
// order, so equal ballots encode alike).
func encodeGrades(g gradesPlain) []byte {
	out := []byte{gradesV2}
	str := func(s string) { out = binary.AppendUvarint(out, uint64(len(s))); out = append(out, s...) }
	str(g.Target)
	choices := slices.Sorted(maps.Keys(g.Choices))
	out = binary.AppendUvarint(out, uint64(len(choices)))
	for _, q := range choices {
		str(q)
		str(g.Choices[q])
	}
	scores := slices.Sorted(maps.Keys(g.Scores))
	out = binary.AppendUvarint(out, uint64(len(scores)))
	for _, q := range scores {
		str(q)
		out = binary.AppendUvarint(out, uint64(g.Scores[q]))
	}
	return out
}

// gradesDecoder reads sealed grades without allocating per ballot: ids are
// interned (a form has few), the maps are reused.
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
		var g gradesPlain
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
