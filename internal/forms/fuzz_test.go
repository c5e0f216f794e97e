package forms_test

import (
	"encoding/json"
	"testing"

	"ballot/internal/forms"
	"ballot/internal/valid"
)

func FuzzFormAndAnswers(f *testing.F) {
	for _, id := range forms.TemplateIDs() {
		t, _ := forms.Template(id)
		t.Hash, t.Version = "", 0
		raw, _ := json.Marshal(t)
		f.Add(raw, []byte(`{"c1":"tot","s1":17,"level":"htt","comment":"ý kiến"}`))
	}
	f.Add([]byte(`{"id":"f","title":"t","questions":[{"id":"q","type":"score","text":"x","max":5}],"bands":[{"min":3,"level":"htxs"},{"min":0,"level":"kem"}]}`), []byte(`{"q":"5"}`))
	f.Add([]byte(`{"id":"f","title":"t","questions":[]}`), []byte(`null`))
	f.Fuzz(func(t *testing.T, form, answers []byte) {
		var fm forms.Form
		if valid.JSON(form, &fm) != nil || fm.Normalize() != nil {
			return
		}
		if fm.ContentHash() != fm.Hash {
			t.Fatal("hash changed")
		}
		var raw map[string]json.RawMessage
		if json.Unmarshal(answers, &raw) != nil {
			return
		}
		a, err := fm.CheckAnswers(raw, "a")
		if err != nil {
			return
		}
		for q, o := range a.Choices {
			if qq := fm.Question(q); qq == nil || !qq.HasOption(o) {
				t.Fatalf("accepted option %q of %q", o, q)
			}
		}
		for q, v := range a.Scores {
			if qq := fm.Question(q); qq == nil || v < 0 || v > qq.Max {
				t.Fatalf("accepted score %d of %q", v, q)
			}
		}
		if len(fm.Missing(a)) > 0 {
			t.Fatal("accepted answers with a required question missing")
		}
	})
}
