// Package server is ballot's HTTP face on Fiber (participants' pages, the
// console, the JSON API): an access rule on every route, one mapping of
// error codes to statuses, logs without bodies, codes or client addresses.
package server

import (
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"ballot/internal/auth"
	"ballot/internal/result"
	"ballot/internal/rounds"
	"ballot/internal/service"
)

// Body limits of the routes (bodies.go has the rest): MaxBody is the
// largest, an import of 100,000 units or ratings.
const (
	MaxBody   = 32 << 20
	smallBody = 64 << 10
	formBody  = 1 << 20
	// maxConns bounds the connections served at once (about 12 KB each
	// while a request is being read); beyond it fasthttp answers 503 at
	// once. Phones keep one or two each, idle ones until idleTimeout.
	maxConns     = 4096
	readTimeout  = 30 * time.Second
	writeTimeout = 60 * time.Second
	idleTimeout  = 120 * time.Second
)

// Config configures a Server.
type Config struct {
	Log *slog.Logger
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (and X-Forwarded-Proto the scheme); without them the peer
	// address does (ParseProxies reads them).
	TrustedProxies []netip.Prefix
	// TLS says the server is reached over HTTPS on its own listener: it
	// then sends HSTS.
	TLS bool
	// GuessLimit unknown codes per client and GuessWindow (defaults 30 per
	// 10 minutes); Now is the throttles' clock.
	GuessLimit  int
	GuessWindow time.Duration
	Now         func() time.Time
	// Clients bounds the clients each throttle remembers (default
	// DefaultClients).
	Clients int
	// PublicURL is the participants' address printed on slips; without it
	// no slips are made (a request's Host header is not to be trusted).
	PublicURL string
	// Lifecycle is the round state table the console asks what to offer
	// (default rounds.StandardLifecycle; tests pass a changed copy).
	Lifecycle rounds.Lifecycle
	// ReadTimeout bounds reading one request, so slow clients cannot hold
	// connections (default 30 s).
	ReadTimeout time.Duration
	// ParentLifecycle is the state table of parent rounds the console asks
	// (default rounds.ParentLifecycle).
	ParentLifecycle rounds.Lifecycle
	// SigningKey signs this instance's results for a parent (serve
	// --signing-key); without it none are signed.
	SigningKey *result.SigningKey
}

// Server is the HTTP application.
type Server struct {
	App     *fiber.App
	svc     *service.Service
	log     *slog.Logger
	rules   map[string]Access
	guesses *throttle
	// signins counts failed sign-ins per client (any user name) and per
	// user and client, so nobody can lock a user out from elsewhere.
	signins, signinsOfUser *throttle
	bodies                 bodies
	publicURL              string
	proxies                proxies
	tls                    bool
	lifecycle              rounds.Lifecycle
	parentLifecycle        rounds.Lifecycle
	signingKey             *result.SigningKey
	// quiet holds Serve's connections that have sent nothing yet.
	quiet atomic.Pointer[quietListener]
}

