package codes

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"strings"
)

var receiptEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewReceipt returns 128 random bits.
func NewReceipt() [16]byte {
	var r [16]byte
	if _, err := rand.Read(r[:]); err != nil {
		panic(err)
	}
	return r
}

// ReceiptString is the receipt as shown: 26 base32 characters.
func ReceiptString(r [16]byte) string { return receiptEncoding.EncodeToString(r[:]) }

// FormatReceipt groups a receipt string for reading: "ABCD EFGH …".
func FormatReceipt(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(s[i:min(i+4, len(s))])
	}
	return sb.String()
}

// NormalizeReceipt reads a typed receipt (any case, spaces and dashes
// ignored); ok is false if it is not 26 base32 characters.
func NormalizeReceipt(input string) (string, bool) {
	s := strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(input))
	if len(s) != 26 {
		return "", false
	}
	if _, err := receiptEncoding.DecodeString(s); err != nil {
		return "", false
	}
	return s, true
}

// ReceiptHash is the published form of a receipt: the SHA-256 of its
// string (published in hex).
func ReceiptHash(receipt string) [32]byte { return sha256.Sum256([]byte(receipt)) }
