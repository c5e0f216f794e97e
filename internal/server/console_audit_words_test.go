package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ballot/internal/auth"
)

// rawLabel finds a field label of the audit page that is an id ("issuer",
// "count_head"), at the top of a field or inside one ("place: Pleiku").
var rawLabel = regexp.MustCompile(`<dt>[a-z_.]+</dt>|<dd>(?:[^<]*, )?[a-z_]+: `)

// TestTheAuditLogSaysYesAndNamesEveryDocumentsField: a true detail reads
// "có" (not the report's "VƯỢT"), and the documents' settings an admin
// changes are listed by the names their page gives them.
func TestTheAuditLogSaysYesAndNamesEveryDocumentsField(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	e.must(200, "PATCH", "/api/v1/rounds/"+rid, e.admin, map[string]any{"documents": map[string]any{
		"issuer_parent": "ĐẢNG BỘ TỈNH GIA LAI", "issuer": "BAN THƯỜNG VỤ TỈNH ỦY", "place": "Gia Lai",
		"signer_for": "T/M BAN THƯỜNG VỤ", "signer_title": "BÍ THƯ", "signer_name": "Trần Văn Ký",
		"count_head": "Lê Thị Trưởng", "count_secretary": "Phan Văn Thư", "recipients": []string{"Như trên,", "Lưu VP."}}})
	session, csrf := e.ready("admin")
	e.page("POST", "/console/rounds/"+rid+"/documents", session, url.Values{"_csrf": {csrf}, "place": {"Pleiku"}, "kinds": {"xa: Xã, phường"}})
	e.page("POST", "/console/users", session, url.Values{"_csrf": {csrf}, "name": {"bkp"}, "role": {"committee"}})
	if r := e.page("POST", "/console/users/bkp/disable", session, url.Values{"_csrf": {csrf}}); r.Status != 303 {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	for lang, want := range map[string][]string{
		"vi": {"<dt>Bị khóa</dt><dd>có</dd>", "<dt>Cơ quan ban hành và người ký</dt><dd>", "Cơ quan ban hành: BAN THƯỜNG VỤ TỈNH ỦY", "Cơ quan cấp trên: ĐẢNG BỘ TỈNH GIA LAI",
			"Địa danh: Gia Lai", "Nơi nhận: Như trên,; Lưu VP.", "Trưởng ban kiểm phiếu: Lê Thị Trưởng", "Thư ký: Phan Văn Thư", "Thẩm quyền ký: T/M BAN THƯỜNG VỤ", "Chức vụ: BÍ THƯ", "Người ký: Trần Văn Ký", "Loại đơn vị: xa: Xã, phường"},
		"en": {"<dt>Disabled</dt><dd>yes</dd>", "<dt>Issuing body and signers</dt><dd>", "Place: Gia Lai", "Recipients: Như trên,; Lưu VP."},
	} {
		page := string(e.page("GET", "/console/audit?lang="+lang, session, nil).Body)
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("the %s audit page lacks %q", lang, w)
			}
		}
		if strings.Contains(page, "VƯỢT") || strings.Contains(page, "OVER") {
			t.Errorf("the %s audit page says a yes as the report's quota breach", lang)
		}
		if m := rawLabel.FindAllString(page, -1); m != nil {
			t.Errorf("the %s audit page labels fields by their ids: %q", lang, m)
		}
	}
}

// TestTheAuditLogNamesUnitsFormsAndDates: a batch, a form and a rating
// sheet are listed with the names of their units and forms beside their
// ids, and a decision's date as a document writes it.
func TestTheAuditLogNamesUnitsFormsAndDates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.countedRound()
	e.user("tinh", auth.Authority, "p")
	session, csrf := e.ready("tinh")
	if r := e.page("POST", "/console/rounds/"+rid+"/ratings/d1", session, url.Values{"_csrf": {csrf}, "row": {"c1"},
		"decision": {"45-QĐ/HU"}, "date": {"2026-12-05"}, "level.c1": {"htt"}}); r.Status != 303 {
		t.Fatalf("sheet: %d %s", r.Status, r.Body)
	}
	admin, _ := e.ready("admin")
	page := string(e.page("GET", "/console/audit", admin, nil).Body)
	for _, want := range []string{"Chi bộ thôn Một (c1)", "Đảng bộ huyện Một (d1)", "ngày 05 tháng 12 năm 2026"} {
		if !strings.Contains(page, want) {
			t.Errorf("the audit page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`<dt>Mẫu phiếu</dt><dd>[^<(]+ \([a-z0-9-]+\)</dd>`).MatchString(page) {
		t.Errorf("a form is not named by its title: %s", page)
	}
	if strings.Contains(page, "<dd>2026-12-05</dd>") {
		t.Error("a decision's date is shown as its ISO form")
	}
}
