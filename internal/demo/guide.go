package demo

import (
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/i18n"
	"ballot/internal/rounds"
	"ballot/internal/service"
)

// guideRecord names the guide among the demo's records.
const guideRecord = "guide"

// Guide is what `ballot demo` prints: where the console is, who signs in
// with which one-time password, codes to vote with, the counting
// committee's key, and three things to try. It is kept in the demo
// database (which keeps what a real one never does) and printed again on
// every run, with what can no longer be used said so: a password changed
// since, a token revoked, codes used, a round closed or counted.
type Guide struct {
	MadeAt   time.Time   `json:"made_at"`
	LastYear string      `json:"last_year"`
	ThisYear string      `json:"this_year"`
	Users    []GuideUser `json:"users"`
	// Token is the first admin's API token.
	Token string `json:"token"`
	// Key is this year's round's private key, the counting committee's.
	Key   string      `json:"key"`
	Codes []GuideCode `json:"codes"`

	// again: the guide was made by an earlier run. The rest is found when
	// it is read (refresh).
	again        bool
	tokenKept    bool
	years        [2]rounds.Round
	units        int
	issued, used int
	names        map[string]string
}

// GuideUser is a user the demo made, with its one-time password and the
// hash it was stored under (which tells whether it is still the one).
type GuideUser struct {
	Name     string    `json:"name"`
	Role     auth.Role `json:"role"`
	Unit     string    `json:"unit,omitempty"`
	Password string    `json:"password"`
	Hash     string    `json:"hash"`
	// Kept: the password is still the one-time one.
	Kept bool `json:"-"`
}

// GuideCode is a code the guide prints, with the targets it rates.
type GuideCode struct {
	Code    string   `json:"code"`
	Targets []string `json:"targets"`
	// Status is "" while it can vote, else why not: "used", "closed"
	// (the round), "gone" (revoked, or counted).
	Status string `json:"-"`
}

// refresh finds what of the guide still holds.
func (g *Guide) refresh(svc *service.Service) error {
	for i, id := range []string{g.LastYear, g.ThisYear} {
		r, err := svc.Round(id)
		if err != nil {
			return err
		}
		g.years[i] = *r
	}
	tree, err := svc.Tree(g.ThisYear)
	if err != nil {
		return err
	}
	g.units = len(tree.Units())
	g.names = map[string]string{}
	for _, u := range tree.Units() {
		g.names[u.ID] = u.Name
	}
	bs, err := svc.Batches(g.ThisYear)
	if err != nil {
		return err
	}
	g.issued, g.used = 0, 0
	for _, b := range bs {
		g.issued, g.used = g.issued+b.Count, g.used+b.Used
	}
	for i := range g.Users {
		u := &g.Users[i]
		su, err := storedUser(svc, u.Name)
		u.Kept = err == nil && !su.Disabled && su.MustChange && su.PasswordHash == u.Hash
	}
	_, err = svc.Authenticate(g.Token)
	g.tokenKept = err == nil
	for i := range g.Codes {
		c := &g.Codes[i]
		_, err := svc.Prepare(c.Code, "")
		switch {
		case err == nil:
			c.Status = ""
		case apperr.Is(err, apperr.AccessCodeUsed):
			c.Status = "used"
		case apperr.Is(err, apperr.RoundClosed):
			c.Status = "closed"
		default:
			c.Status = "gone"
		}
	}
	return nil
}

