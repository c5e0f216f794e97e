// Command ballot is the whole service in one binary: serve and demo, keygen,
// the offline tools (user, token, check, count, tally, report, minutes,
// documents, backup, restore), a federation's signed results
// (export-result, import-result, register-key) and version; `ballot help
// CMD` shows one.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

// command is one command of the binary.
type command struct {
	name     string // "serve", "user add"
	synopsis string // its flags, as the usage shows them
	summary  string // what it does, in a line or two
	run      func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands are set at init: their run functions use newFlags, which reads
// them.
var commands []command

func init() {
	commands = []command{
		{"serve", "[--db PATH] [--addr HOST:PORT] [--public-url URL] [--trusted-proxy CIDR,…] [--tls-cert FILE --tls-key FILE | --acme-domain NAME] [--redirect-http HOST:PORT] [--backup-dir DIR [--backup-every 1h] [--backup-keep 48]] [--committee-key-required] [--signing-key FILE] [--pprof HOST:PORT]",
			"Runs the service: participants' pages, the console and the JSON API.", serveCmd(false)},
		{"demo", "[--reset] [--db PATH] [--addr HOST:PORT] (and every flag of serve)",
			"Runs the service on a demo database, seeded at its first run (last year's province round counted and rated, this year's open, users of every role), and prints what to try; --reset starts over.", serveCmd(true)},
		{"user add", "--db PATH --name NAME --role admin|committee|authority [--unit ID]",
			"Adds a console user and prints its one-time password alone on standard output.", offline(runUserAdd)},
		{"token create", "--db PATH --user NAME",
			"Makes an API token for a user and prints it alone on standard output.", offline(runTokenCreate)},
		{"keygen", "[--out FILE] [--sign]",
			"Makes a round key pair: prints the public line, then the secret line (or writes the secret to FILE); --sign makes a signing key for results instead (--out required).", offline(runKeygen)},
		{"check", "--db PATH [--anchor HASH]",
			"Checks the file's consistency, each round against its state, and the audit hash chain.", offline(runCheck)},
		{"count", "--db PATH --round ID --key-file FILE [--verify]",
			"Counts a closed round offline with the counting committee's private key; --verify recounts a counted one and compares, changing nothing.", offline(runCount)},
		{"tally", "--db PATH --round ID [--unit ID] [--format json|csv|xlsx|html] [--out FILE] [--lang vi|en]",
			"Writes a counted round's tally.", offline(runTally)},
		{"report", "--db PATH --round ID [--unit ID] [--kind KIND] [--compare ROUND|none] [--format json|csv|xlsx|html] [--out FILE] [--lang vi|en]",
			"Writes a counted round's report of ratings, compared with the year before.", offline(runReport)},
		{"minutes", "--db PATH --round ID [--unit ID [--only]] [--format html|json] [--out FILE] [--lang vi|en]",
			"Writes a counted round's count minutes (of a unit's subtree, or the unit alone with --only).", offline(runMinutes)},
		{"documents", "--db PATH --round ID [--set JSON|@FILE]",
			"Shows the settings of a round's printed documents (issuing body, place, signers), or merges --set into them.", offline(runDocuments)},
		{"export-result", "--db PATH --round ID [--unit ID] --key-file FILE [--out FILE]",
			"Writes the signed result of a final round's subtree for a parent instance: FILE and FILE.minisig.", offline(runExportResult)},
		{"import-result", "--db PATH --round ID --file FILE [--signature FILE.minisig]",
			"Imports a child's signed result into a parent round.", offline(runImportResult)},
		{"register-key", "--db PATH --round ID --unit ID --public-key KEY",
			"Registers a child root's signing key in a parent round.", offline(runRegisterKey)},
		{"backup", "--out FILE (--db PATH | --url URL --token TOKEN)",
			"Writes a checked hot copy of a database, offline or from a running server.", offline(runBackup)},
		{"restore", "--from FILE --db PATH [--force]",
			"Puts a backup in place of a database no server holds.", offline(runRestore)},
		{"version", "",
			"Prints the version, the VCS revision it was built from and the database schema it reads.", offline(runVersion)},
	}
}

// environment lists every BALLOT_* variable and what it stands for.
var environment = [][2]string{
	{"BALLOT_DB", "--db"},
	{"BALLOT_ADDR", "--addr"},
	{"BALLOT_PUBLIC_URL", "--public-url"},
	{"BALLOT_TRUSTED_PROXY", "--trusted-proxy"},
	{"BALLOT_TLS_CERT", "--tls-cert"},
	{"BALLOT_TLS_KEY", "--tls-key"},
	{"BALLOT_ACME_DOMAIN", "--acme-domain"},
	{"BALLOT_ACME_EMAIL", "--acme-email"},
	{"BALLOT_REDIRECT_HTTP", "--redirect-http"},
	{"BALLOT_BACKUP_DIR", "--backup-dir"},
	{"BALLOT_BACKUP_EVERY", "--backup-every"},
	{"BALLOT_BACKUP_KEEP", "--backup-keep"},
	{"BALLOT_COMMITTEE_KEY_REQUIRED", "--committee-key-required (true or false)"},
	{"BALLOT_PPROF", "--pprof"},
	{"BALLOT_SIGNING_KEY", "--signing-key"},
	{"BALLOT_TOKEN", "--token of backup"},
}

func usage() string {
	var b strings.Builder
	b.WriteString("ballot — anonymous quality-analysis ballots\n\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  ballot %-12s %s\n", c.name, c.synopsis)
	}
	b.WriteString("\n`ballot help CMD` or `ballot CMD --help` shows a command and its flags.\n\nEnvironment (a flag given wins):\n")
	for _, e := range environment {
		fmt.Fprintf(&b, "  %-22s %s\n", e[0], e[1])
	}
	b.WriteString("\nDefaults: --db ./ballot.db (demo: ./ballot-demo.db), --addr 127.0.0.1:8080.\n")
	return b.String()
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		var quiet errShown
		if !errors.As(err, &quiet) {
			fmt.Fprintln(os.Stderr, "ballot:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitError carries an exit status other than 1.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }

// usageError is a command used wrongly (a required flag missing, a value
// not among those it takes): exit status 2, as the flag package's own.
func usageError(format string, args ...any) error {
	return exitError{2, fmt.Errorf(format, args...)}
}
func (e exitError) Unwrap() error { return e.err }

// errShown is an error whose message was already written (by the flag
// package, say), with the exit status it asks for.
type errShown struct{ code int }

func (e errShown) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// errHelp ends a run that printed the help it was asked for: status 0.
var errHelp = errors.New("help shown")

func exitCode(err error) int {
	var e exitError
	var shown errShown
	switch {
	case errors.As(err, &e):
		return e.code
	case errors.As(err, &shown):
		return shown.code
	}
	return 1
}

// run dispatches a command line.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return errShown{2}
	}
	name, rest := args[0], args[1:]
	if isHelp(name) {
		if len(rest) == 0 || isHelp(rest[0]) { // "ballot help help" too
			fmt.Fprint(stdout, usage())
			return nil
		}
		return run(ctx, append(rest, "--help"), stdout, stderr)
	}
	if name == "user" || name == "token" {
		group := name
		if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
			name, rest = name+" "+rest[0], rest[1:]
		}
		if name == group {
			// "ballot user", "ballot user --help": the group's commands
			out, status := stderr, 2
			if wantsHelp(rest) {
				out, status = stdout, 0
			}
			for _, c := range commands {
				if strings.HasPrefix(c.name, group+" ") {
					fmt.Fprintf(out, "Usage: ballot %s %s\n  %s\n", c.name, c.synopsis, c.summary)
				}
			}
			if status != 0 {
				return errShown{status}
			}
			return nil
		}
	}
	return dispatch(ctx, name, rest, stdout, stderr)
}

