package main

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ballot/internal/codes"
	"ballot/internal/crashloop"
)

// needTool finds a program the deployment tests run. .ci/run installs
// them (Debian's systemd, nginx) and sets CI, where a missing one fails;
// on a machine with only Go the test is skipped with a message.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed (.ci/run installs %s): %v", name, pkg, err)
		}
		t.Skipf("this test needs %s (apt-get install %s)", name, pkg)
	}
	return path
}

// TestTheSystemdUnitVerifiesAndIsHardened: deploy/ballot.service passes
// `systemd-analyze verify` (with ExecStart pointing at the built binary)
// and keeps the hardening the README promises.
func TestTheSystemdUnitVerifiesAndIsHardened(t *testing.T) {
	t.Parallel()
	analyze := needTool(t, "systemd-analyze", "systemd")
	unit, err := os.ReadFile("../../deploy/ballot.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"User=ballot", "StateDirectory=ballot", "ProtectSystem=strict", "NoNewPrivileges=yes",
		"Restart=on-failure", "KillSignal=SIGTERM", "PrivateTmp=yes", "ExecStart=/usr/local/bin/ballot serve"} {
		if !strings.Contains(string(unit), "\n"+want+"\n") {
			t.Errorf("the unit lacks %s", want)
		}
	}
	local := strings.Replace(string(unit), "ExecStart=/usr/local/bin/ballot", "ExecStart="+binary, 1)
	local = strings.Replace(local, "EnvironmentFile=/etc/ballot/ballot.env", "EnvironmentFile=-/etc/ballot/ballot.env", 1)
	path := filepath.Join(t.TempDir(), "ballot.service")
	os.WriteFile(path, []byte(local), 0o644)
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	// the example settings are all variables serve reads
	env, _ := os.ReadFile("../../deploy/ballot.env")
	for _, line := range strings.Split(string(env), "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "#")
		if name, _, ok := strings.Cut(line, "="); ok && strings.HasPrefix(name, "BALLOT_") && !strings.Contains(usage(), name+" ") {
			t.Errorf("deploy/ballot.env sets %s, which serve does not read", name)
		}
	}
}

// freePort returns a loopback port nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// TestTheNginxExampleThrottlesPerParticipant runs deploy/nginx.conf (its
// ports and certificate made local) in front of the real binary with
// --trusted-proxy 127.0.0.1: plain HTTP is redirected, HTTPS carries HSTS,
// the console signs in without the plain-HTTP warning, and a guesser that
// sends its own X-Forwarded-For is still throttled after 30 unknown codes.
func TestTheNginxExampleThrottlesPerParticipant(t *testing.T) {
	t.Parallel()
	nginx := needTool(t, "nginx", "nginx")
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	srv, err := crashloop.Start(binary, filepath.Join(dir, "ballot.db"), "--trusted-proxy", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Kill()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	cert := testCert(t, 7, certFile, keyFile)
	os.Chmod(keyFile, 0o644)
	conf, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	httpsPort, httpPort := freePort(t), freePort(t)
	site := string(conf)
	for from, to := range map[string]string{
		"    listen 443 ssl;\n":                 "    listen 127.0.0.1:" + httpsPort + " ssl;\n",
		"    listen 80;\n":                      "    listen 127.0.0.1:" + httpPort + ";\n",
		"    listen [::]:443 ssl;\n":            "",
		"    listen [::]:80;\n":                 "",
		"/etc/ssl/ballot/fullchain.pem":         certFile,
		"/etc/ssl/ballot/privkey.pem":           keyFile,
		"proxy_pass http://127.0.0.1:8080;":     "proxy_pass " + srv.URL + ";",
		"return 301 https://$host$request_uri;": "return 301 https://$host:" + httpsPort + "$request_uri;",
	} {
		if !strings.Contains(site, from) {
			t.Fatalf("deploy/nginx.conf no longer has %q", from)
		}
		site = strings.Replace(site, from, to, 1)
	}
	os.WriteFile(filepath.Join(dir, "site.conf"), []byte(site), 0o644)
	main := "user root;\ndaemon off;\npid " + dir + "/nginx.pid;\nerror_log " + dir + "/error.log;\nevents {}\nhttp {\n" +
		"  client_body_temp_path " + dir + "/body;\n  proxy_temp_path " + dir + "/proxy;\n  fastcgi_temp_path " + dir + "/fcgi;\n" +
		"  uwsgi_temp_path " + dir + "/uwsgi;\n  scgi_temp_path " + dir + "/scgi;\n  access_log off;\n  include " + dir + "/site.conf;\n}\n"
	os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644)
	if out, err := exec.Command(nginx, "-t", "-p", dir, "-c", filepath.Join(dir, "nginx.conf")).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	cmd := exec.Command(nginx, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
	base := "https://127.0.0.1:" + httpsPort
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := client.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.Header.Get("Strict-Transport-Security") == "" {
				t.Fatal("no HSTS through nginx")
			}
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx does not answer: %v\n%s", err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	res, err := client.Get("http://127.0.0.1:" + httpPort + "/console")
	if err != nil || res.StatusCode != 301 || !strings.HasPrefix(res.Header.Get("Location"), base+"/console") {
		t.Fatalf("plain HTTP: %v %v", err, res)
	}
	res.Body.Close()
	page, err := client.Get(base + "/console/login")
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 1<<16)
	n, _ := page.Body.Read(body)
	page.Body.Close()
	if strings.Contains(string(body[:n]), "cần HTTPS") {
		t.Fatal("through the TLS proxy the sign-in page says it needs HTTPS")
	}
	guess := func(forged string) int {
		req, _ := http.NewRequest("POST", base+"/api/v1/ballots", strings.NewReader(`{"code":"`+codes.New()+`","ballots":[{"target":"c","answers":{}}]}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", forged)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for i := 0; i < 30; i++ {
		if st := guess("198.51.100." + string(rune('0'+i%10))); st != 404 {
			t.Fatalf("guess %d: %d", i+1, st)
		}
	}
	if st := guess("203.0.113.77"); st != 429 {
		t.Fatalf("the 31st guess, with yet another forged address: %d", st)
	}
}
