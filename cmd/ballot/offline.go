package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"ballot/internal/auth"
	"ballot/internal/export"
	"ballot/internal/i18n"
	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/service"
	"ballot/internal/storage"
	"ballot/internal/tally"

	"golang.org/x/sys/unix"
)

// cli is the actor of offline commands: whoever holds the database file
// has an admin's reach.
var cli = auth.Principal{Name: "cli", Role: auth.Admin}

// openOffline opens a database for an offline command. It fails at once,
// with a clear message, if a server holds the file. It refuses to create a
// database: an offline command on a mistyped path should not make one.
func openOffline(path string) (*service.Service, func(), error) {
	if path == "" {
		return nil, nil, usageError("--db is required")
	}
	if _, err := os.Stat(path); err != nil {
		return nil, nil, fmt.Errorf("database %s: %w", path, err)
	}
	store, err := storage.Open(path, storage.Options{})
	if err != nil {
		return nil, nil, err
	}
	svc := service.New(store, service.Options{PasswordCost: passwordCost})
	return svc, func() { svc.Close(); store.Close() }, nil
}

func runUserAdd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("user add", stdout, stderr, args)
	db := fs.String("db", envOr("BALLOT_DB", "./ballot.db"), "database file")
	name := fs.String("name", "", "user name")
	role := fs.String("role", "", "admin, committee or authority")
	unit := fs.String("unit", "", "the unit an authority is scoped to")
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, done, err := openOffline(*db)
	if err != nil {
		return err
	}
	defer done()
	pw, err := svc.AddUser(cli, auth.NewUser{Name: *name, Role: auth.Role(*role), Unit: *unit})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, pw)
	return nil
}

func runTokenCreate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token create", stdout, stderr, args)
	db := fs.String("db", envOr("BALLOT_DB", "./ballot.db"), "database file")
	user := fs.String("user", "", "user name")
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, done, err := openOffline(*db)
	if err != nil {
		return err
	}
	defer done()
	tok, err := svc.CreateToken(cli, *user)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

func runKeygen(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("keygen", stdout, stderr, args)
	out := fs.String("out", "", "write the secret key to this file (mode 0600) instead of standard output")
	sign := fs.Bool("sign", false, "make a minisign key for signing results (docs/federation.md) instead of a round key")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *sign {
		return signingKeygen(*out, stdout)
	}
	kp, err := seal.GenerateKeyPair()
	if err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintf(stdout, "%s\n%s\n", kp.Public, kp.Private)
		return nil
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(f, kp.Private); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, kp.Public)
	return nil
}

func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", stdout, stderr, args)
	db := fs.String("db", envOr("BALLOT_DB", "./ballot.db"), "database file")
	anchor := fs.String("anchor", "", "an audit chain head printed earlier (e.g. in count minutes)")
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, done, err := openOffline(*db)
	if err != nil {
		return err
	}
	defer done()
	rep, err := svc.Check(*anchor)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rounds: %d\naudit entries: %d\naudit head: %s\n", rep.Rounds, rep.AuditEntries, rep.AuditHead)
	if svc.Demo() {
		fmt.Fprintln(stdout, "demo database (made by ballot demo): it keeps codes, passwords and a round key in clear")
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(stdout, "PROBLEM:", p)
	}
	if !rep.OK() {
		return fmt.Errorf("check found %d problem(s)", len(rep.Problems))
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

func runCount(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("count", stdout, stderr, args)
	db := fs.String("db", envOr("BALLOT_DB", "./ballot.db"), "database file")
	round := fs.String("round", "", "round id")
	keyFile := fs.String("key-file", "", "file holding the round's private key (AGE-SECRET-KEY-1…)")
	verify := fs.Bool("verify", false, "recount a counted round and compare with what was stored, changing nothing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *round == "" || *keyFile == "" {
		return usageError("--round and --key-file are required")
	}
	key, err := readKeyFile(*keyFile)
	if err != nil {
		return err
	}
	defer clear(key)
	svc, done, err := openOffline(*db)
	if err != nil {
		return err
	}
	defer done()
	progress := func(stage string, n, total int) {
		if total > 1 {
			fmt.Fprintf(stderr, "\r%s: %d / %d", stage, n, total)
		} else {
			fmt.Fprintf(stderr, "\n%s", stage)
		}
	}
	if *verify {
		rc, err := svc.VerifyCount(cli, *round, string(key), progress)
		fmt.Fprintln(stderr)
		if err != nil {
			return err
		}
		for _, d := range rc.Differences {
			fmt.Fprintln(stdout, "DIFFERS:", d)
		}
		if !rc.Matches {
			return fmt.Errorf("the recount of round %s (%d ballots) does not match what was counted", rc.Round, rc.Ballots)
		}
		fmt.Fprintf(stdout, "recount of round %s: %d ballots, matches what was counted\n", rc.Round, rc.Ballots)
		return nil
	}
	r, err := svc.Count(cli, *round, string(key), progress)
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "round %s counted\n", r.ID)
	return nil
}

// readKeyFile reads the first AGE-SECRET-KEY line of a key file (as written
// by ballot keygen --out or age-keygen).
func readKeyFile(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	defer clear(raw)
	for _, line := range bytes.Split(raw, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if bytes.HasPrefix(line, []byte("AGE-SECRET-KEY-1")) {
			return append([]byte(nil), line...), nil
		}
	}
	return nil, fmt.Errorf("%s holds no AGE-SECRET-KEY-1… line", path)
}

// fileFlags are the flags of the commands that write a round's file.
type fileFlags struct {
	db, round, unit, format, out, lang *string
	formats                            []string
}

