package seal

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
)

// KeyIDLen is the length of a data key's id, stored before each sealed value.
const KeyIDLen = 16

// Overhead is what sealing adds to the padded plaintext.
const Overhead = KeyIDLen + chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead

// DataKey is a random symmetric key that seals many ballots. Only its
// wrapped form (age-encrypted to the round's recipient) is stored, so one
// X25519 operation serves every ballot sealed under it.
type DataKey struct {
	ID      [KeyIDLen]byte
	Wrapped []byte
	aead    interface {
		Seal(dst, nonce, plaintext, additionalData []byte) []byte
	}
}

// NewDataKey makes a data key wrapped to recipient.
func NewDataKey(recipient *age.X25519Recipient) (*DataKey, error) {
	key := make([]byte, chacha20poly1305.KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	defer clear(key)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, recipient)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(key); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	dk := &DataKey{Wrapped: buf.Bytes(), aead: aead}
	if _, err := rand.Read(dk.ID[:]); err != nil {
		return nil, err
	}
	return dk, nil
}

// Seal pads plaintext to a multiple of block bytes (hiding its length within
// the block) and encrypts it with a random nonce; aad binds the value to
// its place (round and kind). The result is keyID | nonce | ciphertext.
func (k *DataKey) Seal(plaintext, aad []byte, block int) ([]byte, error) {
	padded := pad(plaintext, block)
	out := make([]byte, KeyIDLen+chacha20poly1305.NonceSizeX, KeyIDLen+chacha20poly1305.NonceSizeX+len(padded)+chacha20poly1305.Overhead)
	copy(out, k.ID[:])
	nonce := out[KeyIDLen:]
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return k.aead.Seal(out, nonce, padded, aad), nil
}

// pad prefixes a 4-byte length and fills with zeros to a multiple of block.
func pad(p []byte, block int) []byte {
	n := 4 + len(p)
	size := (n + block - 1) / block * block
	out := make([]byte, size)
	binary.BigEndian.PutUint32(out, uint32(len(p)))
	copy(out[4:], p)
	return out
}

func unpad(p []byte) ([]byte, error) {
	if len(p) < 4 {
		return nil, errors.New("sealed value too short")
	}
	n := binary.BigEndian.Uint32(p)
	if int(n) > len(p)-4 {
		return nil, errors.New("sealed value has a bad length")
	}
	return p[4 : 4+n], nil
}

// Opener opens sealed values with the committee's identity. It unwraps each
// data key once and keeps it in memory only; Close zeroes them.
type Opener struct {
	identity *age.X25519Identity
	keys     map[[KeyIDLen]byte]openKey
}

type openKey struct {
	raw  []byte
	aead interface {
		Open(dst, nonce, ciphertext, additionalData []byte) ([]byte, error)
	}
}

// NewOpener makes an opener for identity.
func NewOpener(identity *age.X25519Identity) *Opener {
	return &Opener{identity: identity, keys: map[[KeyIDLen]byte]openKey{}}
}

// AddKey unwraps a stored data key.
func (o *Opener) AddKey(id [KeyIDLen]byte, wrapped []byte) error {
	r, err := age.Decrypt(bytes.NewReader(wrapped), o.identity)
	if err != nil {
		return fmt.Errorf("unwrap data key: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(r, chacha20poly1305.KeySize+1))
	if err != nil || len(raw) != chacha20poly1305.KeySize {
		return fmt.Errorf("unwrap data key: bad key")
	}
	aead, err := chacha20poly1305.NewX(raw)
	if err != nil {
		return err
	}
	o.keys[id] = openKey{raw: raw, aead: aead}
	return nil
}

// Open decrypts a sealed value into dst's space and returns the plaintext.
func (o *Opener) Open(dst, sealed, aad []byte) ([]byte, error) {
	if len(sealed) < Overhead {
		return nil, errors.New("sealed value too short")
	}
	var id [KeyIDLen]byte
	copy(id[:], sealed)
	k, ok := o.keys[id]
	if !ok {
		return nil, errors.New("sealed under an unknown data key")
	}
	nonce := sealed[KeyIDLen : KeyIDLen+chacha20poly1305.NonceSizeX]
	p, err := k.aead.Open(dst[:0], nonce, sealed[KeyIDLen+chacha20poly1305.NonceSizeX:], aad)
	if err != nil {
		return nil, fmt.Errorf("open sealed value: %w", err)
	}
	return unpad(p)
}

// Close forgets the unwrapped keys.
func (o *Opener) Close() {
	for id, k := range o.keys {
		clear(k.raw)
		delete(o.keys, id)
	}
}
