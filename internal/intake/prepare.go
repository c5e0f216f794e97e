package intake

import (
	"ballot/internal/apperr"
	"ballot/internal/codes"
	"ballot/internal/forms"
	"ballot/internal/rounds"
)

// Ballot is what a code opens: its round and, for each of its targets, the
// unit and the form to fill. For a code already used, only Receipt is set,
// so re-entering it shows its receipt again.
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
// participant should see (mistyped, unknown or revoked, not open yet,
// closed).
func (in *Intake) Prepare(code string) (*Ballot, error) {
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
		return nil, apperr.New(apperr.CodeUnknown, "code.unknown")
	case codes.Used:
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
