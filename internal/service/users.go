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
	err = s.update(System, "bootstrap", func(tx *storage.Tx) (any, error) {
		if tx.HasUsers() {
			return nil, errNothing
		}
		password = auth.NewPassword()
		u := &auth.User{Name: "admin", Role: auth.Admin, PasswordHash: auth.HashPassword(password), MustChange: true, CreatedAt: s.now().UTC()}
		if err := tx.PutUser(u); err != nil {
			return nil, err
		}
		var hash [32]byte
		token, hash = auth.NewToken()
		created = true
		return map[string]string{"user": "admin"}, tx.PutToken(hash, auth.Token{User: "admin", CreatedAt: s.now().UTC()})
	})
	if err == errNothing {
		err = nil
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
	err = s.update(p, "user.add", func(tx *storage.Tx) (any, error) {
		if _, err := tx.User(in.Name); err == nil {
			return nil, apperr.Field("name", "user.exists", in.Name)
		}
		u := &auth.User{Name: in.Name, Role: in.Role, Unit: in.Unit, PasswordHash: auth.HashPassword(password), MustChange: true, CreatedAt: s.now().UTC()}
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

// SetDisabled disables or re-enables a user. A disabled user's tokens stop
// working at once; they are also deleted, so re-enabling needs a new token.
func (s *Service) SetDisabled(p auth.Principal, name string, disabled bool) error {
	return s.update(p, "user.disable", func(tx *storage.Tx) (any, error) {
		u, err := tx.User(name)
		if err != nil {
			return nil, err
		}
		u.Disabled = disabled
		if disabled {
			if err := tx.DeleteTokens(name); err != nil {
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
	err := s.update(p, "user.reset", func(tx *storage.Tx) (any, error) {
		u, err := tx.User(name)
		if err != nil {
			return nil, err
		}
		u.PasswordHash, u.MustChange = auth.HashPassword(password), true
		if err := tx.DeleteTokens(name); err != nil {
			return nil, err
		}
		return map[string]string{"user": name}, tx.PutUser(u)
	})
	return password, err
}
