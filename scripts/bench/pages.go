package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
)

// weight is what a participant's phone downloads (docs/design.md §6, P5).
type weight struct {
	body, wire int // bytes of bodies; of whole responses with headers
	requests   int
	external   []string
}

var (
	assetRE    = regexp.MustCompile(`<(?:script|img)[^>]+src="([^"]+)"|<link[^>]+href="([^"]+)"`)
	externalRE = regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
)

// pageWeight loads the code-entry page, enters code and loads the
// one-target ballot page, then every stylesheet, script, icon and image
// either page refers to, as a browser with an empty cache would.
func pageWeight(s *server, code string) (weight, error) {
	var w weight
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	fetch := func(req *http.Request) (string, error) {
		res, err := client.Do(req)
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		head, _ := httputil.DumpResponse(res, false)
		body, err := io.ReadAll(res.Body)
		if err != nil {
			return "", err
		}
		if res.StatusCode != 200 {
			return "", fmt.Errorf("%s %s: %d", req.Method, req.URL.Path, res.StatusCode)
		}
		w.requests++
		w.body += len(body)
		w.wire += len(head) + len(body)
		w.external = append(w.external, externalRE.FindAllString(string(body), -1)...)
		return string(body), nil
	}
	get, _ := http.NewRequest("GET", s.URL+"/", nil)
	entry, err := fetch(get)
	if err != nil {
		return w, err
	}
	post, _ := http.NewRequest("POST", s.URL+"/", strings.NewReader(url.Values{"code": {code}}.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post.Header.Set("Origin", s.URL)
	ballot, err := fetch(post)
	if err != nil {
		return w, err
	}
	if !strings.Contains(ballot, "<form") {
		return w, fmt.Errorf("entering a code did not show a ballot form")
	}
	seen := map[string]bool{}
	for _, m := range assetRE.FindAllStringSubmatch(entry+ballot, -1) {
		ref := m[1] + m[2]
		if seen[ref] || !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
			continue
		}
		seen[ref] = true
		req, _ := http.NewRequest("GET", s.URL+ref, nil)
		if _, err := fetch(req); err != nil {
			return w, err
		}
	}
	return w, nil
}
