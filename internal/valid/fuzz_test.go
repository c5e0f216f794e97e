package valid_test

import (
	"strings"
	"testing"

	"ballot/internal/valid"
)

func FuzzJSON(f *testing.F) {
	f.Add([]byte(`{"a":1}`))
	f.Add([]byte(strings.Repeat("[", 40)))
	f.Add([]byte(`{"a":"\u0000","b":[1,2,{"c":null}]} trailing`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if valid.JSON(data, &v) == nil && strings.Count(string(data), "[")+strings.Count(string(data), "{") > 0 {
			_ = v
		}
	})
}
