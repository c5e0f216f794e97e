package forms_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"ballot/internal/apperr"
	"ballot/internal/forms"
)

func TestTemplatesAreValidAndComplete(t *testing.T) {
	t.Parallel()
	want := map[string]struct {
		questions, required int
		total               int
	}{
		"to-chuc-co-so-dang": {9, 8, 0},
		"tap-the-lanh-dao":   {9, 8, 0},
		"diem-100":           {7, 6, 100},
	}
	for _, id := range forms.TemplateIDs() {
		f, ok := forms.Template(id)
		if !ok {
			t.Fatalf("template %s missing", id)
		}
		w := want[id]
		req := 0
		for _, q := range f.Questions {
			if q.Required {
				req++
			}
			if q.TextEN == "" || q.Text == "" {
				t.Errorf("%s/%s lacks a label", id, q.ID)
			}
		}
		if len(f.Questions) != w.questions || req != w.required || f.TotalMax() != w.total {
			t.Errorf("%s: %d questions, %d required, total %d", id, len(f.Questions), req, f.TotalMax())
		}
		if f.Question("level") == nil || f.Question("level").Options[0].ID != "htxs" || f.Question("comment").Type != forms.Text {
			t.Errorf("%s lacks the shared tail", id)
		}
		if len(f.Hash) != 64 {
			t.Errorf("%s: hash %q", id, f.Hash)
		}
	}
	if len(want) != len(forms.TemplateIDs()) {
		t.Fatalf("templates: %v", forms.TemplateIDs())
	}
}

func TestDiem100Bands(t *testing.T) {
	t.Parallel()
	f, _ := forms.Template("diem-100")
	for total, want := range map[int]string{100: "htxs", 90: "htxs", 89: "htt", 70: "htt", 69: "htnv", 50: "htnv", 49: "khtnv", 0: "khtnv"} {
		if got := f.BandOf(total); got != want {
			t.Errorf("%d: %s, want %s", total, got, want)
		}
	}
}

func TestHashCoversContentOnly(t *testing.T) {
	t.Parallel()
	a, _ := forms.Template("tap-the-lanh-dao")
	b, _ := forms.Template("tap-the-lanh-dao")
	b.Version = 7
	if a.ContentHash() != b.ContentHash() {
		t.Fatal("the version changed the hash")
	}
	b.Questions[0].Text += "!"
	if a.ContentHash() == b.ContentHash() {
		t.Fatal("a changed question kept the hash")
	}
}

func raw(m map[string]any) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, v := range m {
		b, _ := json.Marshal(v)
		out[k] = b
	}
	return out
}

func TestCheckAnswers(t *testing.T) {
	t.Parallel()
	tc, _ := forms.Template("to-chuc-co-so-dang")
	d, _ := forms.Template("diem-100")
	full := map[string]any{"c1": "tot", "c2": "tot", "c3": "kem", "c4": "xuat_sac", "c5": "trung_binh", "c6": "tot", "c7": "tot", "level": "htt"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for a, b := range full {
			m[a] = b
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	scores := map[string]any{"s1": 17, "s2": "20", "s3": 0, "s4": 40, "s5": 9, "level": "htxs"}
	cases := []struct {
		name  string
		form  *forms.Form
		in    map[string]any
		field string // "" = valid
	}{
		{"Full", &tc, full, ""},
		{"WithComment", &tc, with("comment", "  Tốt  "), ""},
		{"BlankCommentIsNoAnswer", &tc, with("comment", "   "), ""},
		{"MissingRequired", &tc, with("c3", nil), "a.c3"},
		{"NullIsNoAnswer", &tc, with("c3", json.RawMessage("null")), "a.c3"},
		{"UnknownQuestion", &tc, with("c99", "tot"), "a.c99"},
		{"UnknownOption", &tc, with("c1", "rat_tot"), "a.c1"},
		{"OptionOfOtherSet", &tc, with("c1", "htxs"), "a.c1"},
		{"NumberForChoice", &tc, with("c1", 3), "a.c1"},
		{"CommentTooLong", &tc, with("comment", strings.Repeat("ă", 2001)), "a.comment"},
		{"CommentControlChar", &tc, with("comment", "a\x00b"), "a.comment"},
		{"Scores", &d, scores, ""},
		{"ScoreOverMax", &d, map[string]any{"s1": 21, "s2": 1, "s3": 1, "s4": 1, "s5": 1, "level": "htt"}, "a.s1"},
		{"NegativeScore", &d, map[string]any{"s1": -1, "s2": 1, "s3": 1, "s4": 1, "s5": 1, "level": "htt"}, "a.s1"},
		{"FractionScore", &d, map[string]any{"s1": 1.5, "s2": 1, "s3": 1, "s4": 1, "s5": 1, "level": "htt"}, "a.s1"},
		{"HugeScore", &d, map[string]any{"s1": json.RawMessage("1e400"), "s2": 1, "s3": 1, "s4": 1, "s5": 1, "level": "htt"}, "a.s1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.form.CheckAnswers(raw(c.in), "a")
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e, ok := err.(*apperr.Error)
			if !ok || e.Code != apperr.Invalid || e.Field != c.field {
				t.Fatalf("got %v, want invalid %s", err, c.field)
			}
		})
	}
	a, _ := d.CheckAnswers(raw(scores), "a")
	if !reflect.DeepEqual(a.Scores, map[string]int{"s1": 17, "s2": 20, "s3": 0, "s4": 40, "s5": 9}) || a.Choices["level"] != "htxs" {
		t.Fatalf("normalized: %+v", a)
	}
	_, err := tc.CheckAnswers(raw(map[string]any{"c1": "tot"}), "a")
	if got := err.(*apperr.Error).Extra["missing"]; !reflect.DeepEqual(got, []string{"c2", "c3", "c4", "c5", "c6", "c7", "level"}) {
		t.Fatalf("missing: %v", got)
	}
}
