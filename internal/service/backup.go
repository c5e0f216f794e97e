package service

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ballot/internal/auth"
	"ballot/internal/storage"
)

// Backup writes a consistent hot copy of the database to w, and audits who
// took it.
func (s *Service) Backup(p auth.Principal, w io.Writer) (int64, error) {
	return s.backup(p, nil, w)
}

func (s *Service) backup(p auth.Principal, detail any, w io.Writer) (int64, error) {
	if err := s.update(p, "backup", func(*storage.Tx) (any, error) { return detail, nil }); err != nil {
		return 0, err
	}
	return s.store.Backup(w)
}

// BackupKeys writes the code-key file beside the database to w (take it
// after the database's backup), and audits who took it. With a backup of
// the database it restores the codes of rounds not yet counted; without it
// that backup maps no printed code to its record.
func (s *Service) BackupKeys(p auth.Principal, w io.Writer) error {
	if err := s.update(p, "backup.keys", func(*storage.Tx) (any, error) { return nil, nil }); err != nil {
		return err
	}
	return s.store.BackupKeys(w)
}

// BackupSchedule is where and how often the server backs itself up.
type BackupSchedule struct {
	Dir   string
	Every time.Duration
	// Keep is how many backups stay in Dir; older ones are removed.
	Keep int
}

// Check refuses a schedule that cannot run, and makes its folder (0700):
// serve checks it before it opens the database, so that a bad flag
// writes nothing.
func (b BackupSchedule) Check() error {
	if b.Every < time.Second {
		return errors.New("--backup-every must be at least 1s")
	}
	if b.Keep < 1 {
		return errors.New("--backup-keep must be at least 1")
	}
	if err := os.MkdirAll(b.Dir, 0o700); err != nil {
		return fmt.Errorf("--backup-dir: %w", err)
	}
	if _, err := newestBackup(b.Dir); err != nil {
		return fmt.Errorf("--backup-dir: %w", err)
	}
	return nil
}

// backupName is the file name of a scheduled backup: its time, in UTC, to
// the second, so names sort in time order.
var backupName = regexp.MustCompile(`^ballot-(\d{8}T\d{6}Z)\.db$`)

const backupTime = "20060102T150405Z"

// StartBackups backs the database up into b.Dir every b.Every until Close:
// each a checked hot copy with its time in the name, the oldest beyond
// b.Keep removed. The first comes within a minute when the newest backup
// in the folder is older than b.Every. The time of the last success is a
// metric (ballot_backup_last_success_timestamp_seconds).
func (s *Service) StartBackups(b BackupSchedule) error {
	if err := b.Check(); err != nil {
		return err
	}
	last, err := newestBackup(b.Dir)
	if err != nil {
		return fmt.Errorf("--backup-dir: %w", err)
	}
	m := s.backupMetrics()
	if !last.IsZero() {
		m.last.Set(float64(last.Unix()))
	}
	s.every(min(b.Every, time.Minute), func() {
		if s.now().Sub(last) < b.Every {
			return
		}
		path, n, err := s.BackupInto(b.Dir, b.Keep)
		if err != nil {
			m.failures.Inc()
			s.log.Error("scheduled backup failed", "dir", b.Dir, "err", err)
			return
		}
		last = s.now()
		m.last.Set(float64(last.Unix()))
		m.bytes.Set(float64(n))
		s.log.Info("backup written", "file", path, "bytes", n)
	})
	return nil
}

type backupMetrics struct {
	last, bytes prometheus.Gauge
	failures    prometheus.Counter
}

func (s *Service) backupMetrics() *backupMetrics {
	m := &backupMetrics{
		last: prometheus.NewGauge(prometheus.GaugeOpts{Name: "ballot_backup_last_success_timestamp_seconds",
			Help: "When the last scheduled backup was written and checked (Unix time)."}),
		bytes: prometheus.NewGauge(prometheus.GaugeOpts{Name: "ballot_backup_last_bytes",
			Help: "Size of the last scheduled backup."}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{Name: "ballot_backup_failures_total",
			Help: "Scheduled backups that failed."}),
	}
	s.metrics.Registry.MustRegister(m.last, m.bytes, m.failures)
	return m
}

// BackupInto writes a checked hot copy into dir, named by its time, with
// the code keys beside it (the same name and ".keys"), and removes the
// oldest scheduled backups beyond keep. It returns the file and its size.
func (s *Service) BackupInto(dir string, keep int) (string, int64, error) {
	name := "ballot-" + s.now().UTC().Format(backupTime) + ".db"
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return "", 0, fmt.Errorf("%s exists already", path)
	}
	tmp := filepath.Join(dir, "."+name+".tmp")
	n, err := s.writeChecked(tmp, map[string]string{"file": name})
	if err != nil {
		os.Remove(tmp)
		return "", 0, err
	}
	keysTmp := filepath.Join(dir, "."+name+".keys.tmp")
	if err := s.writeKeys(keysTmp); err != nil {
		os.Remove(tmp)
		os.Remove(keysTmp)
		return "", 0, err
	}
	if err := os.Rename(keysTmp, storage.KeysPath(path)); err != nil {
		os.Remove(tmp)
		os.Remove(keysTmp)
		return "", 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", 0, err
	}
	if err := storage.SyncDir(dir); err != nil {
		return "", 0, err
	}
	return path, n, pruneBackups(dir, keep)
}

// writeChecked writes a backup to path, synced, and checks it.
func (s *Service) writeChecked(path string, detail any) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := s.backup(System, detail, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.fault("backup_written")
	}
	if err == nil {
		err = storage.VerifyFile(path)
	}
	return n, err
}

// writeKeys writes the code keys to path, synced.
func (s *Service) writeKeys(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	err = s.store.BackupKeys(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// scheduledBackups lists dir's scheduled backups, oldest first.
func scheduledBackups(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && backupName.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// newestBackup is the time of dir's newest scheduled backup (zero if none).
func newestBackup(dir string) (time.Time, error) {
	names, err := scheduledBackups(dir)
	if err != nil || len(names) == 0 {
		return time.Time{}, err
	}
	t, err := time.Parse(backupTime, backupName.FindStringSubmatch(names[len(names)-1])[1])
	return t, err
}

// pruneBackups removes the oldest scheduled backups beyond keep.
func pruneBackups(dir string, keep int) error {
	names, err := scheduledBackups(dir)
	if err != nil {
		return err
	}
	var errs []error
	for len(names) > keep {
		old := filepath.Join(dir, names[0])
		errs = append(errs, os.Remove(old))
		if err := os.Remove(storage.KeysPath(old)); err != nil && !os.IsNotExist(err) {
			errs = append(errs, err)
		}
		names = names[1:]
	}
	return errors.Join(errs...)
}
