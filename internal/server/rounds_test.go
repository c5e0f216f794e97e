package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ballot/internal/auth"
	"ballot/internal/seal"
)

func TestRoundLifecycleThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.must(201, "POST", "/api/v1/rounds", e.admin, map[string]any{"title": "Đánh giá chất lượng năm 2026", "year": 2026})
	rid := r.JSON["id"].(string)
	if rid != "r1" || r.JSON["state"] != "draft" || r.JSON["min_group_size"] != 3.0 {
		t.Fatalf("created: %s", r.Body)
	}
	// forms: a template and an uploaded one
	f := e.must(201, "POST", "/api/v1/rounds/r1/forms", e.admin, map[string]string{"template": "to-chuc-co-so-dang"})
	if f.JSON["id"] != "to-chuc-co-so-dang" || len(f.JSON["hash"].(string)) != 64 {
		t.Fatalf("form: %s", f.Body)
	}
	custom := map[string]any{"id": "rieng", "title": "Mẫu riêng", "questions": []map[string]any{
		{"id": "q1", "type": "choice", "text": "Câu 1", "option_set": "grade4", "required": true},
		{"id": "q2", "type": "score", "text": "Câu 2", "max": 10},
	}}
	e.must(201, "POST", "/api/v1/rounds/r1/forms", e.admin, custom)
	// anyone can read a form, with options expanded
	got := e.must(200, "GET", "/api/v1/rounds/r1/forms/to-chuc-co-so-dang", "", nil)
	qs := got.JSON["questions"].([]any)
	q0 := qs[0].(map[string]any)
	if q0["id"] != "c1" || q0["type"] != "choice" || q0["section"] != "I" || q0["required"] != true {
		t.Fatalf("first question: %v", q0)
	}
	if opts := q0["options"].([]any); len(opts) != 4 || opts[0].(map[string]any)["id"] != "xuat_sac" || opts[0].(map[string]any)["label"] != "Xuất sắc" {
		t.Fatalf("options: %v", opts)
	}
	last := qs[len(qs)-1].(map[string]any)
	if last["id"] != "comment" || last["type"] != "text" || last["max_len"] != 2000.0 {
		t.Fatalf("comment question: %v", last)
	}
	if got.JSON["hash"] != f.JSON["hash"] {
		t.Fatalf("hash differs between add and get")
	}
	// units
	e.must(201, "POST", "/api/v1/rounds/r1/units", e.admin, []map[string]string{
		{"id": "p", "name": "Tỉnh ủy", "kind": "province"},
		{"id": "c1", "name": "Chi bộ 1", "parent": "p", "kind": "grassroots", "group": "xa", "form": "to-chuc-co-so-dang"},
	})
	// schedule needs a key first
	later := t0.Add(24 * time.Hour)
	if r := e.do("PATCH", "/api/v1/rounds/r1", e.admin, map[string]any{"opens_at": later}); r.Status != 400 || !strings.Contains(r.ErrMessage(), "opens_at") {
		t.Fatalf("schedule without key: %d %s", r.Status, r.Body)
	}
	kp, _ := seal.GenerateKeyPair()
	k := e.must(200, "PUT", "/api/v1/rounds/r1/key", e.admin, map[string]string{"public_key": kp.Public})
	if k.JSON["public_key"] != kp.Public {
		t.Fatalf("key: %s", k.Body)
	}
	p := e.must(200, "PATCH", "/api/v1/rounds/r1", e.admin, map[string]any{"title": "Đợt 2026", "opens_at": later, "closes_at": later.Add(time.Hour), "min_group_size": 5})
	if p.JSON["title"] != "Đợt 2026" || p.JSON["min_group_size"] != 5.0 || p.JSON["opens_at"] == nil {
		t.Fatalf("patch: %s", p.Body)
	}
	// null clears a time
	p = e.must(200, "PATCH", "/api/v1/rounds/r1", e.admin, map[string]any{"opens_at": nil})
	if _, ok := p.JSON["opens_at"]; ok {
		t.Fatalf("opens_at not cleared: %s", p.Body)
	}
	// open with the key set: no private key returned
	o := e.must(200, "POST", "/api/v1/rounds/r1/open", e.admin, nil)
	if o.JSON["state"] != "open" || o.JSON["private_key"] != nil {
		t.Fatalf("open: %s", o.Body)
	}
	// list and get, also for an authority
	auth := e.user("tinh", auth.Authority, "p")
	l := e.must(200, "GET", "/api/v1/rounds", auth, nil)
	if n := len(l.JSON["rounds"].([]any)); n != 1 {
		t.Fatalf("list: %s", l.Body)
	}
	e.must(200, "GET", "/api/v1/rounds/r1", auth, nil)
	c := e.must(200, "POST", "/api/v1/rounds/r1/close", e.admin, nil)
	if c.JSON["state"] != "closed" {
		t.Fatalf("close: %s", c.Body)
	}
	// the audit log saw every change, chained
	a := e.must(200, "GET", "/api/v1/audit", e.admin, nil)
	entries := a.JSON["entries"].([]any)
	var actions []string
	prev := strings.Repeat("0", 64)
	for _, x := range entries {
		en := x.(map[string]any)
		actions = append(actions, en["action"].(string))
		if en["prev"] != prev {
			t.Fatalf("entry %v: prev %v, want %v", en["seq"], en["prev"], prev)
		}
		prev = en["hash"].(string)
		for _, f := range []string{"seq", "at", "actor", "action", "prev", "hash"} {
			if _, ok := en[f]; !ok {
				t.Fatalf("entry lacks %s: %v", f, en)
			}
		}
	}
	want := "bootstrap round.create form.put form.put units.import round.set_key round.patch round.patch round.open datakey.create user.add token.create round.close"
	if got := strings.Join(actions, " "); !strings.Contains(got, want) {
		t.Fatalf("audit actions:\n got %s\nwant %s", got, want)
	}
	if a.JSON["head"] != prev {
		t.Fatalf("head %v, want %v", a.JSON["head"], prev)
	}
	page := e.must(200, "GET", "/api/v1/audit?after=2&limit=3", e.admin, nil)
	if es := page.JSON["entries"].([]any); len(es) != 3 || es[0].(map[string]any)["seq"] != 3.0 {
		t.Fatalf("audit page: %s", page.Body)
	}
}

