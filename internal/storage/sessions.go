package storage

import (
	"ballot/internal/auth"
)

var bSessions = []byte("sessions")

// PutSession stores a console session under its token's hash.
func (t *Tx) PutSession(hash [32]byte, s *auth.Session) error {
	b, err := t.tx.CreateBucketIfNotExists(bSessions)
	if err != nil {
		return err
	}
	return putJSON(b, hash[:], s)
}

// Session returns the session of a token hash, or nil.
func (t *Tx) Session(hash [32]byte) (*auth.Session, error) {
	b := t.tx.Bucket(bSessions)
	if b == nil {
		return nil, nil
	}
	s := new(auth.Session)
	ok, err := getJSON(b, hash[:], s)
	if !ok || err != nil {
		return nil, err
	}
	return s, nil
}

// DeleteSession removes a session.
func (t *Tx) DeleteSession(hash [32]byte) error {
	b := t.tx.Bucket(bSessions)
	if b == nil {
		return nil
	}
	return b.Delete(hash[:])
}

// DeleteSessions removes every session of user.
func (t *Tx) DeleteSessions(user string) error { return t.deleteOfUser(bSessions, user) }
