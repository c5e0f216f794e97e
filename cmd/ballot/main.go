// Command ballot is the whole service in one binary: the server (serve,
// demo) and the offline tools (user, token, keygen, check) that work on a
// database no server holds.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `ballot — anonymous quality-analysis ballots

Usage:
  ballot serve   [--db PATH] [--addr HOST:PORT] [--public-url URL] [--trusted-proxy CIDR,…] [--pprof HOST:PORT]
  ballot demo    [--db PATH] [--addr HOST:PORT]
  ballot user add    --db PATH --name NAME --role admin|committee|authority [--unit ID]
  ballot token create --db PATH --user NAME
  ballot keygen  [--out FILE]
  ballot check   --db PATH [--anchor HASH]
  ballot count   --db PATH --round ID --key-file FILE
  ballot tally   --db PATH --round ID [--unit ID] [--format json|csv|xlsx|html] [--out FILE] [--lang vi|en]
  ballot backup  --out FILE (--db PATH | --url URL --token TOKEN)
  ballot restore --from FILE --db PATH [--force]
  ballot report  --db PATH --round ID [--unit ID] [--kind KIND] [--compare ROUND|none] [--format json|csv|xlsx|html] [--out FILE] [--lang vi|en]
  ballot minutes --db PATH --round ID [--unit ID [--only]] [--format html|json] [--out FILE] [--lang vi|en]
  ballot documents --db PATH --round ID [--set JSON|@FILE]

Flags of serve also come from BALLOT_DB, BALLOT_ADDR, BALLOT_PUBLIC_URL and
BALLOT_TRUSTED_PROXY.
Defaults: --db ./ballot.db, --addr 127.0.0.1:8080.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
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

func exitCode(err error) int {
	var e exitError
	if errors.As(err, &e) {
		return e.code
	}
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

// run dispatches a command line.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	if len(rest) > 0 && (cmd == "user" || cmd == "token") {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr, false)
	case "demo":
		return runServe(ctx, rest, stdout, stderr, true)
	case "user add":
		return runUserAdd(rest, stdout, stderr)
	case "token create":
		return runTokenCreate(rest, stdout, stderr)
	case "keygen":
		return runKeygen(rest, stdout, stderr)
	case "check":
		return runCheck(rest, stdout, stderr)
	case "count":
		return runCount(rest, stdout, stderr)
	case "tally":
		return runTally(rest, stdout, stderr)
	case "report":
		return runReport(rest, stdout, stderr)
	case "minutes":
		return runMinutes(rest, stdout, stderr)
	case "documents":
		return runDocuments(rest, stdout, stderr)
	case "backup":
		return runBackup(rest, stdout, stderr)
	case "restore":
		return runRestore(rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// envOr returns the environment variable name, or def.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// newFlags makes a flag set that prints its errors to stderr.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("ballot "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
