package intake

import (
	"crypto/subtle"

	"ballot/internal/apperr"
	"ballot/internal/codes"
	"ballot/internal/forms"
	"ballot/internal/rounds"
)

// Ballot is what a code opens: its round and, for each of its targets, the
// unit and the form to fill. For a code used by the submission asking,
// only Receipt is set, so a retry or a re-entry shows its receipt again.
type Ballot struct {
	Round   *rounds.Round
	Targets []BallotTarget
	Receipt string
}

// BallotTarget is one target to rate.
type BallotTarget struct {
	Unit rounds.Unit
	Form *forms.Form
}

// Prepare reads a typed code and returns what it opens, or the error a
// participant should see (mistyped, unknown or revoked, used, not open yet,
// closed). A used code shows its receipt only to the submission that used
// it (submissionID): whoever merely holds the printed code learns that it
// was used, and nothing they could not learn by trying it.
func (in *Intake) Prepare(code, submissionID string) (*Ballot, error) {
	digits, err := codes.Normalize(code)
	if err != nil {
		return nil, err
	}
	f, err := in.lookup(digits)
	if err != nil {
		return nil, err
	}
	switch f.record.State {
	case codes.Revoked:
		return nil, apperr.New(apperr.AccessCodeUnknown, "code.unknown")
	case codes.Used:
		sub := submissionHash(submissionID)
		if submissionID == "" || subtle.ConstantTimeCompare(sub[:], f.record.Submission[:]) != 1 {
			return nil, apperr.New(apperr.AccessCodeUsed, "code.used")
		}
		return &Ballot{Round: f.round, Receipt: codes.ReceiptString(f.record.Receipt)}, nil
	}
	if err := f.round.AcceptsBallots(in.now()); err != nil {
		return nil, err
	}
	b := &Ballot{Round: f.round}
	for _, u := range f.units {
		b.Targets = append(b.Targets, BallotTarget{Unit: u, Form: f.forms[u.ID]})
	}
	return b, nil
}
