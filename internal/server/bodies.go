package server

import (
	"io"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"ballot/internal/apperr"
)

// Request bodies (docs/design.md §3.11). fasthttp streams them
// (StreamRequestBody): before any handler runs it has read at most prefetch
// bytes of one. Each route then takes its body whole, up to its own limit, only
// after its access check — no byte of a signed-in route's body is read for a
// client without credentials — and a body beyond the prefetch holds its size
// from a byte budget while it is read and handled. A body over the limit is
// refused by its Content-Length before it is read; one without a Content-Length
// (chunked) is refused.
const (
	prefetch = 8 << 10
	// pageBallotBody is ballotBody for the ballot page's form post, whose
	// URL encoding takes up to three times the bytes of the JSON.
	pageBallotBody = 3 * ballotBody
	// uploadBody is a file of MaxBody in a console form with its fields.
	uploadBody = MaxBody + smallBody
	// publicBudget bounds the bodies held at once on routes anyone may
	// call; signedBudget those of signed-in users (two whole uploads).
	publicBudget = 16 << 20
	signedBudget = 2 * uploadBody
	// bodyWait is how long a body waits for budget before busy.
	bodyWait = 2 * time.Second
)

// bodyLimits are the routes that take more than smallBody.
var bodyLimits = map[string]int{
	"POST /ballot":                          pageBallotBody,
	"POST /api/v1/ballots":                  ballotBody,
	"POST /api/v1/rounds/:rid/forms":        formBody,
	"POST /api/v1/rounds/:rid/units":        MaxBody,
	"POST /api/v1/rounds/:rid/ratings":      MaxBody,
	"POST /console/rounds/:rid/forms":       formBody + smallBody,
	"POST /console/rounds/:rid/units":       uploadBody,
	"POST /console/rounds/:rid/ratings":     uploadBody,
	"POST /console/rounds/:rid/batches.csv": uploadBody,
	"POST /api/v1/rounds/:rid/results":      uploadBody,
	"POST /console/rounds/:rid/results":     uploadBody,
}

// bodyLimit is the most a route's body may hold.
func bodyLimit(method, path string) int {
	if n, ok := bodyLimits[method+" "+path]; ok {
		return n
	}
	return smallBody
}

// bodies are the two budgets: clients without credentials never hold up an
// admin's import, nor the reverse.
type bodies struct{ public, signed *budget }

func newBodies() bodies {
	return bodies{public: &budget{free: publicBudget}, signed: &budget{free: signedBudget}}
}

// takeBody is the handler that reads a route's body before the next one.
func takeBody(limit int, b *budget) fiber.Handler {
	return func(c *fiber.Ctx) error {
		release, err := readBody(c, limit, b)
		if err != nil {
			return err
		}
		defer release()
		return c.Next()
	}
}

// readBody reads the request's body whole, up to limit bytes, and puts it
// back into the request, so handlers read it as usual (c.Body, form values,
// files). release gives its budget back.
func readBody(c *fiber.Ctx, limit int, b *budget) (release func(), err error) {
	req := c.Request()
	refuse := func(err error) (func(), error) {
		dropBody(c)
		return nil, err
	}
	// Compressed bodies would be inflated whole, past every limit here.
	if enc := string(req.Header.Peek(fiber.HeaderContentEncoding)); enc != "" && !strings.EqualFold(enc, "identity") {
		return refuse(apperr.New(apperr.Invalid, "body.encoding"))
	}
	stream := req.BodyStream()
	if stream == nil {
		return func() {}, nil
	}
	n := req.Header.ContentLength()
	if n < 0 {
		// Chunked: fasthttp's stream ends alike at the last chunk and when
		// the client stops between two, so a body cut short would pass for
		// a whole one (half an import imported). Browsers, proxies and
		// HTTP clients send a Content-Length for bodies like ours.
		return refuse(apperr.New(apperr.Invalid, "body.length_required"))
	}
	if n > limit {
		return refuse(apperr.New(apperr.Invalid, "body.too_large", limit))
	}
	held := 0
	if n > prefetch {
		if !b.take(n, bodyWait) {
			e := apperr.New(apperr.Busy, "body.busy")
			e.RetryAfter = time.Second
			return refuse(e)
		}
		held = n
	}
	release = func() { b.give(held) }
	body := make([]byte, n)
	if _, err := io.ReadFull(stream, body); err != nil {
		release()
		return refuse(apperr.New(apperr.Invalid, "body.bad"))
	}
	req.SetBodyRaw(body)
	return release, nil
}

// dropBody discards what is unread of a request's body, so nothing after
// (an error page reading form values) reads it, and ends the connection
// after the answer when the body was not all read ahead: the connection is
// positioned inside it.
func dropBody(c *fiber.Ctx) {
	req := c.Request()
	if req.BodyStream() == nil {
		return
	}
	if n := req.Header.ContentLength(); n < 0 || n > prefetch {
		c.Context().SetConnectionClose()
	}
	req.ResetBody()
}

// dropUnread runs first on every request: a body no route took (no such
// route, or refused before its body was read) is dropped.
func dropUnread(c *fiber.Ctx) error {
	err := c.Next()
	dropBody(c)
	return err
}

// postedValue is a field of the posted form — urlencoded or multipart —
// never of the query string, which lands in logs, histories and Referer
// headers.
func postedValue(c *fiber.Ctx, key string) string {
	if v := c.Request().PostArgs().Peek(key); v != nil {
		return string(v)
	}
	if f, err := c.MultipartForm(); err == nil {
		if vs := f.Value[key]; len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// budget is a count of bytes that bodies hold while they are read and
// handled.
type budget struct {
	mu    sync.Mutex
	free  int
	freed notice
}

// take waits up to wait for n bytes and reports whether it got them.
func (b *budget) take(n int, wait time.Duration) bool {
	deadline := time.Now().Add(wait)
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.free < n {
		if !b.freed.wait(&b.mu, deadline) {
			return false
		}
	}
	b.free -= n
	return true
}

// give returns n bytes.
func (b *budget) give(n int) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	b.free += n
	b.freed.broadcast()
	b.mu.Unlock()
}

// notice lets goroutines wait, with a deadline, for a change made under a
// mutex.
type notice struct{ ch chan struct{} }

// wait unlocks mu, waits for the next broadcast or the deadline, and locks
// mu again; it reports false, without waiting, once the deadline is past.
func (n *notice) wait(mu *sync.Mutex, deadline time.Time) bool {
	left := time.Until(deadline)
	if left <= 0 {
		return false
	}
	if n.ch == nil {
		n.ch = make(chan struct{})
	}
	ch := n.ch
	mu.Unlock()
	timer := time.NewTimer(left)
	select {
	case <-ch:
	case <-timer.C:
	}
	timer.Stop()
	mu.Lock()
	return true
}

// broadcast wakes every waiter; call it with the mutex held.
func (n *notice) broadcast() {
	if n.ch != nil {
		close(n.ch)
		n.ch = nil
	}
}