func dispatch(ctx context.Context, name string, args []string, stdout, stderr io.Writer) error {
	for _, c := range commands {
		if c.name == name {
			err := c.run(ctx, args, stdout, stderr)
			if errors.Is(err, errHelp) {
				return nil
			}
			return err
		}
	}
	fmt.Fprint(stderr, usage())
	return exitError{2, fmt.Errorf("unknown command %q", name)}
}

// offline adapts a command that needs no context.
func offline(fn func(args []string, stdout, stderr io.Writer) error) func(context.Context, []string, io.Writer, io.Writer) error {
	return func(_ context.Context, args []string, stdout, stderr io.Writer) error {
		return fn(args, stdout, stderr)
	}
}

// envOr returns the environment variable name, or def.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// isHelp reports whether a command's word asks for help instead.
func isHelp(word string) bool {
	return word == "help" || word == "-h" || word == "-help" || word == "--help"
}

// wantsHelp reports whether args ask for help.
func wantsHelp(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool { return a == "-h" || a == "-help" || a == "--help" })
}

// newFlags makes the flag set of command name. Its usage — on standard
// output when help is asked for, on standard error after a bad flag —
// shows the command's synopsis, what it does, and its flags.
func newFlags(name string, stdout, stderr io.Writer, args []string) *flag.FlagSet {
	fs := flag.NewFlagSet("ballot "+name, flag.ContinueOnError)
	out := stderr
	if wantsHelp(args) {
		out = stdout
	}
	fs.SetOutput(out)
	var c command
	for _, cmd := range commands {
		if cmd.name == name {
			c = cmd
		}
	}
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: ballot %s %s\n\n%s\n", name, c.synopsis, c.summary)
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(out, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parse reads a command's flags and refuses anything else on the line.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errShown{2} // the flag package has said what is wrong
	}
	if fs.NArg() > 0 {
		return exitError{2, fmt.Errorf("unexpected argument %q (flags come as --name value; see `%s --help`)", fs.Arg(0), fs.Name())}
	}
	return nil
}
