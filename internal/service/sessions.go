package service

import (
	"time"
	"unicode/utf8"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/storage"
)

// SignInWait is how long a sign-in waits for its turn at password hashing
// (auth.MaxHashing at a time) before it is answered busy.
const SignInWait = 5 * time.Second

// SignIn checks a user's password and opens a console session; it returns
// the session's cookie value. The password is checked outside any
// transaction: hashing takes a tenth of a second and may wait its turn.
func (s *Service) SignIn(name, password string) (string, error) {
	refused := apperr.New(apperr.Unauthorized, "signin.refused")
	var u *auth.User
	err := s.store.View(func(tx *storage.Tx) (err error) {
		u, err = tx.User(name)
		return err
	})
	hash := s.password.Decoy()
	if err == nil && !u.Disabled {
		hash = u.PasswordHash
	}
	ok, busy := auth.VerifyPassword(hash, password, SignInWait)
	if busy != nil {
		return "", busy
	}
	if err != nil || u.Disabled || !ok {
		return "", refused
	}
	token := auth.NewSecret()
	p := auth.Principal{Name: u.Name, Role: u.Role, Unit: u.Unit}
	err = s.update(p, "user.sign_in", func(tx *storage.Tx) (any, error) {
		// The user may have been disabled or given a new password while
		// the hash was computed.
		now, err := tx.User(name)
		if err != nil || now.Disabled || now.PasswordHash != u.PasswordHash {
			return nil, refused
		}
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

// ChangePassword sets a new password after checking the old one. Both
// hashes are computed outside the transaction, which then makes sure the
// password checked is still the one stored.
func (s *Service) ChangePassword(p auth.Principal, old, new string) error {
	if utf8.RuneCountInString(new) < auth.MinPasswordLen {
		return apperr.Field("new_password", "field.min_len", auth.MinPasswordLen)
	}
	if new == old {
		return apperr.Field("new_password", "signin.same_password")
	}
	var stored string
	err := s.store.View(func(tx *storage.Tx) error {
		u, err := tx.User(p.Name)
		if err == nil {
			stored = u.PasswordHash
		}
		return err
	})
	if err != nil {
		return err
	}
	if !auth.CheckPassword(stored, old) {
		return apperr.Field("old_password", "signin.wrong_password")
	}
	hash := s.password.Hash(new)
	return s.update(p, "user.password", func(tx *storage.Tx) (any, error) {
		u, err := tx.User(p.Name)
		if err != nil {
			return nil, err
		}
		if u.PasswordHash != stored {
			return nil, apperr.Field("old_password", "signin.wrong_password")
		}
		u.PasswordHash, u.MustChange = hash, false
		return nil, tx.PutUser(u)
	})
}
