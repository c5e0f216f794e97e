package service_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"ballot/internal/apperr"
	"ballot/internal/export"
	"ballot/internal/forms"
	"ballot/internal/i18n"
	"ballot/internal/report"
	"ballot/internal/result"
	"ballot/internal/result/resulttest"
	"ballot/internal/rounds"
	"ballot/internal/service"
	"ballot/internal/storage"
	"ballot/internal/tally"
)

var admin = resulttest.Admin

// two small provinces and a parent over them
func twoChildren(t *testing.T) (*resulttest.Child, *resulttest.Child) {
	t.Helper()
	a := resulttest.NewChild(t, resulttest.Spec{Root: "pa", Districts: 3, PerDistrict: 5, Ballots: 4, Year: 2026, Seed: 1})
	b := resulttest.NewChild(t, resulttest.Spec{Root: "pb", Districts: 2, PerDistrict: 6, Ballots: 3, Year: 2026, Seed: 2})
	return a, b
}

// direct is the report over every child's units and ratings put under one
// root, computed with the ordinary report code: what a national report
// must equal.
func direct(t *testing.T, root string, children ...*resulttest.Child) *report.Report {
	t.Helper()
	units := []rounds.Unit{{ID: root, Name: root, Kind: "central"}}
	in := &report.Input{Ratings: map[string]report.Rating{}, Caps: map[string]int{}}
	for _, c := range children {
		for _, u := range c.Units {
			if u.ID == c.Root {
				u.Parent = root
			}
			units = append(units, u)
		}
		err := c.Svc.Store().View(func(tx *storage.Tx) error {
			ratings, err := tx.Ratings(c.Round.ID)
			for id, r := range ratings {
				in.Ratings[id] = r
			}
			caps, err2 := tx.Caps(c.Round.ID)
			for k, v := range caps {
				in.Caps[k] = v
			}
			return errors.Join(err, err2)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	in.Tree = tally.NewTree(units)
	return report.Make(in, "", root, "")
}

func TestTheNationalReportIsTheSumOfTheChildren(t *testing.T) {
	t.Parallel()
	a, b := twoChildren(t)
	svc := resulttest.Open(t)
	parent := resulttest.NewParent(t, svc, 2026, "tw", a, b)
	for _, c := range []*resulttest.Child{a, b} {
		sr := c.Export(t, "")
		im, err := svc.ImportResult(admin, parent.ID, sr.File, sr.Signature)
		if err != nil {
			t.Fatalf("import %s: %v", c.Root, err)
		}
		if im.Sequence != sr.Sequence || im.Root != c.Root {
			t.Fatalf("imported %+v, want sequence %d of %s", im, sr.Sequence, c.Root)
		}
	}
	rep, _, err := svc.Report(admin, parent.ID, service.ReportQuery{})
	if err != nil {
		t.Fatal(err)
	}
	want := direct(t, "tw", a, b)
	strip := func(rows ...report.Row) string {
		for i := range rows {
			rows[i].Name = ""
		}
		raw, _ := json.Marshal(rows)
		return string(raw)
	}
	if got, w := strip(rep.Row), strip(want.Row); got != w {
		t.Fatalf("national row\n got %s\nwant %s", got, w)
	}
	if len(rep.Sections) != len(want.Sections) {
		t.Fatalf("%d sections, want %d", len(rep.Sections), len(want.Sections))
	}
	for i, s := range rep.Sections {
		ws := want.Sections[i]
		if s.Kind != ws.Kind || strip(s.Total) != strip(ws.Total) || strip(s.Children...) != strip(ws.Children...) {
			t.Fatalf("section %s\n got %s %s\nwant %s %s", s.Kind, strip(s.Total), strip(s.Children...), strip(ws.Total), strip(ws.Children...))
		}
	}
	if len(rep.Children) != 2 || rep.Total == 0 {
		t.Fatalf("national report: %d children, %d targets", len(rep.Children), rep.Total)
	}
	q, _ := json.Marshal(rep.Quota)
	wq, _ := json.Marshal(want.Quota)
	if string(q) != string(wq) {
		t.Fatalf("quota\n got %s\nwant %s", q, wq)
	}
	if len(rep.Summary["vi"]) != len(rep.Sections) {
		t.Fatal("no summary paragraph per section")
	}
	// inside a child: the child's own report
	inside, _, err := svc.Report(admin, parent.ID, service.ReportQuery{Unit: "pa", Compare: service.NoCompare})
	if err != nil {
		t.Fatal(err)
	}
	own, _, err := a.Svc.Report(admin, a.Round.ID, service.ReportQuery{Compare: service.NoCompare})
	if err != nil {
		t.Fatal(err)
	}
	if strip(inside.Row) != strip(own.Row) || strip(inside.Children...) != strip(own.Children...) || !inside.Final {
		t.Fatalf("province pa in the parent\n got %s\nwant %s", strip(inside.Children...), strip(own.Children...))
	}
}

// reason is the message key of err, inside a field error's wrapping.
func reason(err error) string {
	m := apperr.Wrap(err).Msg
	if m.Key == "invalid.field" && len(m.Args) == 2 {
		if inner, ok := m.Args[1].(i18n.Msg); ok {
			return inner.Key
		}
	}
	return m.Key
}

// refused checks an import fails with code for the reason named by the
// message key, and changes nothing.
func refused(t *testing.T, svc *service.Service, rid string, data, sig []byte, code apperr.Code, key, why string) {
	t.Helper()
	before, _ := svc.AuditHead()
	was, _ := svc.Results(rid)
	_, err := svc.ImportResult(admin, rid, data, sig)
	if err == nil {
		t.Fatalf("%s: imported", why)
	}
	if got := apperr.CodeOf(err); got != code || reason(err) != key {
		t.Fatalf("%s: %v (code %s, want %s; reason %s, want %s)", why, err, got, code, reason(err), key)
	}
	for _, l := range i18n.Langs {
		if msg := apperr.Wrap(err).Msg.In(l); msg == "" || msg == apperr.Wrap(err).Msg.Key {
			t.Fatalf("%s: no %s message for %s", why, l, apperr.Wrap(err).Msg.Key)
		}
	}
	after, _ := svc.AuditHead()
	now, _ := svc.Results(rid)
	a, _ := json.Marshal(was)
	b, _ := json.Marshal(now)
	if before != after || string(a) != string(b) {
		t.Fatalf("%s: something was stored", why)
	}
	t.Logf("%s: %s", why, apperr.Wrap(err).Msg.In(i18n.EN))
}

// resigned is sr's file changed by edit and signed again with c's key.
func resigned(t *testing.T, c *resulttest.Child, sr *service.SignedResult, edit func(*result.File)) ([]byte, []byte) {
	t.Helper()
	f, err := result.Parse(sr.File)
	if err != nil {
		t.Fatal(err)
	}
	edit(f)
	data, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return data, c.Key.Sign(data, "edited")
}

func TestABadResultIsRefusedWholeAndSaysWhy(t *testing.T) {
	t.Parallel()
	a, b := twoChildren(t)
	other, _ := forms.Template("to-chuc-co-so-dang")
	other.Questions[0].Text += " (bản sửa)"
	other.Hash = other.ContentHash()
	c := resulttest.NewChild(t, resulttest.Spec{Root: "pc", Districts: 1, PerDistrict: 3, Ballots: 3, Year: 2026, Seed: 3, Grassroots: &other})
	svc := resulttest.Open(t)
	parent := resulttest.NewParent(t, svc, 2026, "tw", a, b, c)
	sa := a.Export(t, "")

	tampered := slices.Clone(sa.File)
	i := len(tampered) / 2
	tampered[i] ^= 0x01
	refused(t, svc, parent.ID, tampered, sa.Signature, apperr.Invalid, "result.signature_bad", "a tampered byte")

	// a's file signed with b's key: b's key is registered for pb
	refused(t, svc, parent.ID, sa.File, b.Key.Sign(sa.File, "b"), apperr.Invalid, "result.wrong_root", "a wrong key")
	// signed with a key nobody registered
	secret, _, _ := result.NewSigningKey()
	stranger, _ := result.ParseSigningKey(secret)
	refused(t, svc, parent.ID, sa.File, stranger.Sign(sa.File, "x"), apperr.Invalid, "result.key_unknown", "an unregistered key")

	data, sig := resigned(t, a, sa, func(f *result.File) {
		f.Units = append(f.Units, rounds.Unit{ID: "elsewhere", Name: "Tỉnh khác", Kind: "province"})
	})
	refused(t, svc, parent.ID, data, sig, apperr.Invalid, "result.outside_root", "a unit outside the registered root")

	sc := c.Export(t, "")
	refused(t, svc, parent.ID, sc.File, sc.Signature, apperr.Invalid, "result.form_hash", "a child with a different form hash")

	data, sig = resigned(t, a, sa, func(f *result.File) {
		for i := range f.Targets {
			if f.Targets[i].Withheld {
				f.Targets[i].Questions[0].Withheld = false
				f.Targets[i].Questions[0].Options = []tally.Option{{ID: "xuat_sac", Count: 1}, {ID: "tot", Count: 1}, {ID: "trung_binh"}, {ID: "kem"}}
				return
			}
		}
		t.Fatal("no withheld target in the child")
	})
	refused(t, svc, parent.ID, data, sig, apperr.Invalid, "result.withheld_shown", "a withheld figure shown")

	data, sig = resigned(t, a, sa, func(f *result.File) { f.Ratings[0].Level = "htxs"; f.Ratings[1].Level = "htxs" })
	refused(t, svc, parent.ID, data, sig, apperr.Invalid, "result.report", "a report that does not match its ratings")

	// the real file goes in; then the same again, and an older one, are replays
	if _, err := svc.ImportResult(admin, parent.ID, sa.File, sa.Signature); err != nil {
		t.Fatal(err)
	}
	refused(t, svc, parent.ID, sa.File, sa.Signature, apperr.Conflict, "result.sequence_old", "the same sequence again")
	older, oldSig := resigned(t, a, sa, func(f *result.File) { f.Sequence-- })
	refused(t, svc, parent.ID, older, oldSig, apperr.Conflict, "result.sequence_old", "a replayed older sequence")

	// b's file claiming one of a's units
	sb := b.Export(t, "")
	data, sig = resigned(t, b, sb, func(f *result.File) {
		for i := range f.Units {
			if f.Units[i].ID == "pb-d01" {
				f.Units = append(f.Units, rounds.Unit{ID: "pa-d01", Name: "x", Parent: "pb", Kind: "district"})
				return
			}
		}
	})
	refused(t, svc, parent.ID, data, sig, apperr.Invalid, "result.unit_elsewhere", "a unit of another child")

	// a newer one replaces the old, audited
	newer, newSig := resigned(t, a, sa, func(f *result.File) { f.Sequence += 5 })
	im, err := svc.ImportResult(admin, parent.ID, newer, newSig)
	if err != nil || im.Sequence != sa.Sequence+5 {
		t.Fatalf("a newer sequence: %v %+v", err, im)
	}
	entries, _, err := svc.AuditPage(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	last := entries[0]
	var d map[string]any
	json.Unmarshal(last.Detail, &d)
	if last.Action != "result.import" || d["replaced_sequence"] != float64(sa.Sequence) || d["sequence"] != float64(sa.Sequence+5) {
		t.Fatalf("the replacement's audit entry: %s %s", last.Action, last.Detail)
	}
}

// imported is a parent round over a and b with both results in.
func imported(t *testing.T, svc *service.Service, root string, children ...*resulttest.Child) *rounds.Round {
	t.Helper()
	parent := resulttest.NewParent(t, svc, 2026, root, children...)
	for _, c := range children {
		sr := c.Export(t, "")
		if _, err := svc.ImportResult(admin, parent.ID, sr.File, sr.Signature); err != nil {
			t.Fatalf("import %s: %v", c.Root, err)
		}
	}
	return parent
}

func TestTheNationalTallyCombinesTheChildrensRollups(t *testing.T) {
	t.Parallel()
	a, b := twoChildren(t)
	svc := resulttest.Open(t)
	parent := imported(t, svc, "tw", a, b)
	v, err := svc.TallyView(admin, parent.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	childRoot := map[string]tally.RollupView{}
	targets := 0
	for _, c := range []*resulttest.Child{a, b} {
		cv, err := c.Svc.TallyView(admin, c.Round.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		targets += len(cv.Targets)
		for _, r := range cv.Rollups {
			if r.Unit == c.Root {
				childRoot[c.Root+"|"+r.Form] = r
			}
		}
	}
	if len(v.Targets) != targets {
		t.Fatalf("%d targets in the national tally, the children have %d", len(v.Targets), targets)
	}
	national := 0
	for _, r := range v.Rollups {
		if r.Unit != "tw" {
			continue
		}
		national++
		pa, pb := childRoot["pa|"+r.Form], childRoot["pb|"+r.Form]
		if r.Ballots != pa.Ballots+pb.Ballots || r.Targets != pa.Targets+pb.Targets {
			t.Fatalf("national %s: %d ballots of %d targets, children %d+%d", r.Form, r.Ballots, r.Targets, pa.Ballots, pb.Ballots)
		}
		for i, q := range r.Questions {
			qa, qb := pa.Questions[i], pb.Questions[i]
			if q.Withheld != (qa.Withheld || qb.Withheld) {
				t.Fatalf("national %s/%s withheld %v, children %v %v", r.Form, q.ID, q.Withheld, qa.Withheld, qb.Withheld)
			}
			for j, o := range q.Options {
				if o.Count != qa.Options[j].Count+qb.Options[j].Count {
					t.Fatalf("national %s/%s/%s = %d, children %d + %d", r.Form, q.ID, o.ID, o.Count, qa.Options[j].Count, qb.Options[j].Count)
				}
			}
		}
	}
	if national != 2 {
		t.Fatalf("%d national roll-ups, want one per form", national)
	}
	// every export format of a normal round works on the parent round
	for _, format := range export.TallyFormats {
		var buf bytes.Buffer
		tv, err := svc.Tally(admin, parent.ID, "")
		if err == nil {
			err = export.Tally(&buf, format, tv.Counted, parent.ID, tv.Unit, i18n.VI, export.MetaOf(tv.Round, tv.UnitName, time.Now()))
		}
		if err != nil || buf.Len() < 1000 {
			t.Fatalf("tally %s: %v (%d bytes)", format, err, buf.Len())
		}
	}
	rep, r, err := svc.Report(admin, parent.ID, service.ReportQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range export.ReportFormats {
		var buf bytes.Buffer
		if err := export.Report(&buf, format, rep, i18n.EN, export.MetaOf(r, rep.Name, time.Now())); err != nil || buf.Len() < 500 {
			t.Fatalf("report %s: %v (%d bytes)", format, err, buf.Len())
		}
		if format == "html" && !strings.Contains(buf.String(), "Đảng bộ tỉnh pb") {
			t.Fatal("the national report's HTML names no province")
		}
	}
}

// TestAParentsResultGoesToAGrandparent: districts' instances under a
// province's parent round, whose own signed result a national round
// imports; the national figures are still those of all the ratings.
func TestAParentsResultGoesToAGrandparent(t *testing.T) {
	t.Parallel()
	a, b := twoChildren(t)
	province := resulttest.Open(t)
	mid := imported(t, province, "pm", a, b)
	if _, err := province.ExportResult(admin, mid.ID, "", a.Key); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("exporting a parent round still collecting: %v", err)
	}
	if _, err := province.CloseRound(admin, mid.ID); err != nil {
		t.Fatal(err)
	}
	secret, public, _ := result.NewSigningKey()
	key, _ := result.ParseSigningKey(secret)
	sr, err := province.ExportResult(admin, mid.ID, "", key)
	if err != nil {
		t.Fatal(err)
	}
	f, err := result.Parse(sr.File)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Sources) != 2 || !f.Round.Parent || f.Anchors.Results == nil {
		t.Fatalf("a parent's file: %d sources, parent %v, anchor %v", len(f.Sources), f.Round.Parent, f.Anchors.Results)
	}
	mid1 := &resulttest.Child{Svc: province, Round: mid, Root: "pm", Key: key, PublicKey: public}
	nation := resulttest.Open(t)
	top := resulttest.NewParent(t, nation, 2026, "tw", mid1)
	if _, err := nation.ImportResult(admin, top.ID, sr.File, sr.Signature); err != nil {
		t.Fatal(err)
	}
	rep, _, err := nation.Report(admin, top.ID, service.ReportQuery{Compare: service.NoCompare})
	if err != nil {
		t.Fatal(err)
	}
	want := direct(t, "tw", a, b)
	if rep.Total != want.Total || rep.Rated != want.Rated || rep.GoodOrBetter != want.GoodOrBetter || rep.ExcellentOfGood != want.ExcellentOfGood {
		t.Fatalf("grandparent %+v\nwant %+v", rep.Row, want.Row)
	}
	// the same tally two levels up
	v, err := nation.TallyView(admin, top.ID, "pa-d01")
	if err != nil {
		t.Fatal(err)
	}
	own, err := a.Svc.TallyView(admin, a.Round.ID, "pa-d01")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(v.Targets)
	for i := range own.Targets {
		own.Targets[i].Comments = nil
	}
	w, _ := json.Marshal(own.Targets)
	if string(got) != string(w) {
		t.Fatalf("a district's tally two levels up differs\n got %.300s\nwant %.300s", got, w)
	}
}

// TestANationalReportIsComparedWithTheYearBefore: the parent round of
// 2026 is compared with the parent round of 2025 over the same roots: the
// year before's national figures, their change, and the targets added and
// gone, province by province.
func TestANationalReportIsComparedWithTheYearBefore(t *testing.T) {
	t.Parallel()
	now := resulttest.NewChild(t, resulttest.Spec{Root: "pa", Districts: 2, PerDistrict: 5, Ballots: 3, Year: 2026, Seed: 1})
	before := resulttest.NewChild(t, resulttest.Spec{Root: "pa", Districts: 2, PerDistrict: 4, Ballots: 3, Year: 2025, Seed: 5})
	svc := resulttest.Open(t)
	old := resulttest.NewParent(t, svc, 2025, "tw", before)
	sr := before.Export(t, "")
	if _, err := svc.ImportResult(admin, old.ID, sr.File, sr.Signature); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CloseRound(admin, old.ID); err != nil {
		t.Fatal(err)
	}
	cur := imported(t, svc, "tw", now)
	rep, _, err := svc.Report(admin, cur.ID, service.ReportQuery{Kind: "grassroots"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Compared == nil || rep.Compared.Round != old.ID || !rep.Compared.Final {
		t.Fatalf("compared with %+v, want %s", rep.Compared, old.ID)
	}
	s := rep.Sections[0]
	was := direct(t, "tw", before)
	if s.Previous.Total != 8 || s.Previous.Rated != was.Sections[len(was.Sections)-1].Total.Rated || s.Change.Total != 2 {
		t.Fatalf("previous %+v, change %+v", s.Previous, s.Change)
	}
	if len(s.Added) != 2 || s.Added[0].ID != "pa-c01005" || len(s.Gone) != 0 {
		t.Fatalf("added %v, gone %v", s.Added, s.Gone)
	}
	if !strings.Contains(rep.Summary["vi"][0], "so với năm 2025") {
		t.Fatalf("the paragraph does not compare: %s", rep.Summary["vi"][0])
	}
	// inside the province: the province's own comparison
	inside, _, err := svc.Report(admin, cur.ID, service.ReportQuery{Unit: "pa", Kind: "grassroots"})
	if err != nil || inside.Sections[0].Previous == nil || len(inside.Sections[0].Added) != 2 {
		t.Fatalf("inside the province: %v %+v", err, inside.Sections[0])
	}
}
