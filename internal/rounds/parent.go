package rounds

import (
	"slices"
	"time"

	"ballot/internal/apperr"
)

// The actions only a parent round has (docs/federation.md).
const (
	// ActRegisterKey registers the signing key of a child's root.
	ActRegisterKey Action = "register_key"
	// ActImportResult imports a child's signed result.
	ActImportResult Action = "import_result"
)

// parentLifecycle is the state table of a parent round: it collects its
// children's signed results instead of ballots. Draft sets its units,
// forms and the children's keys; open collects results (and may take a
// replaced key); closed is the final compilation, which can be exported
// for a grandparent. It never has codes, ballots, a count, ratings or
// caps of its own, and it is never counted.
var parentLifecycle = Lifecycle{
	ActEdit:         {Draft},
	ActExtend:       {Draft, Open},
	ActAddForm:      {Draft},
	ActImportUnits:  {Draft},
	ActRegisterKey:  {Draft, Open},
	ActOpen:         {Draft},
	ActImportResult: {Open},
	ActClose:        {Open},
	ActReadTally:    {Open, Closed},
	ActExportResult: {Closed},
	ActDocuments:    {Draft, Open, Closed, Counted},
}

// ParentLifecycle returns a copy of the state table of parent rounds (see
// StandardLifecycle).
func ParentLifecycle() Lifecycle {
	out := make(Lifecycle, len(parentLifecycle))
	for a, states := range parentLifecycle {
		out[a] = slices.Clone(states)
	}
	return out
}

// CheckParentUnits refuses, in a parent round's unit set, a unit with a
// form: a parent's targets come from its children's results only.
func CheckParentUnits(units []Unit, csvRows bool) error {
	for i := range units {
		if units[i].Form != "" {
			return rowError(units[i].Row, csvRows, apperr.Field("form", "unit.parent_form"))
		}
	}
	return nil
}

// MarkOpenParent moves a draft parent round to open (collecting results).
func (r *Round) MarkOpenParent(now time.Time) error {
	if err := r.Check(ActOpen); err != nil {
		return err
	}
	t := now.UTC()
	r.State, r.OpenedAt = Open, &t
	return nil
}
