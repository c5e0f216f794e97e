package rounds_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"ballot/internal/apperr"
	"ballot/internal/rounds"
)

var gialai = rounds.Documents{IssuerParent: "ĐẢNG BỘ TỈNH GIA LAI", Issuer: "BAN THƯỜNG VỤ TỈNH ỦY", Place: "Gia Lai",
	Recipients: []string{"Ban Tổ chức Trung ương,", "Lưu VP."}, Groups: map[string]string{"xa": "Xã", "coquan": "Cơ quan"}}

func TestDocumentsMergeAsAJSONMergePatch(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		patch string
		want  func(d *rounds.Documents)
	}{
		"AMemberReplacesTheSetting": {`{"place": "Pleiku", "signer_name": "Nguyễn Văn A"}`, func(d *rounds.Documents) { d.Place, d.SignerName = "Pleiku", "Nguyễn Văn A" }},
		"NullRemovesIt":             {`{"issuer_parent": null}`, func(d *rounds.Documents) { d.IssuerParent = "" }},
		"NamesMergeOneByOne": {`{"groups": {"xa": "Xã, phường, thị trấn", "coquan": null, "dn": "Doanh nghiệp"}}`, func(d *rounds.Documents) {
			d.Groups = map[string]string{"xa": "Xã, phường, thị trấn", "dn": "Doanh nghiệp"}
		}},
		"AListIsReplacedWhole": {`{"recipients": ["Lưu VT."]}`, func(d *rounds.Documents) { d.Recipients = []string{"Lưu VT."} }},
		"NullClearsEverything": {`null`, func(d *rounds.Documents) { *d = rounds.Documents{} }},
	} {
		t.Run(name, func(t *testing.T) {
			before := clone(gialai)
			got, err := before.Merged(json.RawMessage(c.patch))
			if err != nil {
				t.Fatal(err)
			}
			want := clone(gialai)
			c.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %+v\nwant %+v", got, want)
			}
			if !reflect.DeepEqual(before, gialai) {
				t.Fatal("merging changed the settings it started from")
			}
		})
	}
}

func TestBadDocumentsAreRefusedNamingTheField(t *testing.T) {
	t.Parallel()
	long := make([]byte, 201)
	for i := range long {
		long[i] = 'A'
	}
	for patch, field := range map[string]string{
		`{"issuer": "BAN THƯỜNG VỤ\nTỈNH ỦY"}`:   "documents.issuer",
		`{"place": "` + string(long) + `"}`:      "documents.place",
		`{"groups": {"không có dấu cách": "x"}}`: "documents.groups[không có dấu cách]",
		`{"kinds": {"grassroots": ""}}`:          "documents.kinds[grassroots]",
		`{"signer": "x"}`:                        "documents.signer",
		`{"recipients": "Lưu VT."}`:              "documents.recipients",
		`["issuer"]`:                             "documents",
	} {
		_, err := gialai.Merged(json.RawMessage(patch))
		e := apperr.Wrap(err)
		if err == nil || e.Code != apperr.Invalid || e.Field != field {
			t.Errorf("%s: %v (field %q), want invalid %s", patch, err, e.Field, field)
		}
	}
}

func TestDocumentsChangeInEveryStateAndAPatchIsRefusedWhole(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	for _, s := range rounds.States {
		r := &rounds.Round{Title: "Đợt", Year: 2026, MinGroupSize: 3, State: s, PublicKey: "age1x", Documents: clone(gialai)}
		if err := r.Apply(rounds.Patch{Documents: json.RawMessage(`{"place": "Pleiku"}`)}, now); err != nil || r.Documents.Place != "Pleiku" {
			t.Errorf("%s: %v, place %q", s, err, r.Documents.Place)
		}
		if s == rounds.Draft {
			continue
		}
		// with a change the state does not allow, nothing changes
		title := "Tên mới"
		err := r.Apply(rounds.Patch{Title: &title, Documents: json.RawMessage(`{"place": "Chư Sê"}`)}, now)
		if apperr.CodeOf(err) != apperr.Conflict || r.Documents.Place != "Pleiku" || r.Title != "Đợt" {
			t.Errorf("%s: %v, place %q, title %q", s, err, r.Documents.Place, r.Title)
		}
	}
}

func clone(d rounds.Documents) rounds.Documents {
	raw, _ := json.Marshal(d)
	var out rounds.Documents
	json.Unmarshal(raw, &out)
	return out
}

func FuzzDocumentsPatch(f *testing.F) {
	f.Add([]byte(`{"issuer": "BAN THƯỜNG VỤ", "groups": {"xa": null}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"kinds": {"a": {"b": 1}}}`))
	f.Fuzz(func(t *testing.T, patch []byte) {
		d, err := gialai.Merged(patch)
		if err != nil {
			return
		}
		// what is accepted is valid and survives a round trip
		if err := d.Check(); err != nil {
			t.Fatalf("accepted %s but %v", patch, err)
		}
		if !reflect.DeepEqual(clone(d), d) && !(len(d.Groups) == 0 && len(d.Kinds) == 0 && len(d.Recipients) == 0) {
			t.Fatalf("%+v does not survive JSON", d)
		}
	})
}
