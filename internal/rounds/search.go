package rounds

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lowers s and strips its diacritics ("Đảng bộ xã Ia Blang" → "dang bo
// xa ia blang"), so that a search typed without Vietnamese marks finds
// names written with them.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Query is a search for units: every word must occur in a unit's name or
// id, marks and case aside.
type Query []string

// ParseQuery splits a search into folded words.
func ParseQuery(q string) Query { return strings.Fields(Fold(q)) }

// Matches reports whether u answers q (an empty query matches every unit).
func (q Query) Matches(u *Unit) bool {
	if len(q) == 0 {
		return true
	}
	hay := Fold(u.Name) + " " + strings.ToLower(u.ID)
	for _, w := range q {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}