func TestOpenWithoutKeyGeneratesOneAndReturnsItOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	o := e.must(200, "POST", "/api/v1/rounds/"+rid+"/open", e.admin, nil)
	priv, _ := o.JSON["private_key"].(string)
	id, err := seal.ParseIdentity(priv)
	if err != nil {
		t.Fatalf("private key %q: %v", priv, err)
	}
	if id.Recipient().String() != o.JSON["public_key"] {
		t.Fatal("the returned private key does not match the round's public key")
	}
	if o.Header.Get("Cache-Control") != "no-store" {
		t.Fatal("the private key response may be cached")
	}
	g := e.must(200, "GET", "/api/v1/rounds/"+rid, e.admin, nil)
	if strings.Contains(string(g.Body), "AGE-SECRET-KEY") {
		t.Fatal("the private key is served again")
	}
	a := e.must(200, "GET", "/api/v1/audit", e.admin, nil)
	if strings.Contains(string(a.Body), "AGE-SECRET-KEY") {
		t.Fatal("the private key is in the audit log")
	}
}

func TestOpenNeedsATarget(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.must(201, "POST", "/api/v1/rounds", e.admin, map[string]any{"title": "x", "year": 2026})
	if r := e.do("POST", "/api/v1/rounds/r1/open", e.admin, nil); r.Status != 409 || r.ErrCode() != "conflict" {
		t.Fatalf("open without targets: %d %s", r.Status, r.Body)
	}
}

