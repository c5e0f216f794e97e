package rounds

import (
	"encoding/json"

	"ballot/internal/apperr"
	"ballot/internal/valid"
)

// Documents is what a round's printed documents say of who issues them:
// the issuing body (cơ quan ban hành) under its parent body, the place of
// the date line, who signs the report and the count minutes, the
// recipients (nơi nhận), and names for the kinds and peer groups of units
// where the built-in names do not fit. None of it reaches participants or
// counting, so it may change in any state (every change audited).
type Documents struct {
	// IssuerParent and Issuer head the documents' left column, e.g.
	// "ĐẢNG BỘ TỈNH GIA LAI" over "BAN THƯỜNG VỤ TỈNH ỦY".
	IssuerParent string `json:"issuer_parent,omitempty" validate:"max=200,line"`
	Issuer       string `json:"issuer,omitempty" validate:"max=200,line"`
	// Place begins the date line: "Gia Lai, ngày 02 tháng 12 năm 2026".
	Place string `json:"place,omitempty" validate:"max=100,line"`
	// The report's signer: on whose behalf ("T/M BAN THƯỜNG VỤ"), the title
	// ("BÍ THƯ") and the name.
	SignerFor   string `json:"signer_for,omitempty" validate:"max=200,line"`
	SignerTitle string `json:"signer_title,omitempty" validate:"max=200,line"`
	SignerName  string `json:"signer_name,omitempty" validate:"max=200,line"`
	// The count minutes' signers: the head and the secretary of the
	// counting committee.
	CountHead      string `json:"count_head,omitempty" validate:"max=200,line"`
	CountSecretary string `json:"count_secretary,omitempty" validate:"max=200,line"`
	// Recipients are the report's "Nơi nhận" lines.
	Recipients []string `json:"recipients,omitempty" validate:"max=20,dive,max=200,line"`
	// Kinds and Groups name unit kinds and peer groups by id, as reports
	// print them ("xa": "Đảng bộ xã, phường, thị trấn").
	Kinds  map[string]string `json:"kinds,omitempty" validate:"max=50,dive,keys,id,endkeys,required,max=200,line"`
	Groups map[string]string `json:"groups,omitempty" validate:"max=100,dive,keys,id,endkeys,required,max=200,line"`
}

// Check validates d.
func (d *Documents) Check() error { return valid.Struct(d, "documents") }

// Merged returns d changed by patch, a JSON merge patch (RFC 7396): a
// member replaces the setting, null removes it, and kinds and groups are
// merged name by name. The result is checked; d is left as it is.
func (d Documents) Merged(patch json.RawMessage) (Documents, error) {
	cur, err := json.Marshal(d)
	if err != nil {
		return d, apperr.Wrap(err)
	}
	var base, change any
	if err := json.Unmarshal(cur, &base); err != nil {
		return d, apperr.Wrap(err)
	}
	if err := json.Unmarshal(patch, &change); err != nil {
		return d, apperr.Field("documents", "json.bad", err.Error())
	}
	if _, ok := change.(map[string]any); !ok && change != nil {
		return d, apperr.Field("documents", "round.documents_object")
	}
	merged, err := json.Marshal(mergePatch(base, change))
	if err != nil {
		return d, apperr.Wrap(err)
	}
	var out Documents
	if err := valid.JSON(merged, &out); err != nil {
		e := apperr.Wrap(err)
		if e.Field != "" {
			e.Field = "documents." + e.Field
		}
		return d, e
	}
	return out, out.Check()
}

// mergePatch applies an RFC 7396 merge patch to a decoded JSON value.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], v)
	}
	return t
}
