package codes_test

import (
	"testing"

	"ballot/internal/apperr"
	"ballot/internal/codes"
)

// TestEveryTypoIsCaught: for 10,000 random codes, every single-digit
// substitution and every swap of neighbours is refused as code_mistyped.
func TestEveryTypoIsCaught(t *testing.T) {
	t.Parallel()
	n := 0
	for i := 0; i < 10_000; i++ {
		c := codes.New()
		if _, err := codes.Normalize(c); err != nil {
			t.Fatalf("a fresh code %s is refused: %v", c, err)
		}
		b := []byte(c)
		for pos := 0; pos < codes.Len; pos++ {
			orig := b[pos]
			for d := byte('0'); d <= '9'; d++ {
				if d == orig {
					continue
				}
				b[pos] = d
				mustBeMistyped(t, string(b), c)
				n++
			}
			b[pos] = orig
			if pos+1 < codes.Len && b[pos] != b[pos+1] {
				b[pos], b[pos+1] = b[pos+1], b[pos]
				mustBeMistyped(t, string(b), c)
				b[pos], b[pos+1] = b[pos+1], b[pos]
				n++
			}
		}
	}
	if n < 1_500_000 {
		t.Fatalf("only %d variants tried", n)
	}
}

func mustBeMistyped(t *testing.T, typed, orig string) {
	t.Helper()
	if _, err := codes.Normalize(typed); !apperr.Is(err, apperr.AccessCodeMistyped) {
		t.Fatalf("%s (from %s) was not refused as mistyped: %v", typed, orig, err)
	}
}

func TestNormalizeAcceptsHowPeopleType(t *testing.T) {
	t.Parallel()
	c := codes.New()
	f := codes.Format(c)
	fullWidth := ""
	for _, r := range c {
		fullWidth += string('０' + (r - '0'))
	}
	for _, typed := range []string{c, f, " " + f + " ", c[:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:], c[:8] + "." + c[8:], fullWidth} {
		got, err := codes.Normalize(typed)
		if err != nil || got != c {
			t.Errorf("%q: %q %v", typed, got, err)
		}
	}
	for _, bad := range []string{"", c[:15], c + "0", "abcd" + c[4:], c[:15] + "x"} {
		if _, err := codes.Normalize(bad); !apperr.Is(err, apperr.AccessCodeMistyped) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestCodesAreSpreadOverAllDigits(t *testing.T) {
	t.Parallel()
	var counts [16][10]int
	const n = 20_000
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		c := codes.New()
		if seen[c] {
			t.Fatalf("duplicate code %s", c)
		}
		seen[c] = true
		for p := 0; p < 15; p++ {
			counts[p][c[p]-'0']++
		}
	}
	for p := 0; p < 15; p++ {
		for d := 0; d < 10; d++ {
			if c := counts[p][d]; c < n/10*8/10 || c > n/10*12/10 {
				t.Errorf("position %d digit %d: %d of %d", p, d, c, n)
			}
		}
	}
}
