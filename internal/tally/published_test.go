package tally_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/tally"
)

// renamed is w with every unit id prefixed, so children's trees do not
// collide.
func renamed(w *world, prefix string) *world {
	out := &world{forms: w.forms, counted: map[string]*tally.Target{}, truth: map[string]map[string][]int{}, sums: map[string]map[string]int64{}}
	name := func(id string) string {
		if id == "" {
			return ""
		}
		return prefix + id
	}
	for _, u := range w.units {
		u.ID, u.Parent = name(u.ID), name(u.Parent)
		out.units = append(out.units, u)
	}
	for id, t := range w.counted {
		c := *t
		c.ID = name(id)
		out.counted[name(id)] = &c
		out.truth[name(id)] = w.truth[id]
		out.sums[name(id)] = w.sums[id]
	}
	return out
}

// tinyWorld is a province with one district collective and two ballots:
// its roll-up is withheld.
func tinyWorld(prefix string) *world {
	w := &world{forms: templates(), counted: map[string]*tally.Target{}, truth: map[string]map[string][]int{}, sums: map[string]map[string]int64{}}
	w.units = []rounds.Unit{{ID: "p", Name: "P", Kind: "province"}, {ID: "d0", Name: "D", Parent: "p", Kind: "district", Form: "tap-the-lanh-dao"}}
	f := w.forms["tap-the-lanh-dao"]
	t := tally.NewTarget("d0", f)
	w.counted["d0"], w.truth["d0"], w.sums["d0"] = t, map[string][]int{}, map[string]int64{}
	for _, q := range f.Questions {
		w.truth["d0"][q.ID] = make([]int, len(q.Options))
	}
	for i := 0; i < 2; i++ {
		choices := map[string]string{}
		for _, q := range f.Questions {
			if q.Type == forms.Choice {
				choices[q.ID] = q.Options[i].ID
				w.truth["d0"][q.ID][i]++
			}
		}
		t.Add(f, choices, nil)
	}
	return renamed(w, prefix)
}

// figuresSource is a parent's store of its children's published figures.
type figuresSource struct {
	targets, rollups map[string]*tally.Figures
}

func (s figuresSource) Target(id string) (*tally.Figures, error) { return s.targets[id], nil }
func (s figuresSource) Rollup(unit, form string) (*tally.Figures, error) {
	return s.rollups[unit+"|"+form], nil
}