func TestBadRoundInputIsRefusedWhole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cases := []struct {
		name, body, field string
	}{
		{"NoTitle", `{"year": 2026}`, "title"},
		{"YearTooSmall", `{"title": "x", "year": 1999}`, "year"},
		{"UnknownField", `{"title": "x", "year": 2026, "owner": "me"}`, "owner"},
		{"GroupBelow3", `{"title": "x", "year": 2026, "min_group_size": 2}`, "min_group_size"},
		{"WrongType", `{"title": 5, "year": 2026}`, "title"},
		{"ControlChar", `{"title": "a\u0000b", "year": 2026}`, "title"},
		{"ClosesInPast", `{"title": "x", "year": 2026, "closes_at": "2020-01-01T00:00:00Z"}`, "closes_at"},
		{"Trailing", `{"title": "x", "year": 2026} {}`, ""},
		{"NotJSON", `title=x`, ""},
		{"Deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), ""},
		{"BadUTF8", "{\"title\": \"\xff\xfe\", \"year\": 2026}", ""},
		{"HugeNumber", `{"title": "x", "year": 1e400}`, "year"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/rounds", e.admin, c.body)
			if r.Status != 400 || r.ErrCode() != "invalid" {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if c.field != "" && !strings.Contains(r.ErrMessage(), c.field) {
				t.Fatalf("message does not name %s: %s", c.field, r.ErrMessage())
			}
		})
	}
	if l := e.must(200, "GET", "/api/v1/rounds", e.admin, nil); len(l.JSON["rounds"].([]any)) != 0 {
		t.Fatalf("a bad request stored a round: %s", l.Body)
	}
	// messages in the user's language
	r := e.do("POST", "/api/v1/rounds", e.admin, `{"year": 2026}`)
	if !strings.Contains(r.ErrMessage(), "bắt buộc") {
		t.Fatalf("default message not Vietnamese: %s", r.ErrMessage())
	}
	r = e.do("POST", "/api/v1/rounds", e.admin, `{"year": 2026}`, "Accept-Language", "en-US,en;q=0.8")
	if r.ErrMessage() != "Field title: is required" {
		t.Fatalf("English message: %s", r.ErrMessage())
	}
	// oversized body
	big := fmt.Sprintf(`{"title": %q, "year": 2026}`, strings.Repeat("a", 70<<10))
	if r := e.do("POST", "/api/v1/rounds", e.admin, big); r.Status != 400 || r.ErrCode() != "invalid" {
		t.Fatalf("big body: %d %s", r.Status, r.Body)
	}
}

func TestBadFormsAreRefusedNamingTheField(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	cases := []struct {
		name  string
		form  string
		field string
	}{
		{"UnknownTemplate", `{"template": "nope"}`, "template"},
		{"NoQuestions", `{"id": "f", "title": "t", "questions": []}`, "questions"},
		{"BadType", `{"id": "f", "title": "t", "questions": [{"id": "q", "type": "slider", "text": "x"}]}`, "questions[0].type"},
		{"OneOption", `{"id": "f", "title": "t", "questions": [{"id": "q", "type": "choice", "text": "x", "options": [{"id": "a", "label": "A"}]}]}`, "questions[0].options"},
		{"DuplicateQuestion", `{"id": "f", "title": "t", "questions": [{"id": "q", "type": "text", "text": "x"}, {"id": "q", "type": "text", "text": "y"}]}`, "questions[1].id"},
		{"ScoreWithoutMax", `{"id": "f", "title": "t", "questions": [{"id": "q", "type": "score", "text": "x"}]}`, "questions[0].max"},
		{"UnknownSection", `{"id": "f", "title": "t", "questions": [{"id": "q", "type": "text", "text": "x", "section": "Z"}]}`, "questions[0].section"},
		{"UnknownSet", `{"id": "f", "title": "t", "questions": [{"id": "q", "type": "choice", "text": "x", "option_set": "grade9"}]}`, "questions[0].option_set"},
		{"BadID", `{"id": "f f", "title": "t", "questions": [{"id": "q", "type": "text", "text": "x"}]}`, "id"},
		{"HashSent", `{"id": "f", "title": "t", "hash": "abc", "questions": [{"id": "q", "type": "text", "text": "x"}]}`, "hash"},
		{"TextTooLong", `{"id": "f", "title": "t", "questions": [{"id": "q", "type": "text", "text": "x", "max_len": 99999}]}`, "questions[0].max_len"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/rounds/"+rid+"/forms", e.admin, c.form)
			if r.Status != 400 || r.ErrCode() != "invalid" || !strings.Contains(r.ErrMessage(), c.field) {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		})
	}
	e.must(404, "GET", "/api/v1/rounds/"+rid+"/forms/f", "", nil)
}

func TestReaddingAFormInDraftReplacesIt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.draftRound()
	a := e.must(201, "POST", "/api/v1/rounds/"+rid+"/forms", e.admin, `{"id": "f", "title": "A", "questions": [{"id": "q", "type": "text", "text": "x"}]}`)
	b := e.must(201, "POST", "/api/v1/rounds/"+rid+"/forms", e.admin, `{"id": "f", "title": "B", "questions": [{"id": "q", "type": "text", "text": "x"}]}`)
	if a.JSON["hash"] == b.JSON["hash"] || b.JSON["version"] != 2.0 {
		t.Fatalf("replace: %s then %s", a.Body, b.Body)
	}
	if g := e.must(200, "GET", "/api/v1/rounds/"+rid+"/forms/f", "", nil); g.JSON["title"] != "B" {
		t.Fatalf("got %s", g.Body)
	}
}
