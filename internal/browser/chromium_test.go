package browser_test

import (
	"log/slog"
	"os"
	"sync"
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

// chromium is the package's one Chromium, started by the first test that
// needs it and stopped by TestMain; each test browses in a session of its
// own (newBrowser). A browser start costs about half a second of CPU, a
// session a tab's.
var chromium struct {
	once sync.Once
	dir  string
	b    *browser.Browser
	err  error
}

// newBrowser is a browser of the test's own, sharing nothing with another
// test's: a session of the package's Chromium, ended when the test ends.
func newBrowser(t *testing.T) *browser.Browser {
	t.Helper()
	needChromium(t)
	chromium.once.Do(func() {
		if chromium.dir, chromium.err = os.MkdirTemp("", "ballot-chromium"); chromium.err == nil {
			chromium.b, chromium.err = browser.New(chromium.dir)
		}
	})
	if chromium.err != nil {
		t.Fatal(chromium.err)
	}
	b, err := chromium.b.Session()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// stopChromium stops the package's Chromium, if a test started it.
func stopChromium() {
	if chromium.b != nil {
		chromium.b.Close()
	}
	if chromium.dir != "" {
		os.RemoveAll(chromium.dir)
	}
}

// options are the service options of the tests' servers: logs discarded,
// and passwords hashed at a light cost — the server's Argon2id takes a
// third of a second or more of both cores a sign-in; what it costs is
// tested in internal/auth and against the real binary in cmd/ballot.
func options() service.Options {
	return service.Options{Log: slog.New(slog.DiscardHandler), PasswordCost: auth.Cost{Time: 1, Memory: 64, Threads: 1}}
}
