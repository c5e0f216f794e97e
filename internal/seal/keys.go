// Package seal seals ballots at rest with XChaCha20-Poly1305 under data keys
// stored only wrapped (age, X25519) to the round's recipient, and opens them
// with the committee's identity at count; filippo.io/age and x/crypto only.
package seal

import (
	"strings"

	"filippo.io/age"

	"ballot/internal/apperr"
)

// KeyPair is a fresh round key: the public recipient ("age1…") and the
// private identity ("AGE-SECRET-KEY-1…").
type KeyPair struct {
	Public  string
	Private string
}

// GenerateKeyPair makes a new round key.
func GenerateKeyPair() (KeyPair, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return KeyPair{}, err
	}
	return KeyPair{Public: id.Recipient().String(), Private: id.String()}, nil
}

// ParseRecipient checks a public key ("age1…").
func ParseRecipient(s string) (*age.X25519Recipient, error) {
	r, err := age.ParseX25519Recipient(strings.TrimSpace(s))
	if err != nil {
		return nil, apperr.Field("public_key", "key.bad_public")
	}
	return r, nil
}

// ParseIdentity checks a private key ("AGE-SECRET-KEY-1…").
func ParseIdentity(s string) (*age.X25519Identity, error) {
	id, err := age.ParseX25519Identity(strings.TrimSpace(s))
	if err != nil {
		return nil, apperr.Field("private_key", "key.bad_private")
	}
	return id, nil
}
