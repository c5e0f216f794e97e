package valid

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"

	"ballot/internal/apperr"
)

// MaxDepth bounds the nesting of JSON input.
const MaxDepth = 32

// JSON decodes data into v strictly: one value, no unknown fields, no
// deeper nesting than MaxDepth. Errors are Invalid and name the field.
func JSON(data []byte, v any) error {
	if !utf8.Valid(data) {
		// encoding/json would quietly turn bad bytes into U+FFFD
		return apperr.New(apperr.Invalid, "json.utf8")
	}
	if depth(data) > MaxDepth {
		return apperr.New(apperr.Invalid, "json.too_deep", MaxDepth)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err == nil {
		return apperr.New(apperr.Invalid, "json.trailing")
	}
	return nil
}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "(body)"
		}
		return apperr.Field(field, "json.type", te.Value)
	case errors.As(err, &se):
		return apperr.New(apperr.Invalid, "json.syntax", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Field(field, "json.unknown_field")
	case err.Error() == "EOF" || err.Error() == "unexpected EOF":
		return apperr.New(apperr.Invalid, "json.empty")
	}
	// time.Time and other Unmarshalers report their own errors.
	return apperr.New(apperr.Invalid, "json.bad", err.Error())
}

// depth returns the deepest nesting of arrays and objects in data, ignoring
// brackets inside strings.
func depth(data []byte) int {
	d, max, inString, escaped := 0, 0, false, false
	for _, c := range data {
		switch {
		case inString:
			if escaped {
				escaped = false
			} else if c == '\\' {
				escaped = true
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			d++
			if d > max {
				max = d
			}
		case c == ']' || c == '}':
			d--
		}
	}
	return max
}
