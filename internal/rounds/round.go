// Package rounds is a review round (đợt lấy phiếu): its state tables (draft →
// open → closed → counted, which change each allows; a parent round's own),
// schedule and documents' settings, its tree of units and its code batches.
package rounds

import (
	"encoding/json"
	"slices"
	"time"

	"ballot/internal/apperr"
	"ballot/internal/i18n"
	"ballot/internal/valid"
)

// State is where a round is in its life.
type State string

// The states, in order.
const (
	Draft   State = "draft"
	Open    State = "open"
	Closed  State = "closed"
	Counted State = "counted"
)

// States lists every state in order.
var States = []State{Draft, Open, Closed, Counted}

// Limits of a round.
const (
	DefaultMinGroupSize = 3
	MinMinGroupSize     = 3
	MaxMinGroupSize     = 1000
	MinYear             = 2000
	MaxYear             = 2100
)

// Round is one review round.
type Round struct {
	ID           string     `json:"id"`
	Title        string     `json:"title"`
	Year         int        `json:"year"`
	OpensAt      *time.Time `json:"opens_at,omitempty"`
	ClosesAt     *time.Time `json:"closes_at,omitempty"`
	MinGroupSize int        `json:"min_group_size"`
	PublicKey    string     `json:"public_key,omitempty"`
	// CommitteeKey: the public key must be set by a counting-committee
	// user, and opening never generates a pair, so no admin ever holds a
	// private key of the round.
	CommitteeKey bool       `json:"committee_key_required,omitempty"`
	State        State      `json:"state"`
	CreatedAt    time.Time  `json:"created_at"`
	OpenedAt     *time.Time `json:"opened_at,omitempty"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	CountedAt    *time.Time `json:"counted_at,omitempty"`
	// Parent: the round combines the signed results of child instances
	// (docs/federation.md) and follows ParentLifecycle.
	Parent bool `json:"parent,omitempty"`
	// Documents is who issues and signs the round's printed documents.
	Documents Documents `json:"documents"`
}

// Action is a change someone asks of a round.
type Action string

// Every change a round can be asked for.
const (
	ActEdit        Action = "edit"         // title, schedule, min_group_size
	ActExtend      Action = "extend"       // move closes_at later
	ActSetKey      Action = "set_key"      // set the public key
	ActAddForm     Action = "add_form"     // add or replace a form
	ActImportUnits Action = "import_units" // replace the unit set
	ActAddBatch    Action = "add_batch"    // issue a batch of codes
	ActRevoke      Action = "revoke"       // revoke a batch or a code
	ActShowCodes   Action = "show_codes"   // download clear codes again
	ActOpen        Action = "open"
	ActClose       Action = "close"
	ActSubmit      Action = "submit" // a participant's ballot
	ActCount       Action = "count"
	ActRate        Action = "rate" // ratings, caps, final report
	ActReadTally   Action = "read_tally"
	ActDocuments   Action = "documents"  // who issues and signs the documents
	ActVerify      Action = "verify"     // recount to compare, changing nothing
	ActReadCount   Action = "read_count" // count minutes and published receipts
	ActCodes       Action = "codes"      // see a round's batches and turnout
	// ActExportResult writes a subtree's signed result for a parent
	// instance (docs/federation.md).
	ActExportResult Action = "export_result"
)

// Actions lists every action.
var Actions = []Action{ActEdit, ActExtend, ActSetKey, ActAddForm, ActImportUnits, ActAddBatch,
	ActRevoke, ActShowCodes, ActOpen, ActClose, ActSubmit, ActCount, ActRate, ActReadTally, ActDocuments,
	ActVerify, ActReadCount, ActCodes, ActExportResult, ActRegisterKey, ActImportResult}

// Lifecycle is a state table: the states in which each action may happen.
type Lifecycle map[Action][]State

// lifecycle is the whole state machine of docs/design.md §5.1: the states in
// which each action may happen. While open, only new batches, revoking and
// moving closes_at later are changes (submitting and closing are the round's
// use). The documents' settings are no part of what participants see or what is
// counted, so they may change in every state, audited like the rest.
var lifecycle = Lifecycle{
	ActEdit:        {Draft},
	ActExtend:      {Draft, Open},
	ActSetKey:      {Draft},
	ActAddForm:     {Draft},
	ActImportUnits: {Draft},
	ActAddBatch:    {Draft, Open},
	ActRevoke:      {Draft, Open},
	ActShowCodes:   {Draft},
	ActOpen:        {Draft},
	ActClose:       {Open},
	ActSubmit:      {Open},
	ActCount:       {Closed},
	ActRate:        {Counted},
	ActReadTally:   {Counted},
	ActDocuments:   {Draft, Open, Closed, Counted},
	ActVerify:      {Counted},
	ActReadCount:   {Counted},
	ActCodes:       {Draft, Open, Closed, Counted},
	// Exporting a result also needs the subtree's report to be final.
	ActExportResult: {Counted},
}

// StandardLifecycle returns a copy of the state table every round follows,
// for those who ask it rather than act on it (the console's `can`); a test
// may change its copy.
func StandardLifecycle() Lifecycle {
	out := make(Lifecycle, len(lifecycle))
	for a, states := range lifecycle {
		out[a] = slices.Clone(states)
	}
	return out
}

// Allows reports whether, under l, a round in state s permits a.
func (l Lifecycle) Allows(s State, a Action) bool { return slices.Contains(l[a], s) }

// Allows reports whether a round in state s permits a.
func Allows(s State, a Action) bool { return lifecycle.Allows(s, a) }

// Lifecycle is the state table r follows: a parent round's own, or the
// standard one.
func (r *Round) Lifecycle() Lifecycle {
	if r.Parent {
		return parentLifecycle
	}
	return lifecycle
}

// Check returns nil if r's state permits a, or the error the API answers.
func (r *Round) Check(a Action) error {
	if r.Lifecycle().Allows(r.State, a) {
		return nil
	}
	switch a {
	case ActSubmit:
		if r.State == Draft {
			e := apperr.New(apperr.RoundNotOpen, "round.not_open")
			if r.OpensAt != nil {
				e = apperr.New(apperr.RoundNotOpen, "round.not_open_until", i18n.Time(*r.OpensAt))
				e.Extra = map[string]any{"opens_at": r.OpensAt}
			}
			return e
		}
		return apperr.New(apperr.RoundClosed, "round.closed")
	case ActReadTally, ActReadCount:
		if !r.Parent {
			return apperr.New(apperr.Sealed, "round.sealed")
		}
	}
	return apperr.New(apperr.Conflict, "round.not_allowed", string(a), string(r.State))
}

// MaySetKey returns nil if whoever asks (byCommittee: a counting-committee
// user) may set r's public key: anyone who may change the round, unless it
// requires its key from the committee.
func (r *Round) MaySetKey(byCommittee bool) error {
	if r.CommitteeKey && !byCommittee {
		return apperr.New(apperr.Forbidden, "round.key_by_committee")
	}
	return nil
}

// NewRound is the input of creating a round.
type NewRound struct {
	Title        string     `json:"title" validate:"required,max=200,text"`
	Year         int        `json:"year" validate:"required,gte=2000,lte=2100"`
	OpensAt      *time.Time `json:"opens_at"`
	ClosesAt     *time.Time `json:"closes_at"`
	MinGroupSize *int       `json:"min_group_size" validate:"omitempty,gte=3,lte=1000"`
	CommitteeKey bool       `json:"committee_key_required"`
	Parent       bool       `json:"parent"`
	Documents    Documents  `json:"documents"`
}

// New makes a draft round from in, as of now.
func New(in NewRound, now time.Time) (*Round, error) {
	if err := valid.Struct(&in, ""); err != nil {
		return nil, err
	}
	r := &Round{Title: in.Title, Year: in.Year, MinGroupSize: DefaultMinGroupSize, State: Draft, CreatedAt: now.UTC(),
		CommitteeKey: in.CommitteeKey, Parent: in.Parent, Documents: in.Documents}
	if in.MinGroupSize != nil {
		r.MinGroupSize = *in.MinGroupSize
	}
	if in.OpensAt != nil {
		// A new round has no key yet, and a scheduled opening needs one.
		return nil, apperr.Field("opens_at", "round.schedule_needs_key")
	}
	if err := r.setCloses(in.ClosesAt, now); err != nil {
		return nil, err
	}
	return r, nil
}

// Patch is the input of changing a round. A nil field is left as it is; an
// explicit JSON null of opens_at or closes_at (Clear…) removes it.
// Documents is a JSON merge patch of the documents' settings (Merged).
type Patch struct {
	Title        *string         `json:"title" validate:"omitempty,min=1,max=200,text"`
	OpensAt      *time.Time      `json:"opens_at"`
	ClosesAt     *time.Time      `json:"closes_at"`
	MinGroupSize *int            `json:"min_group_size" validate:"omitempty,gte=3,lte=1000"`
	Documents    json.RawMessage `json:"documents"`
	ClearOpensAt bool            `json:"-"`
	ClearCloses  bool            `json:"-"`
}

// Empty reports whether p changes nothing.
func (p *Patch) Empty() bool { return p.Documents == nil && p.scheduleEmpty() }

// scheduleEmpty reports whether p leaves everything but the documents.
func (p *Patch) scheduleEmpty() bool {
	return p.Title == nil && p.OpensAt == nil && p.ClosesAt == nil && p.MinGroupSize == nil && !p.ClearOpensAt && !p.ClearCloses
}

// Apply applies p to r as of now, or returns why it may not be; then r is
// left as it was.
func (r *Round) Apply(p Patch, now time.Time) error {
	if err := valid.Struct(&p, ""); err != nil {
		return err
	}
	if p.Empty() {
		return apperr.New(apperr.Invalid, "round.patch_empty")
	}
	docs := r.Documents
	if p.Documents != nil {
		if err := r.Check(ActDocuments); err != nil {
			return err
		}
		var err error
		if docs, err = r.Documents.Merged(p.Documents); err != nil {
			return err
		}
	}
	if !p.scheduleEmpty() {
		was := *r
		if err := r.applySchedule(p, now); err != nil {
			*r = was
			return err
		}
	}
	r.Documents = docs
	return nil
}

// applySchedule applies the title, schedule and group size of p.
func (r *Round) applySchedule(p Patch, now time.Time) error {
	onlyCloses := p.Title == nil && p.OpensAt == nil && p.MinGroupSize == nil && !p.ClearOpensAt && !p.ClearCloses
	if r.State != Draft {
		if !onlyCloses {
			return r.Check(ActEdit)
		}
		if err := r.Check(ActExtend); err != nil {
			return err
		}
		if r.ClosesAt != nil && !p.ClosesAt.After(*r.ClosesAt) {
			return apperr.Field("closes_at", "round.closes_only_later", i18n.Time(*r.ClosesAt))
		}
		return r.setCloses(p.ClosesAt, now)
	}
	if p.Title != nil {
		r.Title = *p.Title
	}
	if p.MinGroupSize != nil {
		r.MinGroupSize = *p.MinGroupSize
	}
	if p.ClearOpensAt {
		r.OpensAt = nil
	}
	if p.OpensAt != nil {
		if r.PublicKey == "" {
			return apperr.Field("opens_at", "round.schedule_needs_key")
		}
		if !p.OpensAt.After(now) {
			return apperr.Field("opens_at", "round.time_in_past")
		}
		t := p.OpensAt.UTC()
		r.OpensAt = &t
	}
	if p.ClearCloses {
		r.ClosesAt = nil
	}
	return r.setCloses(p.ClosesAt, now)
}

func (r *Round) setCloses(c *time.Time, now time.Time) error {
	if c != nil {
		if !c.After(now) {
			return apperr.Field("closes_at", "round.time_in_past")
		}
		t := c.UTC()
		r.ClosesAt = &t
	}
	if r.OpensAt != nil && r.ClosesAt != nil && !r.ClosesAt.After(*r.OpensAt) {
		return apperr.Field("closes_at", "round.closes_before_opens")
	}
	return nil
}

// Due returns the scheduled action due at now (ActOpen or ActClose), if any.
func (r *Round) Due(now time.Time) (Action, bool) {
	switch {
	case r.State == Draft && r.OpensAt != nil && !now.Before(*r.OpensAt):
		return ActOpen, true
	case r.State == Open && r.ClosesAt != nil && !now.Before(*r.ClosesAt):
		return ActClose, true
	}
	return "", false
}

// AcceptsBallots returns nil if a ballot may be submitted at now. It does
// not wait for the scheduler: a round past its closing time is closed.
func (r *Round) AcceptsBallots(now time.Time) error {
	if err := r.Check(ActSubmit); err != nil {
		return err
	}
	if r.ClosesAt != nil && !now.Before(*r.ClosesAt) {
		return apperr.New(apperr.RoundClosed, "round.closed")
	}
	return nil
}

// MarkOpen moves a draft round to open at now.
func (r *Round) MarkOpen(now time.Time) error {
	if err := r.Check(ActOpen); err != nil {
		return err
	}
	if r.PublicKey == "" {
		return apperr.New(apperr.Conflict, "round.no_key")
	}
	if r.ClosesAt != nil && !now.Before(*r.ClosesAt) {
		return apperr.New(apperr.Conflict, "round.closes_passed")
	}
	t := now.UTC()
	r.State, r.OpenedAt = Open, &t
	return nil
}

// MarkClosed moves an open round to closed at now.
func (r *Round) MarkClosed(now time.Time) error {
	if err := r.Check(ActClose); err != nil {
		return err
	}
	t := now.UTC()
	r.State, r.ClosedAt = Closed, &t
	return nil
}

// MarkCounted moves a closed round to counted at now.
func (r *Round) MarkCounted(now time.Time) error {
	if err := r.Check(ActCount); err != nil {
		return err
	}
	t := now.UTC()
	r.State, r.CountedAt = Counted, &t
	return nil
}

// ParsePatch decodes a PATCH body; an explicit null for opens_at or
// closes_at asks to remove it.
func ParsePatch(data []byte) (Patch, error) {
	var p Patch
	if err := valid.JSON(data, &p); err != nil {
		return p, err
	}
	var nulls map[string]json.RawMessage
	if json.Unmarshal(data, &nulls) == nil {
		p.ClearOpensAt = string(nulls["opens_at"]) == "null"
		p.ClearCloses = string(nulls["closes_at"]) == "null"
	}
	return p, nil
}
