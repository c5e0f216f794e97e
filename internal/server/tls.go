package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"golang.org/x/crypto/acme/autocert"
)

// TLSOptions say where the server's certificate comes from: files (an
// organization's own certificate, picked up again when renewed) or ACME
// (Let's Encrypt, for a host reachable from the internet).
type TLSOptions struct {
	CertFile, KeyFile string
	// ACMEDomains are the names to get certificates for; ACMECache the
	// folder keeping the ACME account and certificates.
	ACMEDomains []string
	ACMEEmail   string
	ACMECache   string
	Log         *slog.Logger
}

// Enabled reports whether any TLS is configured.
func (o TLSOptions) Enabled() bool {
	return o.CertFile != "" || o.KeyFile != "" || len(o.ACMEDomains) > 0
}

// Config returns the listener's TLS configuration and the handler for the
// plain-HTTP side (--redirect-http): it answers ACME's HTTP challenges and
// sends everything else to HTTPS on httpsPort.
func (o TLSOptions) Config(httpsPort string) (*tls.Config, http.Handler, error) {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	redirect := redirectHandler(httpsPort)
	switch {
	case len(o.ACMEDomains) > 0 && (o.CertFile != "" || o.KeyFile != ""):
		return nil, nil, errors.New("give either --tls-cert and --tls-key or --acme-domain, not both")
	case len(o.ACMEDomains) > 0:
		if err := os.MkdirAll(o.ACMECache, 0o700); err != nil {
			return nil, nil, fmt.Errorf("--acme-domain: cache: %w", err)
		}
		m := &autocert.Manager{Prompt: autocert.AcceptTOS, HostPolicy: autocert.HostWhitelist(o.ACMEDomains...),
			Cache: autocert.DirCache(o.ACMECache), Email: o.ACMEEmail}
		cfg := m.TLSConfig()
		// The server speaks HTTP/1.1 only: never offer h2.
		cfg.NextProtos = []string{"http/1.1", "acme-tls/1"}
		cfg.MinVersion = tls.VersionTLS12
		return cfg, m.HTTPHandler(redirect), nil
	case o.CertFile == "" || o.KeyFile == "":
		return nil, nil, errors.New("--tls-cert and --tls-key go together")
	}
	files := &certFiles{cert: o.CertFile, key: o.KeyFile, log: o.Log, now: time.Now}
	if err := files.load(); err != nil {
		return nil, nil, err
	}
	cfg := &tls.Config{GetCertificate: files.get, NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12}
	return cfg, redirect, nil
}

// redirectHandler sends a plain-HTTP request to the same place over HTTPS.
func redirectHandler(httpsPort string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if httpsPort != "" && httpsPort != "443" {
			host = net.JoinHostPort(host, httpsPort)
		}
		http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusMovedPermanently)
	})
}

// certFiles serves a certificate from files and loads it again when they
// change (a renewal), looking at most once a second; a renewal that does not
// load keeps the certificate in use and is logged.
type certFiles struct {
	cert, key string
	log       *slog.Logger
	now       func() time.Time

	mu      sync.Mutex
	current *tls.Certificate
	stamp   string    // the files' sizes and times when loaded
	looked  time.Time // when the files were last looked at
}

func (f *certFiles) stampNow() (string, error) {
	var stamp string
	for _, name := range []string{f.cert, f.key} {
		st, err := os.Stat(name)
		if err != nil {
			return "", err
		}
		stamp += fmt.Sprintf("%d/%d;", st.Size(), st.ModTime().UnixNano())
	}
	return stamp, nil
}

// load reads the files; the caller holds mu or is alone.
func (f *certFiles) load() error {
	stamp, err := f.stampNow()
	if err != nil {
		return fmt.Errorf("--tls-cert/--tls-key: %w", err)
	}
	c, err := tls.LoadX509KeyPair(f.cert, f.key)
	if err != nil {
		return fmt.Errorf("--tls-cert/--tls-key: %w", err)
	}
	f.current, f.stamp, f.looked = &c, stamp, f.now()
	return nil
}

func (f *certFiles) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if now := f.now(); now.Sub(f.looked) >= time.Second {
		f.looked = now
		if stamp, err := f.stampNow(); err == nil && stamp != f.stamp {
			old := f.current
			if err := f.load(); err != nil {
				f.current = old
				f.stamp = stamp // do not retry a bad pair on every handshake
				f.log.Error("renewed certificate not loaded; serving the previous one", "err", err)
			} else {
				f.log.Info("certificate loaded again", "file", f.cert)
			}
		}
	}
	return f.current, nil
}
