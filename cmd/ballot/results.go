package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"ballot/internal/result"
)

// Signed results for a parent instance, and parent rounds (docs/federation.md).

// signingKeygen writes a new signing key to out (mode 0600, never over a
// file) and prints its public line, which the parent registers.
func signingKeygen(out string, stdout io.Writer) error {
	if out == "" {
		return exitError{2, fmt.Errorf("--sign needs --out FILE: the signing key is kept in a file, never printed")}
	}
	secret, public, err := result.NewSigningKey()
	if err != nil {
		return err
	}
	defer clear(secret)
	if err := writeNew(out, secret); err != nil {
		return err
	}
	fmt.Fprintln(stdout, public)
	return nil
}

// writeNew writes data to a new file of mode 0600.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readSigningKey reads a signing key file.
func readSigningKey(path string) (*result.SigningKey, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	defer clear(raw)
	k, err := result.ParseSigningKey(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

func runExportResult(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export-result", stdout, stderr, args)
	db := fs.String("db", envOr("BALLOT_DB", "./ballot.db"), "database file")
	round := fs.String("round", "", "round id")
	unit := fs.String("unit", "", "the subtree's root (default: the round's root)")
	keyFile := fs.String("key-file", envOr("BALLOT_SIGNING_KEY", ""), "the signing key (ballot keygen --sign)")
	out := fs.String("out", "", "the file to write (default: its own name, in this folder); its signature goes to FILE.minisig")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *round == "" || *keyFile == "" {
		return usageError("--round and --key-file are required")
	}
	key, err := readSigningKey(*keyFile)
	if err != nil {
		return err
	}
	svc, done, err := openOffline(*db)
	if err != nil {
		return err
	}
	defer done()
	sr, err := svc.ExportResult(cli, *round, *unit, key)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = sr.Name
	}
	if err := writeNew(*out, sr.File); err != nil {
		return err
	}
	if err := writeNew(*out+".minisig", sr.Signature); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "result of %s, sequence %d: %s (%d bytes) and %s.minisig, signed with key %s\n", sr.Unit, sr.Sequence, *out, len(sr.File), *out, key.KeyID())
	return nil
}

func runImportResult(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import-result", stdout, stderr, args)
	db := fs.String("db", envOr("BALLOT_DB", "./ballot.db"), "database file")
	round := fs.String("round", "", "the parent round's id")
	file := fs.String("file", "", "the result file")
	sigFile := fs.String("signature", "", "its signature (default: FILE.minisig)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *round == "" || *file == "" {
		return usageError("--round and --file are required")
	}
	if *sigFile == "" {
		*sigFile = *file + ".minisig"
	}
	data, err := readBounded(*file, result.MaxSize)
	if err != nil {
		return err
	}
	sig, err := readBounded(*sigFile, 4096)
	if err != nil {
		return err
	}
	svc, done, err := openOffline(*db)
	if err != nil {
		return err
	}
	defer done()
	im, err := svc.ImportResult(cli, *round, data, sig)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported the result of %s: sequence %d, %d units, %d targets, SHA-256 %s\n", im.Root, im.Sequence, im.Units, im.Targets, im.SHA256)
	return nil
}

// readBounded reads a file of at most limit bytes.
func readBounded(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, io.LimitReader(f, int64(limit)+1)); err != nil {
		return nil, err
	}
	if b.Len() > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return b.Bytes(), nil
}

func runRegisterKey(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("register-key", stdout, stderr, args)
	db := fs.String("db", envOr("BALLOT_DB", "./ballot.db"), "database file")
	round := fs.String("round", "", "the parent round's id")
	unit := fs.String("unit", "", "the child's root (a leaf of the parent round's tree)")
	public := fs.String("public-key", "", "the child's public key line (RW…), as ballot keygen --sign printed it")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *round == "" || *unit == "" || *public == "" {
		return usageError("--round, --unit and --public-key are required")
	}
	svc, done, err := openOffline(*db)
	if err != nil {
		return err
	}
	defer done()
	sg, err := svc.RegisterSigner(cli, *round, *unit, *public)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "registered key %s for %s\n", sg.KeyID, sg.Unit)
	return nil
}
