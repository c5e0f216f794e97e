package auth_test

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"ballot/internal/apperr"
	"ballot/internal/auth"
)

// light is a cost the tests can afford many hashes at.
var light = auth.Cost{Time: 1, Memory: 64, Threads: 1}

// TestRolesAreParsedByTheirNamesOnly: the three roles by their exact names;
// anything else, a participant included (who has a code, not an account),
// is an invalid role.
func TestRolesAreParsedByTheirNamesOnly(t *testing.T) {
	t.Parallel()
	for _, r := range auth.Roles {
		if got, err := auth.ParseRole(string(r)); err != nil || got != r {
			t.Errorf("%s: %q %v", r, got, err)
		}
	}
	for _, s := range []string{"", "Admin", "admin ", "participant", "root"} {
		_, err := auth.ParseRole(s)
		if e := apperr.Wrap(err); err == nil || e.Code != apperr.Invalid || e.Field != "role" {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// TestAnAuthorityAndOnlyAnAuthorityHasAUnit: an authority rates within its
// unit's subtree, so it needs one; the other roles see every unit, so a
// unit given them would mean nothing and is refused.
func TestAnAuthorityAndOnlyAnAuthorityHasAUnit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in    auth.NewUser
		field string // "" when valid
	}{
		{auth.NewUser{Name: "tinh-uy", Role: auth.Authority, Unit: "gialai"}, ""},
		{auth.NewUser{Name: "bkp", Role: auth.Committee}, ""},
		{auth.NewUser{Name: "admin2", Role: auth.Admin}, ""},
		{auth.NewUser{Name: "tinh-uy", Role: auth.Authority}, "unit"},
		{auth.NewUser{Name: "bkp", Role: auth.Committee, Unit: "gialai"}, "unit"},
		{auth.NewUser{Name: "admin2", Role: auth.Admin, Unit: "gialai"}, "unit"},
		{auth.NewUser{Name: "", Role: auth.Admin}, "name"},
		{auth.NewUser{Name: "tên có dấu cách", Role: auth.Admin}, "name"},
		{auth.NewUser{Name: "x", Role: "participant"}, "role"},
	}
	for _, c := range cases {
		err := c.in.Check()
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%+v refused: %v", c.in, err)
		case c.field != "" && (apperr.CodeOf(err) != apperr.Invalid || apperr.Wrap(err).Field != c.field):
			t.Errorf("%+v: %v, want invalid %s", c.in, err, c.field)
		}
	}
}

// TestTokensAreRandomAndStoredOnlyAsTheirHash: a token carries 256 random
// bits; what is stored is its SHA-256, from which it cannot be had back.
func TestTokensAreRandomAndStoredOnlyAsTheirHash(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		token, hash := auth.NewToken()
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, "bt_"))
		if !strings.HasPrefix(token, "bt_") || err != nil || len(raw) != 32 {
			t.Fatalf("token %q: %d random bytes, %v", token, len(raw), err)
		}
		if hash != sha256.Sum256([]byte(token)) || hash != auth.HashToken(token) {
			t.Fatalf("token %q: the hash to store is not its SHA-256", token)
		}
		if seen[token] {
			t.Fatalf("token %q made twice", token)
		}
		seen[token] = true
	}
}

// TestGeneratedPasswordsUseEveryLetterOfTheirAlphabet: 16 characters of an
// alphabet without look-alikes (no 0/O/o, 1/l/I, 2/Z, 5/S, 8/B), each
// equally likely — over 32,000 characters every one of the 51 shows, none
// more than twice as often as it should.
func TestGeneratedPasswordsUseEveryLetterOfTheirAlphabet(t *testing.T) {
	t.Parallel()
	counts := map[rune]int{}
	for i := 0; i < 2000; i++ {
		pw := auth.NewPassword()
		if len(pw) != 16 || len(pw) < auth.MinPasswordLen {
			t.Fatalf("password %q has %d characters", pw, len(pw))
		}
		for _, r := range pw {
			counts[r]++
		}
	}
	for _, r := range "0Oo1lI2Z5SB" {
		if counts[r] > 0 {
			t.Errorf("%q, a look-alike, is used", r)
		}
	}
	if len(counts) != 51 {
		t.Errorf("%d distinct characters, want 51", len(counts))
	}
	for r, n := range counts {
		if want := 2000 * 16 / 51; n > 2*want || n < want/2 {
			t.Errorf("%q appears %d times, want about %d", r, n, want)
		}
	}
}

// TestSecretsAre256RandomBits: session and CSRF tokens.
func TestSecretsAre256RandomBits(t *testing.T) {
	t.Parallel()
	a, b := auth.NewSecret(), auth.NewSecret()
	raw, err := base64.RawURLEncoding.DecodeString(a)
	if err != nil || len(raw) != 32 || a == b {
		t.Fatalf("%q %q: %d bytes, %v", a, b, len(raw), err)
	}
}

// TestAHashIsCheckedAtTheCostItWasMadeWith: a hash names its cost, and is
// checked at it — the server's for the zero Cost — so hashes of any cost
// up to the server's check alike; the decoy checked for unknown users
// takes the same cost and matches no password.
func TestAHashIsCheckedAtTheCostItWasMadeWith(t *testing.T) {
	t.Parallel()
	h := light.Hash("một câu mật khẩu đủ dài")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("a light hash does not name its cost: %s", h)
	}
	if !auth.CheckPassword(h, "một câu mật khẩu đủ dài") || auth.CheckPassword(h, "một câu mật khẩu khác") {
		t.Fatal("a light hash is not checked at its cost")
	}
	if h2 := light.Hash("một câu mật khẩu đủ dài"); h2 == h {
		t.Fatal("two hashes of one password are the same: no salt")
	}
	if d := light.Decoy(); !strings.HasPrefix(d, "$argon2id$v=19$m=64,t=1,p=1$") || auth.CheckPassword(d, "") || auth.CheckPassword(d, "saltsaltsaltsalt") {
		t.Fatalf("the light decoy %s", d)
	}
	if d := (auth.Cost{}).Decoy(); !strings.HasPrefix(d, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("the server's decoy is not at the server's cost: %s", d)
	}
}

// TestMalformedHashesMatchNothing: a stored hash that is not one of ours
// is refused, never hashed and never a panic.
func TestMalformedHashesMatchNothing(t *testing.T) {
	t.Parallel()
	good := light.Hash("pw")
	parts := strings.Split(good, "$")
	for _, bad := range []string{
		"", "pw", "$argon2id$", strings.Replace(good, "argon2id", "argon2i", 1),
		strings.Replace(good, "m=64,t=1,p=1", "m=0,t=1,p=1", 1),
		strings.Replace(good, "m=64,t=1,p=1", "m=64,t=0,p=1", 1),
		strings.Replace(good, "m=64,t=1,p=1", "m=64,t=1,p=0", 1),
		strings.Replace(good, "m=64,t=1,p=1", "m=sixty", 1),
		strings.Join([]string{"", parts[1], parts[2], parts[3], "!!!", parts[5]}, "$"),
		strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], ""}, "$"),
		strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], strings.Repeat("QUFB", 30)}, "$"),
	} {
		if ok, err := auth.VerifyPassword(bad, "pw", 0); ok || err != nil {
			t.Errorf("%q: %v %v", bad, ok, err)
		}
	}
}