// federation is a parent over children worlds (below two regions), built
// from what each child publishes, and the world of all of them.
func federation(t *testing.T, children []*world) (*tally.Counted, *world) {
	t.Helper()
	all := &world{forms: templates(), counted: map[string]*tally.Target{}, truth: map[string]map[string][]int{}, sums: map[string]map[string]int64{}}
	all.units = []rounds.Unit{{ID: "n", Name: "N", Kind: "central"}, {ID: "r0", Name: "R0", Parent: "n", Kind: "region"}, {ID: "r1", Name: "R1", Parent: "n", Kind: "region"}}
	src := figuresSource{targets: map[string]*tally.Figures{}, rollups: map[string]*tally.Figures{}}
	for i, w := range children {
		c := w.decide(true)
		err := c.WalkFigures("", func(f *tally.Figures) error {
			src.targets[f.Unit] = f
			return nil
		}, func(f *tally.Figures) error {
			src.rollups[f.Unit+"|"+f.Form] = f
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range w.units {
			if u.Parent == "" {
				u.Parent = fmt.Sprintf("r%d", i%2)
			}
			all.units = append(all.units, u)
		}
		for id := range w.counted {
			all.counted[id], all.truth[id], all.sums[id] = w.counted[id], w.truth[id], w.sums[id]
		}
	}
	return &tally.Counted{Tree: tally.NewTree(append([]rounds.Unit(nil), all.units...)), Forms: all.forms, Published: src, MinGroup: 3}, all
}

// TestAParentRevealsNoWithheldChildFigure: parents over random children
// (one of them too small to publish anything) publish, above the
// children, sums of what the children published, withheld wherever a part
// is; the independent checker, given every figure the parent's views show
// (every child's targets and roll-ups and the parent's own roll-ups),
// pins down no withheld figure. A parent that published the true sums
// above the children instead would let the checker derive some.
func TestAParentRevealsNoWithheldChildFigure(t *testing.T) {
	t.Parallel()
	withheldAbove, exposedNaive := 0, 0
	for seed := uint64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewPCG(seed, 31))
		var children []*world
		for i := 0; i < 2+r.IntN(3); i++ {
			children = append(children, renamed(randomWorld(r, 0.25), fmt.Sprintf("c%d-", i)))
		}
		children = append(children, tinyWorld("tiny-"))
		pc, all := federation(t, children)
		v := view(t, pc)
		if ex := check(all, v); len(ex) > 0 {
			t.Fatalf("seed %d: %d withheld figures can be derived from the parent's views, e.g. %s/%s option %d by %s",
				seed, len(ex), ex[0].target, ex[0].question, ex[0].column, ex[0].how)
		}
		// Above the children: published figures are the truth, and a
		// figure with a withheld part is withheld.
		parts := map[string]bool{}
		for _, rv := range v.Rollups {
			for _, q := range rv.Questions {
				if q.Withheld {
					parts[rv.Unit+"|"+rv.Form+"|"+q.ID] = true
				}
			}
		}
		var naive []tally.RollupView
		for _, rv := range v.Rollups {
			if rv.Unit != "n" && rv.Unit != "r0" && rv.Unit != "r1" {
				continue
			}
			for _, q := range rv.Questions {
				anyWithheld := false
				for _, ch := range pc.Tree.Children(rv.Unit) {
					anyWithheld = anyWithheld || parts[ch.ID+"|"+rv.Form+"|"+q.ID]
				}
				if q.Type != forms.Text && q.Withheld != anyWithheld {
					t.Fatalf("seed %d: %s/%s/%s withheld %v, a part withheld %v", seed, rv.Unit, rv.Form, q.ID, q.Withheld, anyWithheld)
				}
				if q.Withheld {
					withheldAbove++
					continue
				}
				if q.Type == forms.Text {
					continue
				}
				want := make([]int, len(figures(q)))
				for _, tg := range all.below(rv.Unit, rv.Form) {
					for j, n := range all.truth[tg][q.ID] {
						want[j] += n
					}
				}
				if !equal(figures(q), want) {
					t.Fatalf("seed %d: %s/%s/%s is %v, the truth %v", seed, rv.Unit, rv.Form, q.ID, figures(q), want)
				}
			}
			// what a parent that reconstructed sums would show
			n := tally.RollupView{Unit: rv.Unit, Form: rv.Form}
			for _, q := range rv.Questions {
				qv := tally.QuestionView{ID: q.ID, Type: q.Type, Answered: q.Answered}
				if q.Type == forms.Choice {
					counts := make([]int, len(all.forms[rv.Form].Question(q.ID).Options))
					for _, tg := range all.below(rv.Unit, rv.Form) {
						for j, c := range all.truth[tg][q.ID] {
							counts[j] += c
						}
					}
					for j, c := range counts {
						qv.Options = append(qv.Options, tally.OptionView{ID: fmt.Sprint(j), Count: c})
					}
				} else {
					qv.Withheld = true
				}
				n.Questions = append(n.Questions, qv)
			}
			naive = append(naive, n)
		}
		shown := *v
		shown.Rollups = append(append([]tally.RollupView(nil), v.Rollups...), naive...)
		exposedNaive += len(check(all, &shown))
	}
	if withheldAbove == 0 {
		t.Fatal("no figure above the children was withheld: the test shows nothing")
	}
	if exposedNaive == 0 {
		t.Fatal("a parent publishing true sums exposed nothing: the checker is blind here")
	}
	t.Logf("%d figures above the children withheld; a naive parent would have exposed %d", withheldAbove, exposedNaive)
}