// New builds the application over svc.
func New(svc *service.Service, cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = readTimeout
	}
	if cfg.Lifecycle == nil {
		cfg.Lifecycle = rounds.StandardLifecycle()
	}
	if cfg.ParentLifecycle == nil {
		cfg.ParentLifecycle = rounds.ParentLifecycle()
	}
	s := &Server{svc: svc, log: cfg.Log, rules: map[string]Access{}, publicURL: strings.TrimRight(cfg.PublicURL, "/"),
		proxies: cfg.TrustedProxies, tls: cfg.TLS, lifecycle: cfg.Lifecycle, parentLifecycle: cfg.ParentLifecycle, signingKey: cfg.SigningKey,
		guesses: newThrottle(cfg.GuessLimit, cfg.GuessWindow, cfg.Clients, cfg.Now), bodies: newBodies()}
	s.signins, s.signinsOfUser = newSigninThrottles(cfg.Clients, cfg.Now)
	fc := fiber.Config{
		AppName: "ballot",
		// Bodies stream: fasthttp reads ahead at most prefetch bytes, and
		// each route takes its own (bodies.go). Multipart forms are parsed
		// only from a body a route has taken.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		BodyLimit:                    prefetch,
		Concurrency:                  maxConns,
		ReadTimeout:                  cfg.ReadTimeout,
		WriteTimeout:                 writeTimeout,
		IdleTimeout:                  idleTimeout,
		DisableStartupMessage:        true,
		ErrorHandler:                 s.handleError,
		// Never Prefork: bbolt holds an exclusive lock on the file.
	}
	// Fiber believes X-Forwarded-Proto and -Host only from trusted proxies
	// (none by default); the client's address is s.client's.
	fc.EnableTrustedProxyCheck = true
	for _, p := range cfg.TrustedProxies {
		fc.TrustedProxies = append(fc.TrustedProxies, p.String())
	}
	s.App = fiber.New(fc)
	// A panic anywhere answers 500 and is logged; it never stops the server.
	s.App.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
		s.log.Error("panic", "route", c.Route().Path, "panic", fmt.Sprint(e))
	}}))
	s.App.Use(dropUnread, s.accessLog, s.securityHeaders)
	s.routes()
	return s
}

