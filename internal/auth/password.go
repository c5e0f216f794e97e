package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"ballot/internal/apperr"
)

// Argon2id parameters (RFC 9106's second recommendation, lighter memory so a
// burst of sign-ins fits a small machine).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024 // KiB
	argonThreads = 2
	argonKeyLen  = 32
)

// MaxHashing is how many Argon2id computations run at once in the process. Each
// holds 64 MiB while it runs: two at once next to an idle server (about 35 MB)
// would pass the 150 MB memory budget (P4 and P8 of docs/design.md §6), and one
// already keeps both cores of a small machine busy, so a second would not be
// faster.
const MaxHashing = 1

// hashing holds a token for each computation running.
var hashing = make(chan struct{}, MaxHashing)

// HashPassword returns an encoded Argon2id hash of pw. It waits for its
// turn however long that takes: it serves signed-in users and the command
// line, who are few.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	hashing <- struct{}{}
	key := argon(pw, salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether pw matches an encoded hash, waiting for its
// turn however long that takes (for signed-in users, like HashPassword).
func CheckPassword(encoded, pw string) bool {
	ok, _ := VerifyPassword(encoded, pw, -1)
	return ok
}

// VerifyPassword is CheckPassword for callers who must not queue for long:
// when no computation ends within wait, it gives up with busy (and a
// Retry-After). A negative wait waits however long it takes.
func VerifyPassword(encoded, pw string, wait time.Duration) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, nil
	}
	// Costlier parameters than ours would break the memory bound above.
	if m == 0 || m > argonMemory || t == 0 || t > 2*argonTime || p == 0 || p > argonThreads {
		return false, nil
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 64 {
		return false, nil
	}
	if !turn(wait) {
		e := apperr.New(apperr.Busy, "signin.busy")
		e.RetryAfter = time.Second
		return false, e
	}
	got := argon(pw, salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// turn waits up to wait (forever if negative) for a hashing token.
func turn(wait time.Duration) bool {
	if wait < 0 {
		hashing <- struct{}{}
		return true
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case hashing <- struct{}{}:
		return true
	case <-timer.C:
		return false
	}
}

// argon computes the key while holding a token taken by the caller, and
// gives the token back. The 64 MiB it used is garbage at once: collecting
// it right away lets the next computation reuse those pages instead of
// mapping new ones while the old ones wait for the collector's pacing
// (hashes in a row next to a 30 MB heap: a 224 MB peak without it, mostly
// 96 MB with it; the binary under issue 14's attacks, each with a sign-in,
// with a soft memory limit of 120 MiB: 136–146 MB without it, 75–118 MB
// with it).
func argon(pw string, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	defer func() { <-hashing }()
	key := argon2.IDKey([]byte(pw), salt, t, m, p, n)
	runtime.GC()
	return key
}
