package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"

	"ballot/internal/demo"
	"ballot/internal/storage"
)

// The demo path of the binary: `ballot demo` is `ballot serve` on a demo
// database (storage/demo.go), seeded at its first run and printing its
// guide at every run; `--reset` starts over. It never seeds, resets or
// marks a database that is not a demo one.

// prepareDemo refuses, before the database is opened (and after the server
// listens, so that a taken port changes nothing), a database at db that is
// not a demo one; with reset it deletes the demo database first.
func prepareDemo(db string, reset bool, stdout io.Writer) error {
	if reset {
		if _, err := os.Stat(db); errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err := storage.RemoveDemo(db); err != nil {
			return fmt.Errorf("--reset: %w", err)
		}
		fmt.Fprintf(stdout, "--reset: deleted the demo database %s; seeding a new one.\n", db)
		return nil
	}
	isDemo, err := storage.IsDemoFile(db)
	if err != nil {
		return err
	}
	if _, statErr := os.Stat(db); statErr == nil && !isDemo {
		return fmt.Errorf("%s is not a demo database (ballot serve made it), and ballot demo leaves it as it is: give another --db, or run ballot serve on it", db)
	}
	return nil
}

// seedDemo seeds the demo database, or reads again the guide of one seeded
// before; the guide is printed once the server listens.
func (m *Main) seedDemo(admin demo.Admin) error {
	g, err := demo.Seed(m.svc, admin)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	m.guide = g
	return nil
}

// sayDemo prints the demo's guide; a demo database served by `ballot
// serve` is said to be one.
func (m *Main) sayDemo() error {
	switch {
	case m.guide != nil:
		return m.guide.Write(m.Stdout, m.DBPath, m.browserURL()+"/console", m.PublicURL)
	case m.store.Demo():
		fmt.Fprintf(m.Stdout, "NOTE: %s is a demo database (made by ballot demo): it keeps its codes, one-time passwords and the\n"+
			"  counting committee's key in clear. Never use it for a real round.\n", m.DBPath)
	}
	return nil
}

// hostURL is the server's URL, an address listening on every network
// written as host.
func (m *Main) hostURL(host string) string {
	u, err := url.Parse(m.URL())
	if err != nil {
		return m.URL()
	}
	if a, err := netip.ParseAddr(u.Hostname()); err == nil && a.IsUnspecified() {
		u.Host = net.JoinHostPort(host, u.Port())
	}
	return u.String()
}

// browserURL is the server's address as a browser on this computer
// reaches it.
func (m *Main) browserURL() string { return m.hostURL("localhost") }

// demoPublicURL is the participants' address a demo prints on its slips
// when none is given: where it listens, and for an address listening on
// every network this computer's first network address, so that a phone on
// the same network can open it.
func (m *Main) demoPublicURL() string {
	host := "localhost"
	if ip := networkAddress(); ip.IsValid() {
		host = ip.String()
	}
	return m.hostURL(host)
}

// networkAddress is this computer's first IPv4 address on a network that
// is up, not loopback; invalid if there is none.
func networkAddress() netip.Addr {
	ifaces, err := net.Interfaces()
	if err != nil {
		return netip.Addr{}
	}
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if p, err := netip.ParsePrefix(a.String()); err == nil && p.Addr().Is4() && !p.Addr().IsLinkLocalUnicast() {
				return p.Addr()
			}
		}
	}
	return netip.Addr{}
}