// Write prints the guide, in lines of at most 100 columns. console is the
// console's address as this computer's browser reaches it, participants
// the participants' page.
func (g *Guide) Write(w io.Writer, db, console, participants string) error {
	var b strings.Builder
	last, this := g.years[0], g.years[1]
	label := func(key string) string {
		return together(fmt.Sprintf("%q (%s)", i18n.M(key).In(i18n.VI), i18n.M(key).In(i18n.EN)))
	}
	say := func(indent string, format string, args ...any) { wrap(&b, indent, fmt.Sprintf(format, args...)) }
	b.WriteString("\n")
	say("", "%s is a demo database: it keeps its codes, one-time passwords and the counting committee's key in clear. Never use it for a real round.", db)
	if g.again {
		say("", "It was made at %s by an earlier `ballot demo`; here is its guide again (`ballot demo --reset` starts over).",
			i18n.Time(g.MadeAt).In(i18n.EN))
	}
	fmt.Fprintf(&b, "\nTwo rounds over the province of Gia Lai (%s units):\n", i18n.Int(g.units, i18n.EN))
	fmt.Fprintf(&b, "  %d  %s\n        counted, rated and final: its report is the province's published one\n", last.Year, last.Title)
	now := map[rounds.State]string{
		rounds.Open:    fmt.Sprintf("open for ballots: %s codes, %s used", i18n.Int(g.issued, i18n.EN), i18n.Int(g.used, i18n.EN)),
		rounds.Closed:  "closed, waiting for its count (step 2)",
		rounds.Counted: "counted: to rate, and its report to download (step 3)",
	}[this.State]
	fmt.Fprintf(&b, "  %d  %s\n        %s\n", this.Year, this.Title, now)
	fmt.Fprintf(&b, "\nConsole (in a browser on this computer): %s\nParticipants' page:                      %s\n", console, participants)

	b.WriteString("\nSign in to the console as (each user chooses its own password at its first sign-in):\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, u := range g.Users {
		who := roleName(u.Role)
		if u.Unit != "" {
			who += " of " + g.names[u.Unit]
		}
		pw := "one-time password: " + u.Password
		if !u.Kept {
			pw = "password changed since: not kept"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", u.Name, who, pw)
	}
	tw.Flush()
	if g.tokenKept {
		fmt.Fprintf(&b, "API token of admin (JSON API, README): %s\n", g.Token)
	} else {
		b.WriteString("The admin's API token no longer works: make another with `ballot token create`.\n")
	}

	fmt.Fprintf(&b, "\nCodes to vote with in the %d round, for %s\n(three ballots are the smallest group whose figures are shown):\n", this.Year, g.names[guideTarget])
	for _, c := range g.Codes {
		if len(c.Targets) > 1 {
			names := make([]string, len(c.Targets))
			for i, t := range c.Targets {
				names[i] = g.names[t]
			}
			say("", "and one that rates %s at once:", strings.Join(names, " and "))
		}
		fmt.Fprintf(&b, "  %s%s\n", c.Code, map[string]string{"used": "  (used)", "closed": "  (the round is closed)", "gone": "  (no longer exists: counted)"}[c.Status])
	}
	say("", "More unused codes, and slips with QR codes to print: as admin, the %d round, %s.", this.Year, label("demo.codes"))

	fmt.Fprintf(&b, "\nThe counting committee's private key of the %d round\n(a real committee keeps it offline; the demo keeps it):\n  %s\n", this.Year, g.Key)

	b.WriteString("\nThree things to try:\n")
	phone := fmt.Sprintf("For a real phone on this network, start with %s: the slips then carry this computer's address.", together("--addr 0.0.0.0:8080"))
	if !onlyHere(participants) {
		phone = "A phone on the same network opens it too, and so do the QR codes of the slips."
	}
	say("     ", "  1. Vote on a phone: open %s in a phone-size window and enter three of the codes above, one after the other. %s", participants, phone)
	say("     ", "  2. Close and count: as admin, open the %d round and press %s; then sign in as bkp, press %s and paste the key above. The tally of %s then shows your ballots.",
		this.Year, label("console.close_round"), label("console.count"), g.names[guideTarget])
	say("     ", "  3. Rate and download the report: as tinh-uy, open %s of the %d round, rate a district's organizations on its sheet, and download the report under %s: it compares with %d. The %d round's report, tally and count minutes are there to download right away.",
		label("console.ratings"), this.Year, label("console.downloads"), last.Year, last.Year)
	b.WriteString("The console speaks Vietnamese; the link at the foot of each page switches to English.\n\n")
	say("", "`ballot demo` prints this guide again; `ballot demo --reset` deletes %s and starts over.", db)
	_, err := io.WriteString(w, b.String())
	return err
}

// guideWidth is the widest line the guide prints, in columns.
const guideWidth = 100

// together keeps a phrase on one line when it is wrapped.
func together(s string) string { return strings.ReplaceAll(s, " ", "\x00") }

// wrap writes text in lines of at most guideWidth columns (longer words
// stand alone), the lines after the first indented by indent.
func wrap(b *strings.Builder, indent, text string) {
	col := 0
	for i, word := range strings.Fields(text) {
		n := utf8.RuneCountInString(word)
		switch {
		case i == 0:
			lead := len(text) - len(strings.TrimLeft(text, " "))
			b.WriteString(text[:lead])
			col = lead
		case col+1+n > guideWidth:
			b.WriteString("\n" + indent)
			col = utf8.RuneCountInString(indent)
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(strings.ReplaceAll(word, "\x00", " "))
		col += n
	}
	b.WriteByte('\n')
}

// onlyHere reports whether address is reached from this computer only.
func onlyHere(address string) bool {
	u, err := url.Parse(address)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Hostname(), "localhost") {
		return true
	}
	a, err := netip.ParseAddr(u.Hostname())
	return err == nil && a.IsLoopback()
}

// roleName is a role as the guide names it.
func roleName(r auth.Role) string {
	return map[auth.Role]string{auth.Admin: "admin", auth.Committee: "counting committee", auth.Authority: "authority"}[r]
}
