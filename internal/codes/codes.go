// Package codes makes and reads participants' one-time access codes (mã
// phiếu: 15 random digits and a Damm check digit, which catches any wrong
// digit and any swap of neighbours), their receipts, and each code's record.
package codes

import (
	"crypto/rand"
	"encoding/binary"
	"strings"

	"ballot/internal/apperr"
)

// Len is the number of digits of a code.
const Len = 16

// damm is the standard totally anti-symmetric quasigroup of order 10.
var damm = [10][10]byte{
	{0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
	{7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
	{4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
	{1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
	{6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
	{3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
	{5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
	{8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
	{9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
	{2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}

// checkDigit returns the Damm check digit of digits (ASCII '0'..'9').
func checkDigit(digits string) byte {
	var interim byte
	for i := 0; i < len(digits); i++ {
		interim = damm[interim][digits[i]-'0']
	}
	return interim
}

// Valid reports whether 16 ASCII digits carry a correct check digit.
func Valid(digits string) bool {
	if len(digits) != Len {
		return false
	}
	for i := 0; i < Len; i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return checkDigit(digits) == 0
}

// limit is the largest multiple of 10^15 that fits in a uint64; random
// values at or above it are drawn again so every code is equally likely.
const (
	span  = 1_000_000_000_000_000 // 10^15
	limit = (1<<64 - 1) / span * span
)

// New returns a fresh code as 16 digits.
func New() string {
	var b [8]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic(err)
		}
		n := binary.BigEndian.Uint64(b[:])
		if n >= limit {
			continue
		}
		body := pad15(n % span)
		return body + string('0'+checkDigit(body))
	}
}

func pad15(n uint64) string {
	var d [15]byte
	for i := 14; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return string(d[:])
}

// Format shows 16 digits in groups of four: "4827 1937 5520 1846".
func Format(digits string) string {
	if len(digits) != Len {
		return digits
	}
	return digits[0:4] + " " + digits[4:8] + " " + digits[8:12] + " " + digits[12:16]
}

// Normalize reads a typed code: spaces, dashes and dots are dropped,
// full-width digits read as digits. A code of the wrong length or with a
// failing check digit is code_mistyped; nothing is looked up for it.
func Normalize(input string) (string, error) {
	if len(input) > 64 {
		return "", apperr.New(apperr.AccessCodeMistyped, "code.length", Len)
	}
	var sb strings.Builder
	for _, r := range input {
		switch {
		case r >= '0' && r <= '9':
			sb.WriteRune(r)
		case r >= '０' && r <= '９':
			sb.WriteRune('0' + (r - '０'))
		case r == ' ' || r == '-' || r == '.' || r == '\t' || r == '\u00a0' || r == '\u2009' || r == '\u202f':
		default:
			return "", apperr.New(apperr.AccessCodeMistyped, "code.not_digits")
		}
	}
	d := sb.String()
	if len(d) != Len {
		return "", apperr.New(apperr.AccessCodeMistyped, "code.length", Len)
	}
	if !Valid(d) {
		return "", apperr.New(apperr.AccessCodeMistyped, "code.check_digit")
	}
	return d, nil
}
