package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ballot/internal/server"
)

// testCert writes a self-signed certificate for 127.0.0.1 with serial n
// into certFile and keyFile (each written to a temporary name and renamed,
// as a renewal tool does) and returns it.
func testCert(t *testing.T, n int64, certFile, keyFile string) *x509.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(n), Subject: pkix.Name{CommonName: "ballot test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	write := func(name, typ string, b []byte) {
		tmp := name + ".new"
		if err := os.WriteFile(tmp, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, name); err != nil {
			t.Fatal(err)
		}
	}
	write(keyFile, "EC PRIVATE KEY", kder)
	write(certFile, "CERTIFICATE", der)
	c, _ := x509.ParseCertificate(der)
	return c
}

// servedSerial opens a new TLS connection offering h2 first and returns the
// serial of the certificate served and the protocol agreed.
func servedSerial(t *testing.T, addr string, roots *x509.CertPool) (int64, string) {
	t.Helper()
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: roots, NextProtos: []string{"h2", "http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	st := conn.ConnectionState()
	return st.PeerCertificates[0].SerialNumber.Int64(), st.NegotiatedProtocol
}

// TestTLSFromFilesWithRenewalHSTSAndRedirect: --tls-cert/--tls-key serve
// HTTPS (HTTP/1.1, never h2) with HSTS; a renewed certificate is served to
// new connections without a restart, a broken renewal keeps the old one;
// --redirect-http sends plain HTTP to HTTPS.
func TestTLSFromFilesWithRenewalHSTSAndRedirect(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	first := testCert(t, 1, certFile, keyFile)
	logs := &lockedBuffer{}
	m := &Main{DBPath: filepath.Join(dir, "ballot.db"), Addr: "127.0.0.1:0", RedirectHTTP: "127.0.0.1:0",
		TLS: server.TLSOptions{CertFile: certFile, KeyFile: keyFile}, Stdout: &lockedBuffer{}, Log: slog.New(slog.NewTextHandler(logs, nil))}
	if err := m.Open(); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !strings.HasPrefix(m.URL(), "https://") {
		t.Fatalf("URL %s", m.URL())
	}
	roots := x509.NewCertPool()
	roots.AddCert(first)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(m.URL() + "/console/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Fatalf("over TLS: %d, HSTS %q", res.StatusCode, res.Header.Get("Strict-Transport-Security"))
	}
	if strings.Contains(string(body), "cần HTTPS") {
		t.Fatal("the sign-in page over HTTPS says it needs HTTPS")
	}
	if serial, proto := servedSerial(t, m.ln.Addr().String(), roots); serial != 1 || proto != "http/1.1" {
		t.Fatalf("served serial %d over %q", serial, proto)
	}

	// a plain request on the redirect listener goes to HTTPS, same path
	res, err = client.Get("http://" + m.plainLn.Addr().String() + "/receipt?r=1")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	_, port, _ := net.SplitHostPort(m.ln.Addr().String())
	if want := "https://127.0.0.1:" + port + "/receipt?r=1"; res.StatusCode != 301 || res.Header.Get("Location") != want {
		t.Fatalf("redirect: %d %q, want %q", res.StatusCode, res.Header.Get("Location"), want)
	}

	// a renewal is picked up by new connections
	second := testCert(t, 2, certFile, keyFile)
	roots.AddCert(second)
	deadline := time.Now().Add(5 * time.Second)
	for {
		serial, _ := servedSerial(t, m.ln.Addr().String(), roots)
		if serial == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the renewed certificate was not served within 5 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	// a broken renewal keeps the certificate in use
	if err := os.WriteFile(keyFile, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1200 * time.Millisecond)
	if serial, _ := servedSerial(t, m.ln.Addr().String(), roots); serial != 2 {
		t.Fatalf("after a broken renewal, serial %d", serial)
	}
	if !strings.Contains(logs.String(), "renewed certificate not loaded") {
		t.Fatalf("the broken renewal was not logged:\n%s", logs.String())
	}
}

// TestACMEKeepsItsCacheNextToTheDatabaseAndOnlyItsNames: --acme-domain
// makes its cache beside the database (0700) and answers no other name
// (nothing is asked of Let's Encrypt for it); a bad TLS setup fails at
// start, before the database is written.
func TestACMEKeepsItsCacheNextToTheDatabaseAndOnlyItsNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m := &Main{DBPath: filepath.Join(dir, "ballot.db"), Addr: "127.0.0.1:0",
		TLS: server.TLSOptions{ACMEDomains: []string{"phieu.example.vn"}}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := m.Open(); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	st, err := os.Stat(filepath.Join(dir, "acme"))
	if err != nil || !st.IsDir() || st.Mode().Perm() != 0o700 {
		t.Fatalf("ACME cache: %v %v", st, err)
	}
	if !strings.Contains(strings.Join(m.tlsConfig.NextProtos, " "), "acme-tls/1") || strings.Contains(strings.Join(m.tlsConfig.NextProtos, " "), "h2") {
		t.Fatalf("ALPN %v", m.tlsConfig.NextProtos)
	}
	conn, err := tls.Dial("tcp", m.ln.Addr().String(), &tls.Config{ServerName: "other.example", InsecureSkipVerify: true})
	if err == nil {
		conn.Close()
		t.Fatal("a certificate was served for a name not configured")
	}

	bad := t.TempDir()
	for name, opt := range map[string]server.TLSOptions{
		"cert without key": {CertFile: filepath.Join(bad, "cert.pem")},
		"missing files":    {CertFile: filepath.Join(bad, "c.pem"), KeyFile: filepath.Join(bad, "k.pem")},
		"both ways":        {CertFile: "c", KeyFile: "k", ACMEDomains: []string{"x.example"}},
	} {
		m := &Main{DBPath: filepath.Join(bad, "ballot.db"), Addr: "127.0.0.1:0", TLS: opt}
		err := m.Open()
		m.Close()
		if err == nil {
			t.Fatalf("%s: opened", name)
		}
		if _, err := os.Stat(filepath.Join(bad, "ballot.db")); err == nil {
			t.Fatalf("%s: the database was created", name)
		}
	}
}

// TestServeWarnsOfPlainHTTPToOtherMachines: listening beyond loopback
// without TLS or a proxy, serve says at start that the console needs HTTPS.
func TestServeWarnsOfPlainHTTPToOtherMachines(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{"0.0.0.0:0": true, "127.0.0.1:0": false} {
		out := &lockedBuffer{}
		m := &Main{DBPath: filepath.Join(t.TempDir(), "ballot.db"), Addr: addr, Stdout: out, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if err := m.Open(); err != nil {
			t.Fatal(err)
		}
		m.Close()
		if got := strings.Contains(out.String(), "the console needs HTTPS"); got != want {
			t.Fatalf("%s: warning %v, want %v:\n%s", addr, got, want, out.String())
		}
	}
}
