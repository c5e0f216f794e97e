package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"ballot/internal/demo"
	"ballot/internal/server"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// Main is the running server. Tests start it directly, without flags.
type Main struct {
	DBPath string
	Addr   string
	// Now is the clock (tests inject one); default time.Now.
	Now func() time.Time
	// ScheduleEvery is how often the schedule is applied; default 1s.
	ScheduleEvery time.Duration
	Stdout        io.Writer
	Log           *slog.Logger
	// Demo seeds a demo round into an empty database.
	Demo bool
	// TrustedProxies name reverse proxies whose X-Forwarded-For is believed.
	TrustedProxies []string
	// PublicURL is the participants' address printed on slips.
	PublicURL string

	store  *storage.Store
	svc    *service.Service
	srv    *server.Server
	ln     net.Listener
	cancel context.CancelFunc
	done   chan struct{}
}

// Open opens the database, creates the first admin on an empty one, applies
// any scheduled change missed while down, and starts listening.
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
	store, err := storage.Open(m.DBPath, storage.Options{})
	if err != nil {
		return err
	}
	m.store = store
	m.svc = service.New(store, service.Options{Now: m.Now, Log: m.Log})
	password, token, created, err := m.svc.Bootstrap()
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(m.Stdout, "First start: created the user \"admin\".\n  one-time password: %s\n  API token:         %s\nKeep both; they are not shown again.\n", password, token)
	}
	if m.Demo {
		if err := demo.Seed(m.svc, m.Stdout); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	if err := m.svc.ApplySchedule(); err != nil {
		m.Log.Warn("schedule at start", "err", err)
	}
	m.srv = server.New(m.svc, server.Config{Log: m.Log, TrustedProxies: m.TrustedProxies, PublicURL: m.PublicURL})
	if m.ln, err = net.Listen("tcp", m.Addr); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel, m.done = cancel, make(chan struct{})
	go m.svc.RunSchedule(ctx, m.ScheduleEvery)
	go func() {
		defer close(m.done)
		if err := m.srv.App.Listener(m.ln); err != nil {
			m.Log.Error("server stopped", "err", err)
		}
	}()
	fmt.Fprintf(m.Stdout, "ballot listening on http://%s (database %s)\n", m.ln.Addr(), m.DBPath)
	return nil
}

// URL is the server's base URL.
func (m *Main) URL() string { return "http://" + m.ln.Addr().String() }

// Service is the running service.
func (m *Main) Service() *service.Service { return m.svc }

// Close stops the server and closes the database.
func (m *Main) Close() error {
	var errs []error
	if m.cancel != nil {
		m.cancel()
	}
	if m.srv != nil {
		errs = append(errs, m.srv.App.ShutdownWithTimeout(10*time.Second))
		// Shutdown only closes a listener that Serve has registered; one
		// still starting would serve on, so close it here too.
		m.ln.Close()
		<-m.done
	}
	if m.store != nil {
		errs = append(errs, m.store.Close())
	}
	return errors.Join(errs...)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, isDemo bool) error {
	name, defDB := "serve", "./ballot.db"
	if isDemo {
		name, defDB = "demo", "./ballot-demo.db"
	}
	fs := newFlags(name, stderr)
	db := fs.String("db", envOr("BALLOT_DB", defDB), "database file")
	addr := fs.String("addr", envOr("BALLOT_ADDR", "127.0.0.1:8080"), "listen address")
	public := fs.String("public-url", envOr("BALLOT_PUBLIC_URL", ""), "the participants' address, printed in the QR codes of slips; without it no slips are printed (the demo uses http://ADDR)")
	profile := fs.String("pprof", envOr("BALLOT_PPROF", ""), "serve Go's profiles (net/http/pprof) on this address, e.g. 127.0.0.1:6060 (default: off)")
	proxies := fs.String("trusted-proxy", envOr("BALLOT_TRUSTED_PROXY", ""), "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For names the client")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if isDemo && *public == "" {
		*public = "http://" + *addr
	}
	m := &Main{DBPath: *db, Addr: *addr, Stdout: stdout, Demo: isDemo,
		Log: slog.New(slog.NewJSONHandler(stderr, nil)), PublicURL: *public}
	for _, p := range strings.Split(*proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			m.TrustedProxies = append(m.TrustedProxies, p)
		}
	}
	if err := m.Open(); err != nil {
		m.Close()
		return err
	}
	if *profile != "" {
		stop, err := serveProfiles(*profile, stdout)
		if err != nil {
			m.Close()
			return err
		}
		defer stop()
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, "shutting down")
	return m.Close()
}
