package server

import (
	"bufio"
	"bytes"

	"github.com/gofiber/fiber/v2"
)

// backupKeys answers the code-key file (take it after the database).
func (s *Server) backupKeys(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="ballot-backup.db.keys"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	var buf bytes.Buffer
	if err := s.svc.BackupKeys(principal(c), &buf); err != nil {
		return err
	}
	return c.Send(buf.Bytes())
}

// backup streams a consistent copy of the database.
func (s *Server) backup(c *fiber.Ctx) error {
	p := principal(c)
	c.Set(fiber.HeaderContentType, "application/octet-stream")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="ballot-backup.db"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if _, err := s.svc.Backup(p, w); err != nil {
			s.log.Error("backup failed", "err", err)
			return
		}
		_ = w.Flush()
	})
	return nil
}
