package forms_test

import (
	"testing"

	"ballot/internal/apperr"
	"ballot/internal/forms"
)

// TestAnUploadIsAFormOrATemplate: {"template": id} is that built-in form;
// anything else must be a whole form, without the version and hash the
// server computes, and is normalized (its hash made); what is wrong names
// the field.
func TestAnUploadIsAFormOrATemplate(t *testing.T) {
	t.Parallel()
	f, err := forms.ParseUpload([]byte(`{"template": "diem-100"}`))
	if tpl, _ := forms.Template("diem-100"); err != nil || f.ID != "diem-100" || f.Hash != tpl.Hash || f.Hash == "" {
		t.Fatalf("a template: %+v %v", f, err)
	}
	own := `{"id": "rieng", "title": "Mẫu riêng", "questions": [{"id": "q1", "type": "choice", "text": "Câu hỏi", "option_set": "grade4", "required": true}]}`
	if f, err := forms.ParseUpload([]byte(own)); err != nil || f.ID != "rieng" || f.Hash == "" {
		t.Fatalf("a form of one's own: %+v %v", f, err)
	}
	for body, field := range map[string]string{
		`{"template": "khong-co"}`: "template",
		`{"template": "Có dấu"}`:   "template",
		`{"id": "rieng", "title": "x", "hash": "abc", "questions": [{"id": "q1", "type": "text", "text": "t"}]}`: "hash",
		`{"id": "rieng", "title": "x", "version": 2, "questions": [{"id": "q1", "type": "text", "text": "t"}]}`:  "hash",
		`{"id": "rieng", "title": "x", "questions": [], "extra": 1}`:                                             "extra",
	} {
		_, err := forms.ParseUpload([]byte(body))
		if err == nil {
			t.Errorf("%s: accepted", body)
		} else if e := apperr.Wrap(err); e.Code != apperr.Invalid || e.Field != field {
			t.Errorf("%s: %v (field %q), want invalid %s", body, err, e.Field, field)
		}
	}
}
