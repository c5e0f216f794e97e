// Package ballots is what a sealed ballot holds — a target's grades in a
// compact binary form padded to one size per round, a comment — and the
// engine that opens and counts a round's sealed records on all cores.
package ballots

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"maps"
	"slices"

	"ballot/internal/forms"
)

// Grades is the plaintext of one sealed grades record: the choices and
// scores of one ballot about one target. The target is inside the
// ciphertext, so nothing per-target is visible before counting.
type Grades struct {
	Target  string            `json:"t"`
	Choices map[string]string `json:"c,omitempty"`
	Scores  map[string]int    `json:"s,omitempty"`
}

// Note is the plaintext of one sealed comment, stored apart from grades.
type Note struct {
	Target   string `json:"t"`
	Question string `json:"q"`
	Text     string `json:"x"`
}

// NotesBlock pads comments to a multiple of its size. Grades are padded to
// one size per round (GradesSize), so their lengths say nothing.
const NotesBlock = 2048

// EncodeNote is a comment's plaintext.
func EncodeNote(n Note) []byte {
	plain, _ := json.Marshal(n)
	return plain
}

// AAD binds a sealed value to its place: its round and its kind of record.
func AAD(rid string, kind []byte) []byte { return []byte("ballot/" + rid + "/" + string(kind)) }

// Sealed grades are written in a compact binary form, version byte 0x02:
// the target, then the choices (question, option) and the scores
// (question, value), each string length-prefixed. The first sealed ballots
// were JSON, which always starts with '{'; counting reads both (counter).
const gradesV2 = 0x02

var errBadPlain = errors.New("sealed ballot has a bad format")

// EncodeGrades writes g in the binary form (choices and scores in key
// order, so equal ballots encode alike).
func EncodeGrades(g Grades) []byte {
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

// LongestID is the longest id valid.ID accepts (targets, questions, options).
const LongestID = 64

// GradesSize is the padded size of every sealed grades record of a round
// with forms fs: room for the longest plaintext any of them can give, with
// the longest target id, so that a sealed record's size tells nothing of
// its answers, its form or its target. It is a multiple of 64 and counts
// the sealer's 4-byte length prefix.
func GradesSize(fs []*forms.Form) int {
	longest := 0
	for _, f := range fs {
		longest = max(longest, longestGrades(f))
	}
	return (4 + longest + 63) / 64 * 64
}

// longestGrades is the longest binary plaintext of a ballot on form f.
func longestGrades(f *forms.Form) int {
	str := func(n int) int { return uvarintLen(uint64(n)) + n }
	n := 1 + str(LongestID)
	choices, scores := 0, 0
	for _, q := range f.Questions {
		switch q.Type {
		case forms.Choice:
			option := 0
			for _, o := range q.Options {
				option = max(option, len(o.ID))
			}
			n += str(len(q.ID)) + str(option)
			choices++
		case forms.Score:
			n += str(len(q.ID)) + uvarintLen(uint64(q.Max))
			scores++
		}
	}
	return n + uvarintLen(uint64(choices)) + uvarintLen(uint64(scores))
}

func uvarintLen(v uint64) int { return len(binary.AppendUvarint(nil, v)) }
