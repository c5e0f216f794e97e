// Package valid checks input at the edge: strict JSON and struct tags
// (go-playground/validator), refused as apperr Invalid errors that name the
// field by its JSON name, in the user's language.
package valid

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"ballot/internal/apperr"
)

// ID is the shape of every identifier users choose (units, forms, questions,
// groups, kinds): short, ASCII, no spaces, safe in URLs and file names.
var ID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

var (
	once sync.Once
	v    *validator.Validate
)

func instance() *validator.Validate {
	once.Do(func() {
		v = validator.New(validator.WithRequiredStructEnabled())
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			name := strings.SplitN(f.Tag.Get("json"), ",", 2)[0]
			if name == "-" || name == "" {
				return f.Name
			}
			return name
		})
		_ = v.RegisterValidation("id", func(fl validator.FieldLevel) bool {
			return ID.MatchString(fl.Field().String())
		})
		_ = v.RegisterValidation("text", func(fl validator.FieldLevel) bool {
			return Text(fl.Field().String())
		})
		_ = v.RegisterValidation("line", func(fl validator.FieldLevel) bool {
			return Line(fl.Field().String())
		})
	})
	return v
}

// Text reports whether s is valid UTF-8 free of control characters other
// than newline and tab.
func Text(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
			return false
		}
	}
	return true
}

// Line reports whether s is Text on one line: no newline or tab.
func Line(s string) bool { return Text(s) && !strings.ContainsAny(s, "\n\r\t") }

// Struct validates s by its tags; prefix is put before field names (e.g.
// "units[3]").
func Struct(s any, prefix string) error {
	err := instance().Struct(s)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) || len(verrs) == 0 {
		return apperr.Wrap(err)
	}
	fe := verrs[0]
	// Namespace is "Type.field.sub"; drop the type name.
	path := fe.Namespace()
	if i := strings.IndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	if prefix != "" {
		path = prefix + "." + path
	}
	return fieldError(path, fe)
}

func fieldError(path string, fe validator.FieldError) error {
	switch fe.Tag() {
	case "required", "required_if", "required_unless":
		return apperr.Field(path, "field.required")
	case "max":
		if fe.Kind() == reflect.String {
			return apperr.Field(path, "field.max_len", fe.Param())
		}
		if fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map {
			return apperr.Field(path, "field.max_items", fe.Param())
		}
		return apperr.Field(path, "field.max", fe.Param())
	case "min":
		if fe.Kind() == reflect.String {
			return apperr.Field(path, "field.min_len", fe.Param())
		}
		if fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map {
			return apperr.Field(path, "field.min_items", fe.Param())
		}
		return apperr.Field(path, "field.min", fe.Param())
	case "gte":
		return apperr.Field(path, "field.min", fe.Param())
	case "lte":
		return apperr.Field(path, "field.max", fe.Param())
	case "oneof":
		return apperr.Field(path, "field.oneof", fe.Param())
	case "id":
		return apperr.Field(path, "field.id")
	case "text":
		return apperr.Field(path, "field.text")
	case "line":
		return apperr.Field(path, "field.line")
	default:
		return apperr.Field(path, "field.bad")
	}
}
