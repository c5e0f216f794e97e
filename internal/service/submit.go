package service

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/google/uuid"

	"ballot/internal/apperr"
	"ballot/internal/codes"
	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/seal"
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

// notesBlock pads comments to a multiple of its size. Grades are padded to
// one size per round (gradesSize), so their lengths say nothing.
const notesBlock = 2048

// gradesPlain and notePlain are what is sealed. The target is inside the
// ciphertext: nothing per-target is visible before counting.
type gradesPlain struct {
	Target  string            `json:"t"`
	Choices map[string]string `json:"c,omitempty"`
	Scores  map[string]int    `json:"s,omitempty"`
}

type notePlain struct {
	Target   string `json:"t"`
	Question string `json:"q"`
	Text     string `json:"x"`
}

// found is what the read phase learns of a code.
type found struct {
	round   *rounds.Round
	codeKey []byte // the record's key (HMAC of the code)
	record  *codes.Record
	batch   *rounds.Batch
	forms   map[string]*forms.Form // by target
	units   []rounds.Unit          // the batch's targets, in its order
	size    int                    // of the round's sealed grades
}

// Submit checks, seals and stores a submission: the code is consumed in the
// same synced transaction that stores one ballot per target (SPEC §3.1).
// A replay of the accepted submission_id gets the same receipt (§3.2).
func (s *Service) Submit(in Submission) (Receipt, error) {
	digits, err := codes.Normalize(in.Code)
	if err != nil {
		s.count("mistyped")
		return Receipt{}, err
	}
	if err := valid.Struct(&in, ""); err != nil {
		s.count("invalid")
		return Receipt{}, err
	}
	subHash := submissionHash(in.SubmissionID)
	f, err := s.lookup(digits)
	if err != nil {
		s.count(string(apperr.CodeOf(err)))
		return Receipt{}, err
	}
	switch f.record.State {
	case codes.Revoked:
		s.count("unknown")
		return Receipt{}, apperr.New(apperr.CodeUnknown, "code.unknown")
	case codes.Used:
		return s.usedAnswer(f.record, subHash)
	}
	if err := f.round.AcceptsBallots(s.now()); err != nil {
		s.count(string(apperr.CodeOf(err)))
		return Receipt{}, err
	}
	grades, notes, err := s.sealBallots(f, in.Ballots)
	if err != nil {
		s.count(string(apperr.CodeOf(err)))
		return Receipt{}, err
	}
	res := s.writer.submit(&pending{round: f.round.ID, codeKey: f.codeKey, subHash: subHash, grades: grades, notes: notes})
	s.count(res.outcome())
	return res.receipt, res.err
}

func (s *Service) count(result string) { s.metrics.Submissions.WithLabelValues(result).Inc() }

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
func (s *Service) usedAnswer(rec *codes.Record, subHash [32]byte) (Receipt, error) {
	if rec.Submission == subHash {
		s.count("replayed")
		return Receipt{Receipt: codes.ReceiptString(rec.Receipt), Replayed: true}, nil
	}
	s.count("used")
	return Receipt{}, apperr.New(apperr.CodeUsed, "code.used")
}

// lookup finds the round and record of a code. Codes carry no round: each
// round that still has codes is asked, by keyed hash.
func (s *Service) lookup(digits string) (*found, error) {
	var f *found
	err := s.store.View(func(tx *storage.Tx) error {
		all, err := tx.Rounds()
		if err != nil {
			return err
		}
		for i := range all {
			r := &all[i]
			key, err := tx.CodeKey(r.ID)
			if err != nil || key == nil {
				continue
			}
			k := codes.Key(key, digits)
			rec, err := tx.Code(r.ID, k)
			if err != nil {
				return err
			}
			if rec == nil {
				continue
			}
			f = &found{round: r, codeKey: k, record: rec, forms: map[string]*forms.Form{}}
			if rec.State != codes.Unused {
				return nil
			}
			if f.batch, err = tx.Batch(r.ID, rec.Batch); err != nil {
				return err
			}
			if f.size, err = s.frozenSize(tx, r); err != nil {
				return err
			}
			for _, t := range f.batch.Targets {
				ft, err := s.frozenTarget(tx, r, t)
				if err != nil {
					return err
				}
				f.units = append(f.units, ft.unit)
				f.forms[t] = ft.form
			}
			return nil
		}
		return apperr.New(apperr.CodeUnknown, "code.unknown")
	})
	return f, err
}

