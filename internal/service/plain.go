package service

import (
	"encoding/binary"
	"errors"
	"maps"
	"slices"
)

// Sealed grades are written in a compact binary form, version byte 0x02:
// the target, then the choices (question, option) and the scores
// (question, value), each string length-prefixed. The first sealed ballots
// were JSON, which always starts with '{'; counting reads both (counter).
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
