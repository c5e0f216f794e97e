package tally

import (
	"sort"

	"ballot/internal/forms"
)

// Withheld is the decision, made once at counting, of which figures are
// withheld (docs/design.md §3.6). Keys name a target's or a roll-up's question;
// every view and export reads the same decision.
type Withheld map[string]bool

// TargetKey names a target's question.
func TargetKey(target, question string) string { return "t|" + target + "|" + question }

// RollupKey names a roll-up's question.
func RollupKey(r RollupID, question string) string {
	return "r|" + r.Unit + "|" + r.Form + "|" + question
}

// node is the figures of one question of a target or a roll-up.
type node struct {
	key      string
	answered int
	counts   []int // option counts, or the score histogram
	rollup   bool
	parts    []*node
}

// Decide decides what to withhold with fewer than k ballots or answers.
//
// A figure of fewer than k answers is withheld (primary). The published
// figures are sums over nested sets (targets, and roll-ups of subtrees), and
// every target's number of answers is published, so what an observer can
// learn of withheld targets is exactly this: for each published roll-up,
// the sum of its frontier — the withheld targets under it that no smaller
// published roll-up covers. Each withheld target is in one frontier at
// most, and within a frontier a target's option count is pinned exactly
// when a column is 0 or full, or when only one target has answers (the
// Fréchet bounds of a table with known margins). So every published
// roll-up's frontier must hold two targets with answers, k answers in all,
// and every option strictly between none and all; where it does not, the
// smallest published figure whose joining the frontier mends it is
// withheld too — or else the roll-up itself — until nothing changes.
//
// complementary false stops after the primary step; it exists only to show
// that the checker in the tests catches what that would leave derivable.
func Decide(tree *Tree, counted map[string]*Target, rollups map[RollupID]*Rollup, fs map[string]*forms.Form, k int, complementary bool) Withheld {
	w := Withheld{}
	for _, f := range sortedForms(fs) {
		// One node per target and roll-up of the form and question, in one
		// array, found by unit.
		nt, nr := 0, 0
		for _, t := range counted {
			if t.Form == f.ID {
				nt++
			}
		}
		for id := range rollups {
			if id.Form == f.ID {
				nr++
			}
		}
		for qi, q := range f.Questions {
			if q.Type == forms.Text {
				continue
			}
			pool := make([]node, 0, nt+nr)
			targets, ups := make(map[string]*node, nt), make(map[string]*node, nr)
			make := func(t *Target, key string, rollup bool) *node {
				qa := t.Questions[qi]
				pool = append(pool, node{key: key, answered: qa.Answered, rollup: rollup})
				n := &pool[len(pool)-1]
				for _, o := range qa.Options {
					n.counts = append(n.counts, o.Count)
				}
				if qa.Score != nil {
					n.counts = append(n.counts, qa.Score.Histogram...)
				}
				if n.answered < k {
					w[key] = true
				}
				return n
			}
			for id, t := range counted {
				if t.Form == f.ID {
					targets[id] = make(t, TargetKey(id, q.ID), false)
				}
			}
			var parents []*node
			for id, r := range rollups {
				if id.Form == f.ID {
					ups[id.Unit] = make(&r.Target, RollupKey(id, q.ID), true)
					parents = append(parents, ups[id.Unit])
				}
			}
			for unit, p := range ups {
				for _, ch := range tree.Children(unit) {
					if n := targets[ch.ID]; n != nil {
						p.parts = append(p.parts, n)
					}
					if n := ups[ch.ID]; n != nil {
						p.parts = append(p.parts, n)
					}
				}
			}
			if !complementary {
				continue
			}
			// Deepest roll-ups first, then by key: a repeatable decision
			// that mends small subtrees before their ancestors.
			sort.Slice(parents, func(i, j int) bool {
				if a, b := len(parents[i].parts), len(parents[j].parts); a != b {
					return a < b
				}
				return parents[i].key < parents[j].key
			})
			for changed := true; changed; {
				changed = false
				for _, p := range parents {
					if w[p.key] {
						continue
					}
					front := frontier(p, w)
					bad := unsafe(front, k)
					if bad == nil {
						continue
					}
					changed = true
					if c := mender(p, w, bad); c != nil {
						w[c.key] = true
					} else {
						w[p.key] = true
					}
				}
			}
		}
	}
	return w
}

// frontier lists the withheld targets under p that no smaller published
// roll-up covers.
func frontier(p *node, w Withheld) []*node {
	var out []*node
	for _, c := range p.parts {
		switch {
		case !w[c.key]:
		case c.rollup:
			out = append(out, frontier(c, w)...)
		default:
			out = append(out, c)
		}
	}
	return out
}

// problem says what makes a frontier unsafe.
type problem struct {
	few   bool  // fewer than two targets with answers, or fewer than k answers
	empty []int // options nobody in the frontier chose
	full  []int // options everybody in the frontier chose
}

func sumOf(ns []*node) (answered int, counts []int) {
	for _, n := range ns {
		answered += n.answered
		if counts == nil {
			counts = make([]int, len(n.counts))
		}
		for i, c := range n.counts {
			counts[i] += c
		}
	}
	return answered, counts
}

// unsafe returns what is wrong with a frontier, or nil.
func unsafe(front []*node, k int) *problem {
	rows := 0
	for _, n := range front {
		if n.answered > 0 {
			rows++
		}
	}
	if rows == 0 {
		return nil // nothing withheld with answers to protect
	}
	answered, counts := sumOf(front)
	p := &problem{few: rows < 2 || answered < k}
	for i, c := range counts {
		switch c {
		case 0:
			p.empty = append(p.empty, i)
		case answered:
			p.full = append(p.full, i)
		}
	}
	if !p.few && len(p.empty) == 0 && len(p.full) == 0 {
		return nil
	}
	return p
}

// mender is the published figure within p's reach (a part of p, or of a
// withheld roll-up under p) with the fewest answers whose joining p's
// frontier helps with bad; nil if none would.
func mender(p *node, w Withheld, bad *problem) *node {
	var best *node
	var walk func(n *node)
	walk = func(n *node) {
		for _, c := range n.parts {
			if w[c.key] {
				if c.rollup {
					walk(c)
				}
				continue
			}
			adds := []*node{c}
			if c.rollup {
				adds = frontier(c, w)
			}
			if helps(adds, bad) && (best == nil || c.answered < best.answered || c.answered == best.answered && c.key < best.key) {
				best = c
			}
		}
	}
	walk(p)
	return best
}

func helps(adds []*node, bad *problem) bool {
	answered, counts := sumOf(adds)
	if answered == 0 {
		return false
	}
	if bad.few {
		return true
	}
	for _, i := range bad.empty {
		if counts[i] > 0 {
			return true
		}
	}
	for _, i := range bad.full {
		if counts[i] < answered {
			return true
		}
	}
	return false
}

func sortedForms(fs map[string]*forms.Form) []*forms.Form {
	out := make([]*forms.Form, 0, len(fs))
	for _, f := range fs {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
