package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"ballot/internal/auth"
	"ballot/internal/demo"
	"ballot/internal/result"
	"ballot/internal/server"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// Main is the running server. Tests start it directly, without flags.
// Open starts its parts in order; Close stops them in the reverse order:
// the HTTP server (in-flight requests answered, within ShutdownTimeout),
// the service's jobs (schedule, backups), the intake (every queued
// submission answered), the store.
type Main struct {
	DBPath string
	Addr   string
	// Now is the clock (tests inject one); default time.Now.
	Now func() time.Time
	// ScheduleEvery is how often the schedule is applied; default 1s.
	ScheduleEvery time.Duration
	Stdout        io.Writer
	Log           *slog.Logger
	// Demo serves a demo database: a new one is seeded, one seeded before
	// has its guide printed again, any other is refused (demo.go).
	Demo bool
	// ResetDemo deletes the demo database first (a demo one only), once
	// the server listens.
	ResetDemo bool
	// TrustedProxies name reverse proxies whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// PublicURL is the participants' address printed on slips.
	PublicURL string
	// TLS, when enabled, serves HTTPS; RedirectHTTP then also listens on
	// plain HTTP there, answering ACME challenges and redirecting the rest.
	TLS          server.TLSOptions
	RedirectHTTP string
	// Backups, when Dir is set, are taken on a schedule.
	Backups service.BackupSchedule
	// ShutdownTimeout bounds how long Close waits for in-flight requests;
	// default 20s.
	ShutdownTimeout time.Duration
	// CommitteeKeyRequired: every new round's public key must be set by a
	// counting-committee user; no admin ever sees a private key.
	CommitteeKeyRequired bool
	// SigningKey signs this instance's results for a parent instance.
	SigningKey *result.SigningKey
	// PasswordCost, for tests only, hashes passwords lighter than the
	// server does (service.Options.PasswordCost); zero is passwordCost.
	PasswordCost auth.Cost

	ln, plainLn net.Listener
	tlsConfig   *tls.Config
	redirect    *http.Server
	store       *storage.Store
	svc         *service.Service
	srv         *server.Server
	served      chan struct{}
	guide       *demo.Guide
}

