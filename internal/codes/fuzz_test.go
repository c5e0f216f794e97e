package codes_test

import (
	"testing"

	"ballot/internal/codes"
)

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"4827 1937 5520 1846", "4827-1937-5520-1846", "０１２３", "", "9999999999999999", "12345678901234567890", "1234 5678\x00"} {
		f.Add(s)
	}
	f.Add(codes.Format(codes.New()))
	f.Fuzz(func(t *testing.T, s string) {
		d, err := codes.Normalize(s)
		if err == nil && (len(d) != codes.Len || !codes.Valid(d)) {
			t.Fatalf("%q accepted as %q", s, d)
		}
		if r, ok := codes.NormalizeReceipt(s); ok && len(r) != 26 {
			t.Fatalf("receipt %q accepted as %q", s, r)
		}
	})
}
