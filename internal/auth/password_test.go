package auth

import (
	"strings"
	"testing"
	"time"

	"ballot/internal/apperr"
)

func TestAPasswordChecksAgainstItsHashOnly(t *testing.T) {
	h := HashPassword("một câu mật khẩu đủ dài")
	if !CheckPassword(h, "một câu mật khẩu đủ dài") || CheckPassword(h, "một câu mật khẩu khác") {
		t.Fatal("check")
	}
}

// TestHashingWaitsItsTurnOrIsBusy: while a computation holds the one turn,
// a sign-in's check waits at most its wait and is answered busy.
func TestHashingWaitsItsTurnOrIsBusy(t *testing.T) {
	h := HashPassword("một câu mật khẩu đủ dài")
	hashing <- struct{}{} // another computation runs
	start := time.Now()
	ok, err := VerifyPassword(h, "một câu mật khẩu đủ dài", 50*time.Millisecond)
	if ok || !apperr.Is(err, apperr.Busy) || apperr.Wrap(err).RetryAfter <= 0 || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("with the turn taken: %v %v after %s", ok, err, time.Since(start))
	}
	<-hashing
	if ok, err := VerifyPassword(h, "một câu mật khẩu đủ dài", 50*time.Millisecond); !ok || err != nil {
		t.Fatalf("with the turn free: %v %v", ok, err)
	}
}

// TestCostlierParametersAreRefused: a stored hash asking for more memory
// than ours would break the bound on memory; it is refused unhashed.
func TestCostlierParametersAreRefused(t *testing.T) {
	h := HashPassword("một câu mật khẩu đủ dài")
	for _, costly := range []string{"m=1048576,t=3,p=2", "m=65536,t=100,p=2", "m=65536,t=3,p=64"} {
		if ok, err := VerifyPassword(strings.Replace(h, "m=65536,t=3,p=2", costly, 1), "một câu mật khẩu đủ dài", 0); ok || err != nil {
			t.Fatalf("%s: %v %v", costly, ok, err)
		}
	}
}
