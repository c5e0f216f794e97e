package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"ballot/internal/storage"
)

// runBackup copies a database: offline from --db, or from a running server
// with --url and an admin token. The copy is checked before it is kept;
// the code keys go beside it (FILE.keys), taken after it.
func runBackup(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", stdout, stderr, args)
	db := fs.String("db", envOr("BALLOT_DB", ""), "database file (offline)")
	url := fs.String("url", "", "base URL of a running server (online)")
	token := fs.String("token", envOr("BALLOT_TOKEN", ""), "an admin API token (with --url)")
	out := fs.String("out", "", "the backup file to write")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" || (*db == "") == (*url == "") {
		return errors.New("give --out and one of --db (offline) or --url (online)")
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s exists already", *out)
	}
	var database, keys func() (io.ReadCloser, error)
	if *url != "" {
		get := func(path string) func() (io.ReadCloser, error) {
			return func() (io.ReadCloser, error) { return download(*url+path, *token) }
		}
		database, keys = get("/api/v1/backup"), get("/api/v1/backup/keys")
	} else {
		svc, done, err := openOffline(*db)
		if err != nil {
			return err
		}
		defer done()
		pipe := func(write func(io.Writer) error) func() (io.ReadCloser, error) {
			return func() (io.ReadCloser, error) {
				pr, pw := io.Pipe()
				go func() { pw.CloseWithError(write(pw)) }()
				return pr, nil
			}
		}
		database = pipe(func(w io.Writer) error { _, err := svc.Backup(cli, w); return err })
		keys = pipe(func(w io.Writer) error { return svc.BackupKeys(cli, w) })
	}
	src, err := database()
	if err != nil {
		return err
	}
	defer src.Close()
	if err := storage.ReplaceFile(*out, src); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	ks, err := keys()
	if err != nil {
		return err
	}
	defer ks.Close()
	if err := storage.ReplaceKeys(*out, ks); err != nil {
		return fmt.Errorf("backup of the code keys: %w", err)
	}
	fmt.Fprintf(stdout, "backup written and checked: %s (code keys: %s)\n", *out, storage.KeysPath(*out))
	return nil
}

// download gets a backup from a running server.
func download(url, token string) (io.ReadCloser, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		res.Body.Close()
		return nil, fmt.Errorf("backup: %s: %s", res.Status, msg)
	}
	return res.Body, nil
}

// runRestore puts a backup in place of a database no server holds.
func runRestore(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("restore", stdout, stderr, args)
	from := fs.String("from", "", "the backup file")
	db := fs.String("db", envOr("BALLOT_DB", "./ballot.db"), "the database file to restore into")
	force := fs.Bool("force", false, "replace an existing database")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" {
		return usageError("--from is required")
	}
	if err := storage.VerifyFile(*from); err != nil {
		return err
	}
	if _, err := os.Stat(*db); err == nil {
		if !*force {
			return fmt.Errorf("%s exists; add --force to replace it", *db)
		}
		// Refuse a database a server holds.
		s, err := storage.Open(*db, storage.Options{})
		if err != nil {
			return err
		}
		s.Close()
	}
	f, err := os.Open(*from)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := storage.ReplaceFile(*db, f); err != nil {
		return err
	}
	switch kf, err := os.Open(storage.KeysPath(*from)); {
	case err == nil:
		defer kf.Close()
		if err := storage.ReplaceKeys(*db, kf); err != nil {
			return err
		}
	case os.IsNotExist(err):
		os.Remove(storage.KeysPath(*db))
		fmt.Fprintf(stderr, "warning: no %s beside the backup: the codes of rounds not yet counted are unknown in the restored database\n", storage.KeysPath(*from))
	default:
		return err
	}
	fmt.Fprintln(stdout, "restored", *db, "from", *from)
	return nil
}
