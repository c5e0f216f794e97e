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

// Cost is the work of one Argon2id hash: passes over memory, memory in KiB,
// and lanes. The zero Cost is the server's (serverCost). A hash records its
// cost and is checked at the cost it was made with; tests make theirs at a
// lighter one.
type Cost struct {
	Time    uint32
	Memory  uint32
	Threads uint8
}

// serverCost is RFC 9106's second recommendation with lighter memory, so a
// burst of sign-ins fits a small machine. It is also the most a stored hash
// may ask for (see VerifyPassword).
var serverCost = Cost{Time: 3, Memory: 64 * 1024, Threads: 2}

// or is c, or the server's cost for the zero Cost.
func (c Cost) or() Cost {
	if c == (Cost{}) {
		return serverCost
	}
	return c
}

const argonKeyLen = 32

// MaxHashing is how many Argon2id computations run at once in the process.
// At the server's cost each holds 64 MiB while it runs: two at once next to
// an idle server (about 35 MB) would pass the 150 MB memory budget (P4 and
// P8 of docs/design.md §6), and one already keeps both cores of a small
// machine busy, so a second would not be faster.
const MaxHashing = 1

// hashing holds a token for each computation running.
var hashing = make(chan struct{}, MaxHashing)

// HashPassword returns an encoded Argon2id hash of pw at the server's cost.
func HashPassword(pw string) string { return Cost{}.Hash(pw) }

// Hash returns an encoded Argon2id hash of pw at cost c. It waits for its
// turn however long that takes: it serves signed-in users and the command
// line, who are few.
func (c Cost) Hash(pw string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	c = c.or()
	hashing <- struct{}{}
	key := argon(pw, salt, c.Time, c.Memory, c.Threads, argonKeyLen)
	return c.encode(salt, key)
}

func (c Cost) encode(salt, key []byte) string {
	c = c.or()
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", c.Memory, c.Time, c.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// Decoy is a hash at cost c that no password matches, checked for unknown
// and disabled users so that the time a sign-in takes tells nothing about
// which names exist.
func (c Cost) Decoy() string {
	return c.encode([]byte("saltsaltsaltsalt"), []byte("hashhashhashhashhashhashhashhash"))
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
	if m == 0 || m > serverCost.Memory || t == 0 || t > 2*serverCost.Time || p == 0 || p > serverCost.Threads {
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
	if m >= 1<<10 { // a test's light hash leaves too little to be worth it
		runtime.GC()
	}
	return key
}
