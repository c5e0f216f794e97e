package ballots

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"ballot/internal/forms"
	"ballot/internal/tally"
)

// plan is a form's questions in the order EncodeGrades writes them (by id),
// so a binary ballot is counted by matching ids in sequence instead of
// building maps: the fast path of counting.
type plan struct {
	choices, scores []planned
	// A form without score questions is counted in a small array per
	// target (compact): the ballots, then each choice question's answers
	// and option counts from offset[question]. Counting a ballot then
	// touches a few cache lines, not the target's whole aggregate.
	width  int
	offset []int // by question of the form; -1 for text questions
}

func (p *plan) compact() bool { return len(p.scores) == 0 }

type planned struct {
	id      string
	index   int      // in the form
	options []string // choice: option ids by position
	max     int      // score: the highest value
}

func newPlan(f *forms.Form) *plan {
	p := &plan{width: 1, offset: make([]int, len(f.Questions))}
	for i, q := range f.Questions {
		p.offset[i] = -1
		switch q.Type {
		case forms.Choice:
			pq := planned{id: q.ID, index: i}
			for _, o := range q.Options {
				pq.options = append(pq.options, o.ID)
			}
			p.choices = append(p.choices, pq)
			p.offset[i] = p.width
			p.width += 1 + len(q.Options)
		case forms.Score:
			p.scores = append(p.scores, planned{id: q.ID, index: i, max: q.Max})
		}
	}
	byID := func(a, b planned) int { return strings.Compare(a.id, b.id) }
	slices.SortFunc(p.choices, byID)
	slices.SortFunc(p.scores, byID)
	return p
}

// counter counts sealed grades for one worker. Compact targets are counted
// in its own small arrays, others in aggregates of its own; flush adds both
// to the shared aggregates it was made for.
type counter struct {
	slots   map[string]*slot
	answers []tally.Answer
}

// slot is where one target's ballots are counted.
type slot struct {
	shared *Aggregate
	plan   *plan
	counts []uint32   // compact plans: see plan
	own    *Aggregate // other plans
}

func newCounter(shared map[string]*Aggregate) *counter {
	c := &counter{slots: make(map[string]*slot, len(shared))}
	plans := map[*forms.Form]*plan{}
	width := 0
	for _, a := range shared {
		p := plans[a.Form]
		if p == nil {
			p = newPlan(a.Form)
			plans[a.Form] = p
		}
		if p.compact() {
			width += p.width
		}
	}
	counts := make([]uint32, width)
	for id, a := range shared {
		s := &slot{shared: a, plan: plans[a.Form]}
		if s.plan.compact() {
			s.counts, counts = counts[:s.plan.width:s.plan.width], counts[s.plan.width:]
		} else {
			s.own = &Aggregate{Target: *tally.NewTarget(id, a.Form), Form: a.Form}
		}
		c.slots[id] = s
	}
	return c
}

// add counts one ballot's answers (valid for the target's form).
func (s *slot) add(answers []tally.Answer) {
	if s.own != nil {
		s.own.AddAnswers(s.own.Form, answers)
		return
	}
	s.counts[0]++
	for _, a := range answers {
		off := s.plan.offset[a.Q]
		s.counts[off]++
		s.counts[off+1+a.V]++
	}
}

// flush adds what was counted to the shared aggregates and starts again
// from zero. Workers sharing them must hold a lock.
func (c *counter) flush() {
	for id, s := range c.slots {
		t := &s.shared.Target
		if s.own != nil {
			t.Merge(&s.own.Target)
			s.own = &Aggregate{Target: *tally.NewTarget(id, s.own.Form), Form: s.own.Form}
			continue
		}
		t.Ballots += int(s.counts[0])
		for qi, off := range s.plan.offset {
			if off < 0 {
				continue
			}
			q := &t.Questions[qi]
			q.Answered += int(s.counts[off])
			for j := range q.Options {
				q.Options[j].Count += int(s.counts[off+1+j])
			}
		}
		clear(s.counts)
	}
}

// count adds one ballot's plaintext to its target's aggregate. Anything
// that does not match the target's form is an error, never skipped.
func (c *counter) count(plain []byte) error {
	if len(plain) > 0 && plain[0] == '{' {
		return c.countJSON(plain)
	}
	if len(plain) == 0 || plain[0] != gradesV2 {
		return errBadPlain
	}
	r := reader{p: plain[1:]}
	t := r.bytes()
	if r.bad {
		return errBadPlain
	}
	st, err := c.slot(t)
	if err != nil {
		return err
	}
	p := st.plan
	c.answers = c.answers[:0]
	next := 0
	for n := r.uint(); n > 0 && !r.bad && next >= 0; n-- {
		q, o := r.bytes(), r.bytes()
		next = c.choice(p, next, string(q), string(o))
	}
	for n, from := r.uint(), 0; n > 0 && !r.bad && next >= 0; n-- {
		q, v := r.bytes(), r.uint()
		from = c.score(p, from, string(q), v)
		next = from
	}
	if r.bad || next < 0 || len(r.p) > 0 {
		return errBadPlain
	}
	st.add(c.answers)
	return nil
}

// countJSON counts a ballot sealed as JSON (the first format), with the
// same checks.
func (c *counter) countJSON(plain []byte) error {
	var g Grades
	if err := json.Unmarshal(plain, &g); err != nil {
		return errBadPlain
	}
	st, err := c.slot([]byte(g.Target))
	if err != nil {
		return err
	}
	p := st.plan
	c.answers = c.answers[:0]
	for q, o := range g.Choices {
		if c.choice(p, 0, q, o) < 0 {
			return errBadPlain
		}
	}
	for q, v := range g.Scores {
		if v < 0 || c.score(p, 0, q, uint64(v)) < 0 {
			return errBadPlain
		}
	}
	st.add(c.answers)
	return nil
}

func (c *counter) slot(target []byte) (*slot, error) {
	s := c.slots[string(target)]
	if s == nil {
		return nil, fmt.Errorf("a ballot for unknown target %q", target)
	}
	return s, nil
}

// choice notes option o of question q, looked for from position from on,
// and returns the next position, or -1 if the form has no such answer.
func (c *counter) choice(p *plan, from int, q, o string) int {
	k := find(p.choices, from, q)
	if k < 0 {
		return -1
	}
	j := slices.Index(p.choices[k].options, o)
	if j < 0 {
		return -1
	}
	c.answers = append(c.answers, tally.Answer{Q: p.choices[k].index, V: j})
	return k + 1
}

// score is choice for score questions.
func (c *counter) score(p *plan, from int, q string, v uint64) int {
	k := find(p.scores, from, q)
	if k < 0 || v > uint64(p.scores[k].max) {
		return -1
	}
	c.answers = append(c.answers, tally.Answer{Q: p.scores[k].index, V: int(v)})
	return k + 1
}

// find is the position of id among qs from position from on (ids come in
// order, each at most once), or -1.
func find(qs []planned, from int, id string) int {
	for k := from; k < len(qs); k++ {
		if qs[k].id == id {
			return k
		}
	}
	return -1
}

// reader reads the binary form's uvarints and length-prefixed strings;
// after a read past the end, bad is set and reads return zero values.
type reader struct {
	p   []byte
	bad bool
}

func (r *reader) uint() uint64 {
	v, k := binary.Uvarint(r.p)
	if k <= 0 {
		r.bad = true
		return 0
	}
	r.p = r.p[k:]
	return v
}

func (r *reader) bytes() []byte {
	n := r.uint()
	if r.bad || uint64(len(r.p)) < n {
		r.bad = true
		return nil
	}
	b := r.p[:n]
	r.p = r.p[n:]
	return b
}
