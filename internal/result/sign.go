package result

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"strings"

	"aead.dev/minisign"

	"ballot/internal/apperr"
)

// SigningKey is an instance's minisign secret key. It lives in a file
// beside the service (mode 0600), never in the database.
type SigningKey struct{ key minisign.PrivateKey }

// NewSigningKey makes a key pair: the secret key file's text and the
// public key line (what a parent registers).
func NewSigningKey() (secret []byte, public string, err error) {
	pub, priv, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		return nil, "", err
	}
	secret, err = priv.MarshalText()
	if err != nil {
		return nil, "", err
	}
	return append(secret, '\n'), pub.String(), nil
}

// PublicKeyFile is the text of a minisign public key file for line (what
// `minisign -V -p FILE` reads).
func PublicKeyFile(line string) ([]byte, error) {
	k, err := ParsePublicKey(line)
	if err != nil {
		return nil, err
	}
	text, err := k.MarshalText()
	return append(text, '\n'), err
}

// ParseSigningKey reads a secret key file (`ballot keygen --sign`, or
// `minisign -G -W`: without a password, since a server signs unattended).
func ParseSigningKey(text []byte) (*SigningKey, error) {
	if minisign.IsEncrypted(text) {
		return nil, fmt.Errorf("the signing key is protected by a password; make one with `ballot keygen --sign` (or `minisign -G -W`)")
	}
	var k minisign.PrivateKey
	if err := k.UnmarshalText(bytes.TrimSpace(text)); err != nil {
		return nil, fmt.Errorf("not a minisign secret key: %w", err)
	}
	return &SigningKey{key: k}, nil
}

// PublicKey is the key's public line.
func (k *SigningKey) PublicKey() string {
	return k.key.Public().(minisign.PublicKey).String()
}

// KeyID is the key's id as minisign prints it.
func (k *SigningKey) KeyID() string { return KeyID(k.key.ID()) }

// KeyID formats a minisign key id.
func KeyID(id uint64) string { return fmt.Sprintf("%016X", id) }

// ParsePublicKey reads a public key: the base64 line, or a whole public
// key file with its comment line.
func ParsePublicKey(s string) (minisign.PublicKey, error) {
	var k minisign.PublicKey
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r", ""))
	if err := k.UnmarshalText([]byte(s)); err != nil || len(s) > 300 {
		return k, apperr.Field("public_key", "result.public_key")
	}
	return k, nil
}

// Sign signs a file (Ed25519 over its BLAKE2b-512, minisign's default)
// with a trusted comment saying what it is; the answer is the text of its
// .minisig file.
func (k *SigningKey) Sign(file []byte, comment string) []byte {
	r := minisign.NewReader(bytes.NewReader(file))
	io.Copy(io.Discard, r) // reading bytes.Reader cannot fail
	untrusted := "signature from ballot, key " + k.KeyID()
	return r.SignWithComments(k.key, strings.ReplaceAll(comment, "\n", " "), untrusted)
}

// SignatureKeyID is the id of the key that made a signature.
func SignatureKeyID(sig []byte) (string, error) {
	var s minisign.Signature
	if len(sig) > 4096 || s.UnmarshalText(sig) != nil {
		return "", apperr.Field("signature", "result.signature_unreadable")
	}
	return KeyID(s.KeyID), nil
}

// Verify reports whether sig is key's signature of file.
func Verify(key minisign.PublicKey, file, sig []byte) bool { return minisign.Verify(key, file, sig) }
