package intake

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"strconv"

	"github.com/google/uuid"

	"ballot/internal/apperr"
	"ballot/internal/ballots"
	"ballot/internal/codes"
	"ballot/internal/forms"
	"ballot/internal/storage"
	"ballot/internal/valid"
)

// Submission is a participant's ballots for the targets of one code.
type Submission struct {
	Code         string     `json:"code" validate:"required,max=64"`
	SubmissionID string     `json:"submission_id" validate:"omitempty,uuid"`
	Ballots      []BallotIn `json:"ballots" validate:"required,min=1,max=50,dive"`
}

// BallotIn is the answers about one target.
type BallotIn struct {
	Target  string                     `json:"target" validate:"required,id"`
	Answers map[string]json.RawMessage `json:"answers" validate:"max=100"`
}

// Receipt answers an accepted submission.
type Receipt struct {
	Receipt  string `json:"receipt"`
	Replayed bool   `json:"replayed,omitempty"`
}

// Submit checks, seals and stores a submission: the code is consumed in the
// same synced transaction that stores one ballot per target (docs/design.md
// §3.1). A replay of the accepted submission_id gets the same receipt (§3.2).
func (in *Intake) Submit(sub Submission) (Receipt, error) { return in.SubmitLookedUp(sub, nil) }

// SubmitLookedUp is Submit that calls lookedUp, if set, once the code is
// known to be an unused code of a round — before the ballots are sealed and
// wait for the writer's commit. A guessing throttle then holds a client's
// try only while its code is looked up, not while the commit is synced
// (docs/design.md §3.11): one address with many phones behind it is not
// held to the throttle's tries in flight for its whole submissions.
func (in *Intake) SubmitLookedUp(sub Submission, lookedUp func()) (Receipt, error) {
	digits, err := codes.Normalize(sub.Code)
	if err != nil {
		in.count("mistyped")
		return Receipt{}, err
	}
	if err := valid.Struct(&sub, ""); err != nil {
		in.count("invalid")
		return Receipt{}, err
	}
	subHash := submissionHash(sub.SubmissionID)
	f, err := in.lookup(digits)
	if err != nil {
		in.count(string(apperr.CodeOf(err)))
		return Receipt{}, err
	}
	switch f.record.State {
	case codes.Revoked:
		in.count("unknown")
		return Receipt{}, apperr.New(apperr.AccessCodeUnknown, "code.unknown")
	case codes.Used:
		return in.usedAnswer(f.record, subHash)
	}
	if lookedUp != nil {
		lookedUp()
	}
	if err := f.round.AcceptsBallots(in.now()); err != nil {
		in.count(string(apperr.CodeOf(err)))
		return Receipt{}, err
	}
	grades, notes, err := in.sealBallots(f, sub.Ballots)
	if err != nil {
		in.count(string(apperr.CodeOf(err)))
		return Receipt{}, err
	}
	res := in.writer.submit(&pending{round: f.round.ID, codeKey: f.codeKey, subHash: subHash, grades: grades, notes: notes})
	in.count(res.outcome())
	return res.receipt, res.err
}

// submissionHash hashes a submission id; without one, a random value makes
// every retry a new submission (which the used code then refuses).
func submissionHash(id string) [32]byte {
	if id == "" {
		var r [32]byte
		rand.Read(r[:])
		return r
	}
	u, err := uuid.Parse(id)
	if err != nil {
		return sha256.Sum256([]byte(id))
	}
	return sha256.Sum256(u[:])
}

// usedAnswer answers a code already used: the same receipt to the same
// submission, code_used to any other.
func (in *Intake) usedAnswer(rec *codes.Record, subHash [32]byte) (Receipt, error) {
	if rec.Submission == subHash {
		in.count("replayed")
		return Receipt{Receipt: codes.ReceiptString(rec.Receipt), Replayed: true}, nil
	}
	in.count("used")
	return Receipt{}, apperr.New(apperr.AccessCodeUsed, "code.used")
}

// sealBallots validates the ballots against the code's targets and forms —
// all of them, before anything is made or stored — and seals them: grades
// and comments apart, each under a random key.
func (in *Intake) sealBallots(f *found, list []BallotIn) (grades, notes []storage.Sealed, err error) {
	if len(list) != len(f.batch.Targets) {
		return nil, nil, apperr.Field("ballots", "ballot.targets", len(f.batch.Targets))
	}
	seen := map[string]bool{}
	checked := make([]forms.Answers, len(list))
	for i, b := range list {
		form := f.forms[b.Target]
		if form == nil || seen[b.Target] {
			return nil, nil, apperr.Field(fieldAt("ballots", i, "target"), "ballot.not_for_code", b.Target)
		}
		seen[b.Target] = true
		if checked[i], err = form.CheckAnswers(b.Answers, fieldAt("ballots", i, "answers")); err != nil {
			return nil, nil, err
		}
	}
	dk, err := in.DataKey(f.round)
	if err != nil {
		return nil, nil, err
	}
	gradesAAD, notesAAD := ballots.AAD(f.round.ID, storage.Grades), ballots.AAD(f.round.ID, storage.Notes)
	for i, b := range list {
		a := checked[i]
		plain := ballots.EncodeGrades(ballots.Grades{Target: b.Target, Choices: a.Choices, Scores: a.Scores})
		v, err := dk.Seal(plain, gradesAAD, f.size)
		if err != nil {
			return nil, nil, err
		}
		grades = append(grades, storage.NewSealed(v))
		for q, text := range a.Texts {
			plain := ballots.EncodeNote(ballots.Note{Target: b.Target, Question: q, Text: text})
			v, err := dk.Seal(plain, notesAAD, ballots.NotesBlock)
			if err != nil {
				return nil, nil, err
			}
			notes = append(notes, storage.NewSealed(v))
		}
	}
	return grades, notes, nil
}

func fieldAt(name string, i int, sub string) string {
	return name + "[" + strconv.Itoa(i) + "]." + sub
}
