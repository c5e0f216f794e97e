package service

import (
	"unicode/utf8"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/storage"
)

// SignIn checks a user's password and opens a console session; it returns
// the session's cookie value.
func (s *Service) SignIn(name, password string) (string, error) {
	refused := apperr.New(apperr.Unauthorized, "signin.refused")
	token := auth.NewSecret()
	var u *auth.User
	err := s.store.View(func(tx *storage.Tx) (err error) {
		u, err = tx.User(name)
		return err
	})
	// The hash is computed even for an unknown user, so timing tells nothing.
	hash := "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
	if err == nil && !u.Disabled {
		hash = u.PasswordHash
	}
	ok := auth.CheckPassword(hash, password)
	if err != nil || u.Disabled || !ok {
		return "", refused
	}
	p := auth.Principal{Name: u.Name, Role: u.Role, Unit: u.Unit}
	err = s.update(p, "user.sign_in", func(tx *storage.Tx) (any, error) {
		return nil, tx.PutSession(auth.HashToken(token), &auth.Session{User: u.Name, CSRF: auth.NewSecret(), Expires: s.now().Add(auth.SessionLength).UTC()})
	})
	return token, err
}

// SessionUser returns who a console session is for, its CSRF token, and
// whether the user must change the password first.
func (s *Service) SessionUser(token string) (p auth.Principal, csrf string, mustChange bool, err error) {
	err = s.store.View(func(tx *storage.Tx) error {
		sess, err := tx.Session(auth.HashToken(token))
		if err != nil {
			return err
		}
		if sess == nil || !s.now().Before(sess.Expires) {
			return apperr.New(apperr.Unauthorized, "signin.expired")
		}
		u, err := tx.User(sess.User)
		if err != nil || u.Disabled {
			return apperr.New(apperr.Unauthorized, "signin.expired")
		}
		p, csrf, mustChange = auth.Principal{Name: u.Name, Role: u.Role, Unit: u.Unit}, sess.CSRF, u.MustChange
		return nil
	})
	return p, csrf, mustChange, err
}

// SignOut ends a console session.
func (s *Service) SignOut(p auth.Principal, token string) error {
	return s.update(p, "user.sign_out", func(tx *storage.Tx) (any, error) {
		return nil, tx.DeleteSession(auth.HashToken(token))
	})
}

// ChangePassword sets a new password after checking the old one.
func (s *Service) ChangePassword(p auth.Principal, old, new string) error {
	if utf8.RuneCountInString(new) < auth.MinPasswordLen {
		return apperr.Field("new_password", "field.min_len", auth.MinPasswordLen)
	}
	if new == old {
		return apperr.Field("new_password", "signin.same_password")
	}
	return s.update(p, "user.password", func(tx *storage.Tx) (any, error) {
		u, err := tx.User(p.Name)
		if err != nil {
			return nil, err
		}
		if !auth.CheckPassword(u.PasswordHash, old) {
			return nil, apperr.Field("old_password", "signin.wrong_password")
		}
		u.PasswordHash, u.MustChange = auth.HashPassword(new), false
		return nil, tx.PutUser(u)
	})
}
