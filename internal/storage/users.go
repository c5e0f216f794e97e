package storage

import (
	"encoding/json"

	"ballot/internal/auth"
)

// HasUsers reports whether any user exists (false on a fresh database).
func (t *Tx) HasUsers() bool {
	k, _ := t.tx.Bucket(bUsers).Cursor().First()
	return k != nil
}

// PutUser stores u under its name.
func (t *Tx) PutUser(u *auth.User) error {
	return putJSON(t.tx.Bucket(bUsers), []byte(u.Name), u)
}

// User returns the user name, or a not_found error.
func (t *Tx) User(name string) (*auth.User, error) {
	u := new(auth.User)
	ok, err := getJSON(t.tx.Bucket(bUsers), []byte(name), u)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("user", name)
	}
	return u, nil
}

// Users returns every user, by name.
func (t *Tx) Users() ([]auth.User, error) {
	var out []auth.User
	err := eachJSON(t.tx.Bucket(bUsers), func(u *auth.User) error { out = append(out, *u); return nil })
	return out, err
}

// PutToken stores a token record under the token's hash.
func (t *Tx) PutToken(hash [32]byte, tok auth.Token) error {
	return putJSON(t.tx.Bucket(bTokens), hash[:], tok)
}

// Token returns the record of a token hash, or a not_found error.
func (t *Tx) Token(hash [32]byte) (*auth.Token, error) {
	tok := new(auth.Token)
	ok, err := getJSON(t.tx.Bucket(bTokens), hash[:], tok)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("token", "")
	}
	return tok, nil
}

// DeleteTokens removes every token of user.
func (t *Tx) DeleteTokens(user string) error { return t.deleteOfUser(bTokens, user) }

// deleteOfUser removes every record of bucket (tokens, sessions: JSON with
// a "user") that belongs to user.
func (t *Tx) deleteOfUser(bucket []byte, user string) error {
	b := t.tx.Bucket(bucket)
	if b == nil {
		return nil
	}
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var rec struct {
			User string `json:"user"`
		}
		if err := json.Unmarshal(v, &rec); err != nil {
			return err
		}
		if rec.User == user {
			doomed = append(doomed, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
