package server_test

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzParticipantPosts sends arbitrary form bodies to the participant
// pages: every answer is a page (never a panic or a 500), and nothing is
// stored unless a whole, valid ballot came with a real code.
func FuzzParticipantPosts(f *testing.F) {
	f.Add("/", "code=4827+1937+5520+1846&lang=vi")
	f.Add("/ballot", "code=1&submission_id=x&a%7Cc1%7Cc1=tot&setlang=en")
	f.Add("/ballot", "a|c1|c1=%ff%fe&code=%00")
	f.Add("/", strings.Repeat("a=b&", 500))
	e := newEnv(f)
	e.openRound([]string{"c1"}, 1)
	f.Fuzz(func(t *testing.T, path, body string) {
		if path != "/" && path != "/ballot" {
			path = "/ballot"
		}
		e.t = t
		r := e.do("POST", path, "", body, "Content-Type", "application/x-www-form-urlencoded", "Origin", "http://example.com")
		if r.Status >= 500 {
			t.Fatalf("%s %q: %d", path, body, r.Status)
		}
		if !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s %q: not a page: %s", path, body, r.Header.Get("Content-Type"))
		}
		if _, err := url.ParseQuery(body); err == nil && r.Status == 200 && path == "/ballot" && strings.Contains(string(r.Body), `class="receipt"`) {
			t.Fatalf("a receipt for a made-up body %q", body)
		}
	})
}