// Open listens first and checks the backup schedule — so that a taken port
// or a bad flag fails before anything is written — then opens the
// database, creates the first admin on an empty one, applies any scheduled
// change missed while down, starts the schedule and the backups, and
// serves.
func (m *Main) Open() error {
	if m.Stdout == nil {
		m.Stdout = io.Discard
	}
	if m.Log == nil {
		m.Log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if m.ScheduleEvery <= 0 {
		m.ScheduleEvery = time.Second
	}
	if m.ShutdownTimeout <= 0 {
		m.ShutdownTimeout = 20 * time.Second
	}
	if err := m.listen(); err != nil {
		return err
	}
	if m.Backups.Dir != "" {
		if err := m.Backups.Check(); err != nil {
			return err
		}
	}
	if m.Demo {
		if err := prepareDemo(m.DBPath, m.ResetDemo, m.Stdout); err != nil {
			return err
		}
	}
	store, err := storage.Open(m.DBPath, storage.Options{Demo: m.Demo})
	if err != nil {
		return err
	}
	m.store = store
	m.svc = service.New(store, service.Options{Now: m.Now, Log: m.Log, CommitteeKeyRequired: m.CommitteeKeyRequired,
		PasswordCost: cmp.Or(m.PasswordCost, passwordCost)})
	// An erasure a crash left owed is done before anything is served.
	if err := m.svc.Settle(); err != nil {
		m.Log.Error("erasure owed at start is not done yet; retried every minute", "err", err)
	}
	password, token, created, err := m.svc.Bootstrap()
	if err != nil {
		return err
	}
	if created && !m.Demo {
		fmt.Fprintf(m.Stdout, "First start: created the user \"admin\".\n  one-time password: %s\n  API token:         %s\nKeep both; they are not shown again.\n", password, token)
	}
	if m.Demo {
		if err := m.seedDemo(demo.Admin{Password: password, Token: token}); err != nil {
			return err
		}
	}
	if err := m.svc.ApplySchedule(); err != nil {
		m.Log.Warn("schedule at start", "err", err)
	}
	if err := m.svc.Intake().MakeKeys(); err != nil {
		return fmt.Errorf("data keys: %w", err)
	}
	m.svc.StartSchedule(m.ScheduleEvery)
	m.svc.StartSettling(time.Minute)
	if m.Backups.Dir != "" {
		if err := m.svc.StartBackups(m.Backups); err != nil {
			return err
		}
	}
	if m.Demo && m.PublicURL == "" {
		m.PublicURL = m.demoPublicURL()
	}
	m.srv = server.New(m.svc, server.Config{Log: m.Log, TrustedProxies: m.TrustedProxies, PublicURL: m.PublicURL, TLS: m.tlsConfig != nil, SigningKey: m.SigningKey})
	m.served = make(chan struct{})
	go func() {
		defer close(m.served)
		if err := m.srv.Serve(m.ln, m.tlsConfig); err != nil {
			m.Log.Error("server stopped", "err", err)
		}
	}()
	if m.redirect != nil {
		go m.redirect.Serve(m.plainLn)
	}
	fmt.Fprintf(m.Stdout, "ballot listening on %s (database %s)\n", m.URL(), m.DBPath)
	if m.redirect != nil {
		fmt.Fprintf(m.Stdout, "plain HTTP on %s redirects to HTTPS\n", m.plainLn.Addr())
	}
	if w := m.plainWarning(); w != "" {
		fmt.Fprintln(m.Stdout, w)
	}
	return m.sayDemo()
}

// listen opens the listeners and the TLS configuration; a failure is one
// clear line, before the database is touched.
func (m *Main) listen() error {
	if m.RedirectHTTP != "" && !m.TLS.Enabled() {
		return errors.New("--redirect-http needs --tls-cert/--tls-key or --acme-domain")
	}
	ln, err := net.Listen("tcp", m.Addr)
	if err != nil {
		return listenError(m.Addr, err)
	}
	m.ln = ln
	if m.RedirectHTTP != "" {
		if m.plainLn, err = net.Listen("tcp", m.RedirectHTTP); err != nil {
			return listenError(m.RedirectHTTP, err)
		}
	}
	if m.TLS.Enabled() {
		if m.TLS.ACMECache == "" {
			// next to the database, where its backups and unit files are
			m.TLS.ACMECache = filepath.Join(filepath.Dir(m.DBPath), "acme")
		}
		m.TLS.Log = m.Log
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		var redirect http.Handler
		if m.tlsConfig, redirect, err = m.TLS.Config(port); err != nil {
			return err
		}
		if m.plainLn != nil {
			m.redirect = &http.Server{Handler: redirect, ReadHeaderTimeout: 10 * time.Second}
		}
	}
	return nil
}

// listenError says in one line why an address cannot be listened on.
func listenError(addr string, err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	return fmt.Errorf("cannot listen on %s: %v", addr, err)
}

// plainWarning is what serve says when it serves plain HTTP to other
// machines with no TLS proxy in front: the console cannot sign in there.
func (m *Main) plainWarning() string {
	if m.tlsConfig != nil || len(m.TrustedProxies) > 0 {
		return ""
	}
	host, _, _ := net.SplitHostPort(m.ln.Addr().String())
	if a, err := netip.ParseAddr(host); err == nil && a.IsLoopback() {
		return ""
	}
	return "WARNING: serving plain HTTP on " + m.ln.Addr().String() + ". Participants' pages work, but the console needs HTTPS:\n" +
		"  browsers keep no sign-in over plain HTTP from another machine. Give --tls-cert and --tls-key (or\n" +
		"  --acme-domain), or put a TLS reverse proxy in front with --trusted-proxy (README: Running it for real)."
}

// URL is the server's base URL.
func (m *Main) URL() string {
	scheme := "http"
	if m.tlsConfig != nil {
		scheme = "https"
	}
	return scheme + "://" + m.ln.Addr().String()
}

// Service is the running service.
func (m *Main) Service() *service.Service { return m.svc }

// Close stops what Open started, in reverse order; it may be called after
// a failed Open.
func (m *Main) Close() error {
	var errs []error
	if m.srv != nil {
		if err := m.srv.Shutdown(m.ShutdownTimeout); err != nil {
			errs = append(errs, fmt.Errorf("requests still in flight after %s were not answered: %w", m.ShutdownTimeout, err))
		}
		// Shutdown only closes a listener that Serve has registered; one
		// still starting would serve on, so close it here too.
		m.ln.Close()
		<-m.served
	} else if m.ln != nil {
		m.ln.Close()
	}
	if m.redirect != nil {
		errs = append(errs, m.redirect.Close())
	} else if m.plainLn != nil {
		m.plainLn.Close()
	}
	if m.svc != nil {
		m.svc.Close()
	}
	if m.store != nil {
		errs = append(errs, m.store.Close())
	}
	return errors.Join(errs...)
}

func serveCmd(isDemo bool) func(context.Context, []string, io.Writer, io.Writer) error {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		return runServe(ctx, args, stdout, stderr, isDemo)
	}
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, isDemo bool) error {
	name, defDB := "serve", "./ballot.db"
	if isDemo {
		name, defDB = "demo", "./ballot-demo.db"
	}
	fs := newFlags(name, stdout, stderr, args)
	db := fs.String("db", envOr("BALLOT_DB", defDB), "database file")
	addr := fs.String("addr", envOr("BALLOT_ADDR", "127.0.0.1:8080"), "listen address; 0.0.0.0:443 serves every network (with TLS)")
	public := fs.String("public-url", envOr("BALLOT_PUBLIC_URL", ""), "the participants' address, printed in the QR codes of slips; without it no slips are printed (the demo uses http://ADDR, with this computer's network address for 0.0.0.0)")
	profile := fs.String("pprof", envOr("BALLOT_PPROF", ""), "serve Go's profiles (net/http/pprof) on this address, e.g. 127.0.0.1:6060 (default: off)")
	proxies := fs.String("trusted-proxy", envOr("BALLOT_TRUSTED_PROXY", ""), "comma-separated addresses or CIDR prefixes of reverse proxies whose X-Forwarded-For names the client")
	cert := fs.String("tls-cert", envOr("BALLOT_TLS_CERT", ""), "serve HTTPS with this certificate (PEM, full chain); a renewed file is picked up without restart")
	key := fs.String("tls-key", envOr("BALLOT_TLS_KEY", ""), "the certificate's private key (PEM)")
	acme := fs.String("acme-domain", envOr("BALLOT_ACME_DOMAIN", ""), "serve HTTPS with certificates from Let's Encrypt for these comma-separated names (the host must be reachable on port 443 or --redirect-http :80); cache in acme/ next to the database")
	acmeEmail := fs.String("acme-email", envOr("BALLOT_ACME_EMAIL", ""), "contact address for the ACME account (optional)")
	redirect := fs.String("redirect-http", envOr("BALLOT_REDIRECT_HTTP", ""), "also listen on plain HTTP here (e.g. :80), redirecting to HTTPS and answering ACME challenges")
	backupDir := fs.String("backup-dir", envOr("BALLOT_BACKUP_DIR", ""), "take scheduled backups into this folder (default: none)")
	backupEvery := fs.String("backup-every", envOr("BALLOT_BACKUP_EVERY", "1h"), "how often to take a scheduled backup")
	backupKeep := fs.String("backup-keep", envOr("BALLOT_BACKUP_KEEP", "48"), "how many scheduled backups to keep")
	committeeEnv := envOr("BALLOT_COMMITTEE_KEY_REQUIRED", "false")
	committeeDefault, committeeErr := strconv.ParseBool(committeeEnv)
	committeeKey := fs.Bool("committee-key-required", committeeDefault, "every new round's public key must be set by a counting-committee user (no admin sees a private key)")
	signing := fs.String("signing-key", envOr("BALLOT_SIGNING_KEY", ""), "sign results for a parent instance with this key file (ballot keygen --sign; default: none)")
	reset := new(bool)
	if isDemo {
		reset = fs.Bool("reset", false, "delete the demo database (a demo one only) and seed a new one")
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if committeeErr != nil {
		// a "yes" read as false would quietly let admins set round keys
		return fmt.Errorf("BALLOT_COMMITTEE_KEY_REQUIRED=%q: want true or false", committeeEnv)
	}
	m := &Main{DBPath: *db, Addr: *addr, Stdout: stdout, Demo: isDemo, ResetDemo: *reset,
		Log: slog.New(slog.NewJSONHandler(stderr, nil)), PublicURL: *public, RedirectHTTP: *redirect, CommitteeKeyRequired: *committeeKey,
		TLS: server.TLSOptions{CertFile: *cert, KeyFile: *key, ACMEEmail: *acmeEmail, ACMEDomains: splitList(*acme)}}
	var err error
	if m.TrustedProxies, err = server.ParseProxies(*proxies); err != nil {
		return err
	}
	if *signing != "" {
		if m.SigningKey, err = readSigningKey(*signing); err != nil {
			return err
		}
	}
	if *backupDir != "" {
		m.Backups.Dir = *backupDir
		if m.Backups.Every, err = time.ParseDuration(*backupEvery); err != nil {
			return fmt.Errorf("--backup-every: %w", err)
		}
		if m.Backups.Keep, err = strconv.Atoi(*backupKeep); err != nil {
			return fmt.Errorf("--backup-keep: %w", err)
		}
	}
	var profiles net.Addr
	if *profile != "" {
		// listened on before the database is opened, like the service
		var stop func()
		if profiles, stop, err = serveProfiles(*profile); err != nil {
			return err
		}
		defer stop()
	}
	if err := m.Open(); err != nil {
		m.Close()
		return err
	}
	if profiles != nil {
		fmt.Fprintf(stdout, "profiles on http://%s/debug/pprof/\n", profiles)
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, "shutting down")
	return m.Close()
}

// splitList splits a comma-separated flag value, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
