package server

import (
	"io"

	"github.com/gofiber/fiber/v2"
)

// backupKeys answers the code-key file (take it after the database).
func (s *Server) backupKeys(c *fiber.Ctx) error {
	p := principal(c)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.stream(c, func(w io.Writer) error { return s.svc.BackupKeys(p, w) }, func() {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="ballot-backup.db.keys"`)
	})
}

// backup streams a consistent copy of the database from one read
// transaction (writers go on meanwhile).
func (s *Server) backup(c *fiber.Ctx) error {
	p := principal(c)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.stream(c, func(w io.Writer) error {
		_, err := s.svc.Backup(p, w)
		return err
	}, func() {
		c.Set(fiber.HeaderContentType, "application/octet-stream")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="ballot-backup.db"`)
	})
}
