package rounds

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"ballot/internal/apperr"
	"ballot/internal/i18n"
	"ballot/internal/valid"
)

// MaxUnits bounds one import.
const MaxUnits = 100_000

// Unit is a node of a round's organization tree. A unit with a form is a
// target; its parent is its deciding unit.
type Unit struct {
	ID     string `json:"id" validate:"required,id"`
	Name   string `json:"name" validate:"required,max=300,text"`
	Parent string `json:"parent,omitempty" validate:"omitempty,id"`
	Kind   string `json:"kind" validate:"required,id,max=32"`
	Group  string `json:"group,omitempty" validate:"omitempty,id,max=32"`
	Form   string `json:"form,omitempty" validate:"omitempty,id"`
	// Row is where the unit stood in its import (CSV line or array item),
	// for error messages; it is not stored.
	Row int `json:"-"`
}

// IsTarget reports whether u is rated with a form.
func (u *Unit) IsTarget() bool { return u.Form != "" }

// rowError wraps a field error with the row it stands in.
func rowError(row int, csvRows bool, err error) error {
	var e *apperr.Error
	if !errors.As(err, &e) {
		return err
	}
	where := i18n.M("unit.item", row)
	if csvRows {
		where = i18n.M("unit.row", row)
	}
	out := apperr.New(apperr.Invalid, "unit.at", where, e.Msg)
	out.Field = e.Field
	out.Extra = map[string]any{"row": row}
	return out
}

// CheckTree validates a whole unit set: every unit's fields, unique ids,
// known parents, no cycle, known forms, targets with a deciding unit. The
// error names the row and field of the first problem.
func CheckTree(units []Unit, forms map[string]bool, csvRows bool) error {
	if len(units) == 0 {
		return apperr.New(apperr.Invalid, "unit.none")
	}
	if len(units) > MaxUnits {
		return apperr.New(apperr.Invalid, "unit.too_many", MaxUnits)
	}
	byID := make(map[string]*Unit, len(units))
	for i := range units {
		u := &units[i]
		if err := valid.Struct(u, ""); err != nil {
			return rowError(u.Row, csvRows, err)
		}
		if byID[u.ID] != nil {
			return rowError(u.Row, csvRows, apperr.Field("id", "field.duplicate", u.ID))
		}
		byID[u.ID] = u
	}
	for i := range units {
		u := &units[i]
		if u.Parent != "" && byID[u.Parent] == nil {
			return rowError(u.Row, csvRows, apperr.Field("parent", "unit.unknown_parent", u.Parent))
		}
		if u.Form != "" && !forms[u.Form] {
			return rowError(u.Row, csvRows, apperr.Field("form", "unit.unknown_form", u.Form))
		}
		if u.Form != "" && u.Parent == "" {
			return rowError(u.Row, csvRows, apperr.Field("parent", "unit.target_needs_parent"))
		}
	}
	// Cycles: walk up from each unit, colouring paths already known to end
	// at a root, so the whole check is linear.
	const (
		unseen = iota
		onPath
		rooted
	)
	state := make(map[string]int, len(units))
	for i := range units {
		var path []string
		id := units[i].ID
		for id != "" && state[id] == unseen {
			state[id] = onPath
			path = append(path, id)
			id = byID[id].Parent
		}
		if id != "" && state[id] == onPath {
			u := byID[id]
			return rowError(u.Row, csvRows, apperr.Field("parent", "unit.cycle", u.ID))
		}
		for _, p := range path {
			state[p] = rooted
		}
	}
	return nil
}

// unitColumns are the columns of the CSV import, in the documented order.
var unitColumns = []string{"id", "name", "parent", "kind", "group", "form"}

// ParseUnitsCSV reads units from CSV with a header naming the columns id, name,
// parent, kind, group, form (in any order; parent, group and form may be
// left out). A UTF-8 BOM is skipped; commas or semicolons separate fields.
func ParseUnitsCSV(data []byte) ([]Unit, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, apperr.New(apperr.Invalid, "unit.csv_header")
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		known := false
		for _, c := range unitColumns {
			known = known || c == h
		}
		if !known {
			return nil, apperr.New(apperr.Invalid, "unit.csv_unknown_column", h)
		}
		if _, dup := col[h]; dup {
			return nil, apperr.New(apperr.Invalid, "unit.csv_duplicate_column", h)
		}
		col[h] = i
	}
	for _, need := range []string{"id", "name", "kind"} {
		if _, ok := col[need]; !ok {
			return nil, apperr.New(apperr.Invalid, "unit.csv_missing_column", need)
		}
	}
	var units []Unit
	err = eachCSVRecord(r, len(header), func(rec []string, line int) error {
		if len(rec) != len(header) {
			return apperr.New(apperr.Invalid, "unit.at", i18n.M("unit.row", line), i18n.M("unit.csv_fields", len(header), len(rec)))
		}
		if len(units) >= MaxUnits {
			return apperr.New(apperr.Invalid, "unit.too_many", MaxUnits)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		units = append(units, Unit{ID: get("id"), Name: get("name"), Parent: get("parent"),
			Kind: get("kind"), Group: get("group"), Form: get("form"), Row: line})
		return nil
	})
	return units, err
}

// eachCSVRecord passes each record after the header, with its line, to fn,
// skipping blank lines; a syntax error names its line. A record with fewer
// than least fields is an error naming its line.
func eachCSVRecord(r *csv.Reader, least int, fn func(rec []string, line int) error) error {
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return apperr.New(apperr.Invalid, "unit.at", i18n.M("unit.row", CSVErrorLine(err)), i18n.M("unit.csv_syntax"))
		}
		line, _ := r.FieldPos(0) // only after a successful Read
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rec) < least {
			return apperr.New(apperr.Invalid, "unit.at", i18n.M("unit.row", line), i18n.M("unit.csv_fields", least, len(rec)))
		}
		if err := fn(rec, line); err != nil {
			return err
		}
	}
}

// ParseUnitsJSON reads units from a JSON array of objects; unknown fields are
// refused.
func ParseUnitsJSON(data []byte) ([]Unit, error) {
	var units []Unit
	if err := valid.JSON(data, &units); err != nil {
		return nil, err
	}
	for i := range units {
		units[i].Row = i + 1
		units[i].Name = strings.TrimSpace(units[i].Name)
	}
	return units, nil
}

// String is a short description for logs.
func (u Unit) String() string { return fmt.Sprintf("%s(%s)", u.ID, u.Kind) }

func fieldAt(name string, i int) string { return fmt.Sprintf("%s[%d]", name, i) }

// CSVErrorLine is the line a CSV syntax error names (0 if none).
func CSVErrorLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return 0
}
