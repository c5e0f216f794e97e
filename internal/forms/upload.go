package forms

import (
	"encoding/json"

	"ballot/internal/apperr"
	"ballot/internal/valid"
)

// ParseUpload reads a form upload: a whole form JSON, or {"template": ID}
// for a built-in template. An uploaded form may not name its version or
// hash (the server computes them).
func ParseUpload(body []byte) (*Form, error) {
	var probe map[string]json.RawMessage
	if json.Unmarshal(body, &probe) == nil && len(probe) == 1 && probe["template"] != nil {
		var t struct {
			Template string `json:"template" validate:"required,id"`
		}
		if err := valid.JSON(body, &t); err != nil {
			return nil, err
		}
		f, ok := Template(t.Template)
		if !ok {
			return nil, apperr.Field("template", "form.unknown_template", t.Template)
		}
		return &f, nil
	}
	f := new(Form)
	if err := valid.JSON(body, f); err != nil {
		return nil, err
	}
	if f.Version != 0 || f.Hash != "" {
		return nil, apperr.Field("hash", "form.computed_field")
	}
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	return f, nil
}
