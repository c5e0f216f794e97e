package service

import (
	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/storage"
)

// Bootstrap creates the first admin on an empty database and returns its
// one-time password and an API token; on a database with users it does
// nothing and returns created false.
func (s *Service) Bootstrap() (password, token string, created bool, err error) {
	var has bool
	if err := s.store.View(func(tx *storage.Tx) error { has = tx.HasUsers(); return nil }); err != nil || has {
		return "", "", false, err
	}
	// Hashing takes a tenth of a second: never inside a transaction.
	password = auth.NewPassword()
	hash := s.password.Hash(password)
	err = s.update(System, "bootstrap", func(tx *storage.Tx) (any, error) {
		if tx.HasUsers() {
			return nil, errNothing
		}
		u := &auth.User{Name: "admin", Role: auth.Admin, PasswordHash: hash, MustChange: true, CreatedAt: s.now().UTC()}
		if err := tx.PutUser(u); err != nil {
			return nil, err
		}
		var tokenHash [32]byte
		token, tokenHash = auth.NewToken()
		created = true
		return map[string]string{"user": "admin"}, tx.PutToken(tokenHash, auth.Token{User: "admin", CreatedAt: s.now().UTC()})
	})
	if err == errNothing {
		return "", "", false, nil
	}
	return password, token, created, err
}

// errNothing rolls back a transaction that found nothing to do.
var errNothing = apperr.New(apperr.Conflict, "nothing")

// Authenticate returns who holds token.
func (s *Service) Authenticate(token string) (auth.Principal, error) {
	var p auth.Principal
	err := s.store.View(func(tx *storage.Tx) error {
		tok, err := tx.Token(auth.HashToken(token))
		if err != nil {
			return apperr.New(apperr.Unauthorized, "auth.bad_token")
		}
		u, err := tx.User(tok.User)
		if err != nil || u.Disabled {
			return apperr.New(apperr.Unauthorized, "auth.bad_token")
		}
		p = auth.Principal{Name: u.Name, Role: u.Role, Unit: u.Unit}
		return nil
	})
	return p, err
}

// AddUser creates a user with a generated password, which it returns.
func (s *Service) AddUser(p auth.Principal, in auth.NewUser) (password string, err error) {
	if err := in.Check(); err != nil {
		return "", err
	}
	password = auth.NewPassword()
	hash := s.password.Hash(password)
	err = s.update(p, "user.add", func(tx *storage.Tx) (any, error) {
		if _, err := tx.User(in.Name); err == nil {
			return nil, apperr.Field("name", "user.exists", in.Name)
		}
		u := &auth.User{Name: in.Name, Role: in.Role, Unit: in.Unit, PasswordHash: hash, MustChange: true, CreatedAt: s.now().UTC()}
		return map[string]string{"user": in.Name, "role": string(in.Role), "unit": in.Unit}, tx.PutUser(u)
	})
	return password, err
}

// CreateToken makes a new API token for user name.
func (s *Service) CreateToken(p auth.Principal, name string) (token string, err error) {
	err = s.update(p, "token.create", func(tx *storage.Tx) (any, error) {
		u, err := tx.User(name)
		if err != nil {
			return nil, err
		}
		if u.Disabled {
			return nil, apperr.New(apperr.Conflict, "user.disabled", name)
		}
		var hash [32]byte
		token, hash = auth.NewToken()
		return map[string]string{"user": name}, tx.PutToken(hash, auth.Token{User: name, CreatedAt: s.now().UTC()})
	})
	return token, err
}

// SetDisabled disables or re-enables a user. Disabling ends the user's
// console sessions and deletes its API tokens in the same transaction, so
// enabling it again revives none of them: the user signs in anew and needs
// a new token.
func (s *Service) SetDisabled(p auth.Principal, name string, disabled bool) error {
	return s.update(p, "user.disable", func(tx *storage.Tx) (any, error) {
		u, err := tx.User(name)
		if err != nil {
			return nil, err
		}
		u.Disabled = disabled
		if disabled {
			if err := revoke(tx, name); err != nil {
				return nil, err
			}
		}
		return map[string]any{"user": name, "disabled": disabled}, tx.PutUser(u)
	})
}

// Users lists every user (their password hashes stay inside).
func (s *Service) Users() ([]auth.User, error) {
	var out []auth.User
	err := s.store.View(func(tx *storage.Tx) (err error) {
		out, err = tx.Users()
		return err
	})
	for i := range out {
		out[i].PasswordHash = ""
	}
	return out, err
}

// ResetPassword gives a user a new one-time password, which it returns;
// the user's sessions and tokens stop working.
func (s *Service) ResetPassword(p auth.Principal, name string) (string, error) {
	password := auth.NewPassword()
	hash := s.password.Hash(password)
	err := s.update(p, "user.reset", func(tx *storage.Tx) (any, error) {
		u, err := tx.User(name)
		if err != nil {
			return nil, err
		}
		u.PasswordHash, u.MustChange = hash, true
		if err := revoke(tx, name); err != nil {
			return nil, err
		}
		return map[string]string{"user": name}, tx.PutUser(u)
	})
	return password, err
}

// revoke ends every console session and deletes every API token of user.
func revoke(tx *storage.Tx, user string) error {
	if err := tx.DeleteSessions(user); err != nil {
		return err
	}
	return tx.DeleteTokens(user)
}