func newFileFlags(fs *flag.FlagSet, unitHelp string, formats []string) *fileFlags {
	def := formats[0]
	if slices.Contains(formats, "xlsx") {
		def = "xlsx"
	}
	return &fileFlags{
		db:      fs.String("db", envOr("BALLOT_DB", "./ballot.db"), "database file"),
		round:   fs.String("round", "", "round id"),
		unit:    fs.String("unit", "", unitHelp),
		format:  fs.String("format", def, strings.Join(formats, ", ")),
		out:     fs.String("out", "", "output file (default: standard output)"),
		lang:    fs.String("lang", "vi", "vi or en"),
		formats: formats,
	}
}

// open checks the flags — never a binary format to a terminal — and
// opens the database.
func (f *fileFlags) open(stdout io.Writer) (*service.Service, func(), error) {
	if *f.round == "" {
		return nil, nil, usageError("--round is required")
	}
	if !slices.Contains(f.formats, *f.format) {
		return nil, nil, usageError("--format must be one of %v", f.formats)
	}
	if *f.out == "" && *f.format == "xlsx" && isTerminal(stdout) {
		return nil, nil, exitError{2, fmt.Errorf("refusing to write %s to a terminal: give --out FILE (or redirect standard output to a file)", *f.format)}
	}
	return openOffline(*f.db)
}

func runTally(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("tally", stdout, stderr, args)
	f := newFileFlags(fs, "the subtree to tally (default: all)", export.TallyFormats)
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, done, err := f.open(stdout)
	if err != nil {
		return err
	}
	defer done()
	fmt.Fprintln(stderr, "tally: reading the counted round …")
	t, err := svc.Tally(cli, *f.round, *f.unit)
	if err != nil {
		return err
	}
	total := 0
	for _, u := range t.Counted.Tree.Units() {
		if u.IsTarget() {
			total++
		}
	}
	fmt.Fprintf(stderr, "tally: writing %s of %d targets …\n", *f.format, total)
	t.Counted.Source = &progressSource{Source: t.Counted.Source, total: total, w: stderr}
	meta := export.MetaOf(t.Round, t.UnitName, svc.Now())
	return writeOut(*f.out, stdout, stderr, func(w io.Writer) error {
		return export.Tally(w, *f.format, t.Counted, t.Round.ID, t.Unit, i18n.Parse(*f.lang), meta)
	})
}

func runReport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", stdout, stderr, args)
	f := newFileFlags(fs, "the unit whose subtree is reported (default: the root)", export.ReportFormats)
	kind := fs.String("kind", "", "the kind of targets (default: every kind, a section each)")
	compare := fs.String("compare", "", "the round to compare with (default: the latest earlier final one; none for none)")
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, done, err := f.open(stdout)
	if err != nil {
		return err
	}
	defer done()
	rep, r, err := svc.Report(cli, *f.round, service.ReportQuery{Unit: *f.unit, Kind: *kind, Compare: *compare})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "report: %d targets, %d child rows, %d quota groups\n", rep.Total, len(rep.Children), len(rep.Quota))
	return writeOut(*f.out, stdout, stderr, func(w io.Writer) error {
		return export.Report(w, *f.format, rep, i18n.Parse(*f.lang), export.MetaOf(r, rep.Name, svc.Now()))
	})
}

func runMinutes(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("minutes", stdout, stderr, args)
	f := newFileFlags(fs, "the subtree whose minutes are written (default: the whole round)", []string{"html", "json"})
	only := fs.Bool("only", false, "the minutes of --unit alone (a target), not of its subtree")
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, done, err := f.open(stdout)
	if err != nil {
		return err
	}
	defer done()
	m, err := svc.Minutes(cli, *f.round, *f.unit, *only)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "minutes: %d targets, %d codes, %d ballots\n", len(m.Targets), m.Codes.Issued, m.Ballots)
	return writeOut(*f.out, stdout, stderr, func(w io.Writer) error {
		if *f.format == "json" {
			enc := json.NewEncoder(w)
			enc.SetIndent("", " ")
			return enc.Encode(m)
		}
		return export.Minutes(w, m, i18n.Parse(*f.lang))
	})
}

// runDocuments shows a round's documents settings, or changes them with a
// JSON merge patch (as PATCH /api/v1/rounds/{rid} takes under "documents").
func runDocuments(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("documents", stdout, stderr, args)
	db := fs.String("db", envOr("BALLOT_DB", "./ballot.db"), "database file")
	round := fs.String("round", "", "round id")
	patch := fs.String("set", "", `a JSON merge patch, e.g. '{"place": "Gia Lai"}', or @FILE`)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *round == "" {
		return usageError("--round is required")
	}
	svc, done, err := openOffline(*db)
	if err != nil {
		return err
	}
	defer done()
	var r *rounds.Round
	if *patch == "" {
		r, err = svc.Round(*round)
	} else {
		raw := []byte(*patch)
		if name, ok := strings.CutPrefix(*patch, "@"); ok {
			if raw, err = os.ReadFile(name); err != nil {
				return err
			}
		}
		r, err = svc.PatchRound(cli, *round, rounds.Patch{Documents: raw})
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", " ")
	return enc.Encode(r.Documents)
}

// writeOut writes to the file out, or to stdout when out is empty.
func writeOut(out string, stdout, stderr io.Writer, write func(io.Writer) error) error {
	if out == "" {
		return write(stdout)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "wrote", out)
	return nil
}

// progressSource reports every 1,000 targets read.
type progressSource struct {
	tally.Source
	n, total int
	w        io.Writer
}

func (p *progressSource) Target(id string) (*tally.Target, error) {
	t, err := p.Source.Target(id)
	if t != nil {
		if p.n++; p.n%1000 == 0 || p.n == p.total {
			fmt.Fprintf(p.w, "tally: %d / %d targets\n", p.n, p.total)
		}
	}
	return t, err
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