func (s *Server) routes() {
	anyone := Access{Public: true}
	admin := Roles(auth.Admin)
	readers := Roles(auth.Admin, auth.Authority, auth.Committee)

	s.handle("GET", "/healthz", anyone, s.healthz)

	// Participant pages: no cookies, no-store, same-origin posts only.
	s.handle("GET", "/", anyone, s.entryPage)
	s.handle("POST", "/", anyone, s.enterCode)
	s.handle("POST", "/ballot", anyone, s.submitBallot)
	s.handle("GET", "/receipt", anyone, s.checkReceipt)
	s.handle("GET", "/static/:name", anyone, s.static)

	// Console: pages for admins, committees and authorities.
	everyone := Console(auth.Admin, auth.Committee, auth.Authority)
	s.handle("GET", "/console/login", anyone, s.loginPage)
	s.handle("POST", "/console/login", anyone, s.login)
	s.handle("POST", "/console/logout", everyone, s.logout)
	s.handle("GET", "/console/password", everyone, s.passwordPage)
	s.handle("POST", "/console/password", everyone, s.changePassword)
	s.handle("GET", "/console", everyone, s.consoleHome)
	consoleAdmin := Console(auth.Admin)
	s.handle("GET", "/console/rounds/new", consoleAdmin, s.newRoundPage)
	s.handle("POST", "/console/rounds", consoleAdmin, s.consoleCreateRound)
	s.handle("GET", "/console/rounds/:rid", everyone, s.consoleRound)
	s.handle("POST", "/console/rounds/:rid/forms", consoleAdmin, s.consoleAddForm)
	s.handle("POST", "/console/rounds/:rid/units", consoleAdmin, s.consoleImportUnits)
	s.handle("POST", "/console/rounds/:rid/key", Console(auth.Admin, auth.Committee), s.consoleSetKey)
	s.handle("GET", "/console/rounds/:rid/forms/:fid/preview", everyone, s.formPreview)
	s.handle("POST", "/console/rounds/:rid/schedule", consoleAdmin, s.consoleSchedule)
	s.handle("GET", "/console/rounds/:rid/open", consoleAdmin, s.openConfirm)
	s.handle("POST", "/console/rounds/:rid/open", consoleAdmin, s.consoleOpen)
	s.handle("GET", "/console/rounds/:rid/close", consoleAdmin, s.closeConfirm)
	s.handle("POST", "/console/rounds/:rid/close", consoleAdmin, s.consoleClose)
	s.handle("GET", "/console/rounds/:rid/units.json", everyone, s.consoleFindUnits)
	consoleReaders := Console(auth.Admin, auth.Authority)
	s.handle("GET", "/console/rounds/:rid/turnout", consoleReaders, s.turnoutPage)
	s.handle("GET", "/console/rounds/:rid/turnout.json", consoleReaders, s.consoleTurnout)
	s.handle("GET", "/console/rounds/:rid/codes", consoleAdmin, s.codesPage)
	s.handle("GET", "/console/rounds/:rid/plan", consoleAdmin, s.planPage)
	s.handle("POST", "/console/rounds/:rid/plan", consoleAdmin, s.consolePlan)
	s.handle("POST", "/console/rounds/:rid/batches.csv", consoleAdmin, s.consoleBatchesCSV)
	s.handle("GET", "/console/rounds/:rid/slips", consoleAdmin, s.consoleSlips)
	s.handle("GET", "/console/rounds/:rid/batches/:bid/revoke", consoleAdmin, s.revokeConfirm)
	s.handle("GET", "/console/rounds/:rid/batches/:bid/:format", consoleAdmin, s.consoleBatchCodes)
	s.handle("POST", "/console/rounds/:rid/batches/:bid/revoke", consoleAdmin, s.consoleRevokeBatch)
	s.handle("POST", "/console/rounds/:rid/codes/revoke", consoleAdmin, s.consoleRevokeCode)
	consoleAuthority := Console(auth.Authority)
	s.handle("GET", "/console/rounds/:rid/ratings", consoleAuthority, s.consoleRatings)
	s.handle("POST", "/console/rounds/:rid/ratings", consoleAuthority, s.consoleImportRatings)
	s.handle("POST", "/console/rounds/:rid/ratings/:unit", consoleAuthority, s.consoleRateSheet)
	s.handle("POST", "/console/rounds/:rid/final", consoleAuthority, s.consoleFinal)
	s.handle("POST", "/console/rounds/:rid/caps", consoleAuthority, s.consoleCap)
	s.handle("GET", "/console/rounds/:rid/count", Console(auth.Admin, auth.Committee), s.countPage)
	s.handle("POST", "/console/rounds/:rid/count", Console(auth.Admin, auth.Committee), s.consoleCount)
	s.handle("GET", "/console/rounds/:rid/verify", Console(auth.Admin, auth.Committee), s.verifyPage)
	s.handle("POST", "/console/rounds/:rid/verify", Console(auth.Admin, auth.Committee), s.consoleVerify)
	s.handle("GET", "/console/rounds/:rid/minutes", everyone, s.minutes)
	s.handle("GET", "/console/rounds/:rid/receipts", everyone, s.consoleReceipts)
	s.handle("GET", "/console/rounds/:rid/documents", Console(auth.Admin, auth.Authority), s.consoleDocuments)
	s.handle("POST", "/console/rounds/:rid/documents", consoleAdmin, s.consoleSetDocuments)
	s.handle("POST", "/console/rounds/:rid/signers", consoleAdmin, s.consoleSetSigner)
	s.handle("POST", "/console/rounds/:rid/results", consoleAdmin, s.consoleImportResult)
	s.handle("GET", "/console/rounds/:rid/demo-codes", consoleAdmin, s.demoCodesPage)
	s.handle("GET", "/console/rounds/:rid/demo-codes/slips", consoleAdmin, s.demoCodesSlips)
	s.handle("GET", "/console/rounds/:rid/:file", consoleReaders, s.consoleFile)
	s.handle("GET", "/console/audit", consoleAdmin, s.auditPage)
	s.handle("GET", "/console/users", consoleAdmin, s.consoleUsers)
	s.handle("POST", "/console/users", consoleAdmin, s.consoleAddUser)
	s.handle("POST", "/console/users/:name/:action", consoleAdmin, s.consoleUserAction)

	s.handle("POST", "/api/v1/rounds", admin, s.createRound)
	s.handle("GET", "/api/v1/rounds", readers, s.listRounds)
	s.handle("GET", "/api/v1/rounds/:rid", readers, s.getRound)
	s.handle("PATCH", "/api/v1/rounds/:rid", admin, s.patchRound)
	s.handle("PUT", "/api/v1/rounds/:rid/key", Roles(auth.Admin, auth.Committee), s.setKey)
	s.handle("POST", "/api/v1/rounds/:rid/forms", admin, s.addForm)
	s.handle("GET", "/api/v1/rounds/:rid/forms/:fid", anyone, s.getForm)
	s.handle("POST", "/api/v1/rounds/:rid/units", admin, s.importUnits)
	s.handle("GET", "/api/v1/rounds/:rid/units", readers, s.listUnits)
	s.handle("POST", "/api/v1/rounds/:rid/open", admin, s.openRound)
	s.handle("POST", "/api/v1/rounds/:rid/close", admin, s.closeRound)
	s.handle("POST", "/api/v1/rounds/:rid/batches", admin, s.issueBatch)
	s.handle("GET", "/api/v1/rounds/:rid/batches", admin, s.listBatches)
	s.handle("GET", "/api/v1/rounds/:rid/batches/:bid/codes", admin, s.batchCodes)
	s.handle("POST", "/api/v1/rounds/:rid/batches/:bid/revoke", admin, s.revokeBatch)
	s.handle("POST", "/api/v1/rounds/:rid/codes/revoke", admin, s.revokeCode)
	s.handle("GET", "/api/v1/rounds/:rid/turnout", Roles(auth.Admin, auth.Authority), s.turnout)
	s.handle("POST", "/api/v1/rounds/:rid/count", Roles(auth.Admin, auth.Committee), s.count)
	s.handle("POST", "/api/v1/rounds/:rid/count/verify", Roles(auth.Admin, auth.Committee), s.verifyCount)
	s.handle("GET", "/api/v1/rounds/:rid/receipts", anyone, s.receipts)
	s.handle("GET", "/api/v1/rounds/:rid/tally", Roles(auth.Admin, auth.Authority), s.tally)
	authority := Roles(auth.Authority)
	s.handle("PUT", "/api/v1/rounds/:rid/ratings/:unit", authority, s.rate)
	s.handle("POST", "/api/v1/rounds/:rid/ratings", authority, s.importRatings)
	s.handle("PUT", "/api/v1/rounds/:rid/caps", authority, s.setCap)
	s.handle("POST", "/api/v1/rounds/:rid/report/final", authority, s.markFinal)
	s.handle("GET", "/api/v1/rounds/:rid/report", Roles(auth.Admin, auth.Authority), s.report)
	s.handle("GET", "/api/v1/rounds/:rid/minutes", Roles(auth.Admin, auth.Authority), s.minutes)
	s.handle("GET", "/api/v1/rounds/:rid/result", Roles(auth.Admin, auth.Authority), s.result)
	s.handle("GET", "/api/v1/rounds/:rid/results", Roles(auth.Admin, auth.Authority), s.listResults)
	s.handle("POST", "/api/v1/rounds/:rid/results", admin, s.importResult)
	s.handle("PUT", "/api/v1/rounds/:rid/signers/:unit", admin, s.setSigner)
	s.handle("POST", "/api/v1/ballots", anyone, s.submitBallots)
	s.handle("GET", "/api/v1/audit", admin, s.getAudit)
	s.handle("GET", "/api/v1/backup", admin, s.backup)
	s.handle("GET", "/api/v1/backup/keys", admin, s.backupKeys)
	s.handle("GET", "/metrics", admin, s.metricsHandler())
}

// securityHeaders applies to every response; served over TLS, browsers are
// told to come back only over HTTPS (HSTS).
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	if s.tls {
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000")
	}
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	return c.Next()
}

// accessLog logs method, route pattern, status and duration — never the
// path's values, the body, or the client's address (docs/design.md §3.3).
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		if fe, ok := err.(*fiber.Error); ok {
			status = fe.Code
		} else {
			status = statusOf(err)
		}
	}
	s.log.Info("http", "method", c.Method(), "route", c.Route().Path, "status", status,
		"ms", time.Since(start).Milliseconds())
	return err
}
