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
// with --url and an admin token. The copy is checked before it is kept.
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
	var src io.Reader
	if *url != "" {
		req, err := http.NewRequest("GET", *url+"/api/v1/backup", nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+*token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
			return fmt.Errorf("backup: %s: %s", res.Status, msg)
		}
		src = res.Body
	} else {
		svc, done, err := openOffline(*db)
		if err != nil {
			return err
		}
		defer done()
		pr, pw := io.Pipe()
		go func() {
			_, err := svc.Backup(cli, pw)
			pw.CloseWithError(err)
		}()
		src = pr
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s exists already", *out)
	}
	if err := storage.ReplaceFile(*out, src); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintln(stdout, "backup written and checked:", *out)
	return nil
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
		return errors.New("--from is required")
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
	fmt.Fprintln(stdout, "restored", *db, "from", *from)
	return nil
}
