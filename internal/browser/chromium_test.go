package browser_test

import (
	"log/slog"
	"os"
	"testing"

	"ballot/internal/auth"
	"ballot/internal/browser"
	"ballot/internal/service"
)

// needChromium fails the test in CI (.ci/run sets CI=true and installs
// Chromium), and skips it, loudly, only on a developer's machine that has
// nothing but Go.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := browser.ExecPath(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip("browser tests need Chromium (apt-get install chromium): ", err)
	}
}

// options are the service options of the tests' servers: logs discarded,
// and passwords hashed at a light cost — the server's Argon2id takes a
// third of a second or more of both cores a sign-in; what it costs is
// tested in internal/auth and against the real binary in cmd/ballot.
func options() service.Options {
	return service.Options{Log: slog.New(slog.DiscardHandler), PasswordCost: auth.Cost{Time: 1, Memory: 64, Threads: 1}}
}