// sealBallots validates the ballots against the code's targets and forms —
// all of them, before anything is made or stored — and seals them: grades
// and comments apart, each under a random key.
func (s *Service) sealBallots(f *found, ballots []BallotIn) (grades, notes []storage.Sealed, err error) {
	if len(ballots) != len(f.batch.Targets) {
		return nil, nil, apperr.Field("ballots", "ballot.targets", len(f.batch.Targets))
	}
	seen := map[string]bool{}
	checked := make([]forms.Answers, len(ballots))
	for i, b := range ballots {
		form := f.forms[b.Target]
		if form == nil || seen[b.Target] {
			return nil, nil, apperr.Field(fieldAt("ballots", i, "target"), "ballot.not_for_code", b.Target)
		}
		seen[b.Target] = true
		if checked[i], err = form.CheckAnswers(b.Answers, fieldAt("ballots", i, "answers")); err != nil {
			return nil, nil, err
		}
	}
	dk, err := s.dataKey(f.round)
	if err != nil {
		return nil, nil, err
	}
	gradesAAD, notesAAD := aad(f.round.ID, storage.Grades), aad(f.round.ID, storage.Notes)
	for i, b := range ballots {
		a := checked[i]
		plain := encodeGrades(gradesPlain{Target: b.Target, Choices: a.Choices, Scores: a.Scores})
		v, err := dk.Seal(plain, gradesAAD, f.size)
		if err != nil {
			return nil, nil, err
		}
		grades = append(grades, storage.Sealed{Key: randomKey(), Value: v})
		for q, text := range a.Texts {
			plain, _ := json.Marshal(notePlain{Target: b.Target, Question: q, Text: text})
			v, err := dk.Seal(plain, notesAAD, notesBlock)
			if err != nil {
				return nil, nil, err
			}
			notes = append(notes, storage.Sealed{Key: randomKey(), Value: v})
		}
	}
	return grades, notes, nil
}

func aad(rid string, kind storage.Kind) []byte { return []byte("ballot/" + rid + "/" + string(kind)) }

func randomKey() []byte {
	k := make([]byte, 16)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return k
}

func fieldAt(name string, i int, sub string) string {
	return name + "[" + strconv.Itoa(i) + "]." + sub
}

// dataKeys caches one data key per round for the life of the process.
type dataKeys struct {
	mu sync.Mutex
	m  map[string]*seal.DataKey
}

// dataKey returns the round's data key, making and storing (wrapped) a new
// one on first use in this process.
func (s *Service) dataKey(r *rounds.Round) (*seal.DataKey, error) {
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	if dk := s.keys.m[r.ID]; dk != nil {
		return dk, nil
	}
	recipient, err := seal.ParseRecipient(r.PublicKey)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	dk, err := seal.NewDataKey(recipient)
	if err != nil {
		return nil, err
	}
	if err := s.store.Update(func(tx *storage.Tx) error { return tx.PutDataKey(r.ID, dk.ID, dk.Wrapped) }); err != nil {
		return nil, err
	}
	s.keys.m[r.ID] = dk
	return dk, nil
}

// frozen is what cannot change once a round is open: its targets' units and
// forms (imports and forms are refused after draft). Submissions read them
// from here instead of decoding them again.
type frozen struct {
	mu    sync.RWMutex
	m     map[string]*frozenEntry // by round + "\x00" + target
	sizes map[string]int          // sealed grades, by round
}

type frozenEntry struct {
	unit rounds.Unit
	form *forms.Form
}

// frozenTarget returns target's unit and form, cached once r is past draft.
func (s *Service) frozenTarget(tx *storage.Tx, r *rounds.Round, target string) (*frozenEntry, error) {
	key := r.ID + "\x00" + target
	s.frozen.mu.RLock()
	e := s.frozen.m[key]
	s.frozen.mu.RUnlock()
	if e != nil {
		return e, nil
	}
	u, err := tx.Unit(r.ID, target)
	if err != nil {
		return nil, err
	}
	f, err := tx.Form(r.ID, u.Form)
	if err != nil {
		return nil, err
	}
	e = &frozenEntry{unit: *u, form: f}
	if r.State != rounds.Draft {
		s.frozen.mu.Lock()
		s.frozen.m[key] = e
		s.frozen.mu.Unlock()
	}
	return e, nil
}

// frozenSize returns the size of round r's sealed grades, cached once r is
// past draft.
func (s *Service) frozenSize(tx *storage.Tx, r *rounds.Round) (int, error) {
	s.frozen.mu.RLock()
	size, ok := s.frozen.sizes[r.ID]
	s.frozen.mu.RUnlock()
	if ok {
		return size, nil
	}
	fs, err := tx.Forms(r.ID)
	if err != nil {
		return 0, err
	}
	size = gradesSize(slices.Collect(maps.Values(fs)))
	if r.State != rounds.Draft {
		s.frozen.mu.Lock()
		s.frozen.sizes[r.ID] = size
		s.frozen.mu.Unlock()
	}
	return size, nil
}
