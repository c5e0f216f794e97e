package server

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ParseProxies reads --trusted-proxy: comma-separated addresses or CIDR
// prefixes of reverse proxies. A bad entry is an error, never ignored: a
// typo would put every participant behind the proxy in one guessing bucket.
func ParseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			if p != p.Masked() {
				return nil, fmt.Errorf("--trusted-proxy %q: host bits set (did you mean %s?)", s, p.Masked())
			}
			out = append(out, p)
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxy %q is neither an IP address nor a CIDR prefix", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// proxies are the trusted reverse proxies.
type proxies []netip.Prefix

func (ps proxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peer is the address of the connection's other end.
func peer(c *fiber.Ctx) netip.Addr {
	a, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	return a.Unmap()
}

// client is the address a request comes from: the peer's, or — when the
// peer is a trusted proxy — the last address in X-Forwarded-For that is
// not a trusted proxy, so a client cannot choose its own address by
// sending the header itself (a proxy appends to what it received).
func (s *Server) client(c *fiber.Ctx) string {
	a := peer(c)
	if !s.proxies.trusts(a) {
		return a.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a proxy wrote nothing usable: the proxy is the client
		}
		a = h.Unmap()
		if !s.proxies.trusts(a) {
			break
		}
	}
	return a.String()
}

// secure reports whether the browser reached us over HTTPS: on our own TLS
// listener, or through a trusted proxy that says so.
func (s *Server) secure(c *fiber.Ctx) bool {
	if c.Context().IsTLS() {
		return true
	}
	return s.proxies.trusts(peer(c)) && strings.EqualFold(c.Get(fiber.HeaderXForwardedProto), "https")
}

// localHost reports whether the browser addressed us as this machine, where
// browsers keep Secure cookies over plain HTTP too.
func localHost(c *fiber.Ctx) bool {
	host := string(c.Request().Host())
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}
