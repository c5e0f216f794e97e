package browser_test

import (
	"os"
	"testing"

	"ballot/internal/browser"
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
