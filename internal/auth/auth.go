// Package auth is who may do what: users with a role (an authority scoped
// to a unit), API tokens and console sessions stored only as hashes, and
// Argon2id password hashes, one computed at a time.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"ballot/internal/apperr"
	"ballot/internal/valid"
)

// Role is what a user may do.
type Role string

// The roles. Participants have no role: they hold a code, not an account.
const (
	Admin     Role = "admin"
	Committee Role = "committee"
	Authority Role = "authority"
)

// Roles lists every role.
var Roles = []Role{Admin, Committee, Authority}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", apperr.Field("role", "field.oneof", "admin committee authority")
}

// User is an account of the console and the API.
type User struct {
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	Unit         string    `json:"unit,omitempty"`
	PasswordHash string    `json:"password_hash"`
	MustChange   bool      `json:"must_change"`
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
}

// NewUser is the input of adding a user.
type NewUser struct {
	Name string `json:"name" validate:"required,id"`
	Role Role   `json:"role" validate:"required,oneof=admin committee authority"`
	Unit string `json:"unit" validate:"omitempty,id"`
}

// Check validates in: an authority needs a unit, other roles have none.
func (in *NewUser) Check() error {
	if err := valid.Struct(in, ""); err != nil {
		return err
	}
	if in.Role == Authority && in.Unit == "" {
		return apperr.Field("unit", "user.authority_needs_unit")
	}
	if in.Role != Authority && in.Unit != "" {
		return apperr.Field("unit", "user.unit_only_authority")
	}
	return nil
}

// Principal is who a request acts for.
type Principal struct {
	Name string
	Role Role
	Unit string
}

// Token is an API token's stored record; the token itself is never stored.
type Token struct {
	User      string    `json:"user"`
	CreatedAt time.Time `json:"created_at"`
}

const tokenPrefix = "bt_"

// NewToken returns a fresh token and the hash to store.
func NewToken() (token string, hash [32]byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	token = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is the stored form of a token. Tokens carry 256 random bits, so
// a plain SHA-256 is enough: there is nothing to guess.
func HashToken(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// passwordAlphabet avoids look-alike characters.
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789"

// NewPassword returns a random password of 16 characters (about 90 bits).
func NewPassword() string {
	var sb strings.Builder
	b := make([]byte, 1)
	for sb.Len() < 16 {
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		// Rejection sampling keeps every character equally likely.
		if int(b[0]) < 256-256%len(passwordAlphabet) {
			sb.WriteByte(passwordAlphabet[int(b[0])%len(passwordAlphabet)])
		}
	}
	return sb.String()
}

// Session is a console sign-in, stored under the hash of its cookie.
type Session struct {
	User    string    `json:"user"`
	CSRF    string    `json:"csrf"`
	Expires time.Time `json:"expires"`
}

// SessionLength is how long a console sign-in lasts.
const SessionLength = 8 * time.Hour

// MinPasswordLen bounds new passwords from below.
const MinPasswordLen = 12

// NewSecret returns 256 random bits, URL-safe (session tokens, CSRF tokens).
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
