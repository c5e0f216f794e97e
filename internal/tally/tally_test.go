package tally_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/tally"
)

// world is a random round with known truth.
type world struct {
	units   []rounds.Unit
	forms   map[string]*forms.Form
	counted map[string]*tally.Target
	// truth[target][question] = option counts (choice) or histogram (score)
	truth map[string]map[string][]int
	sums  map[string]map[string]int64
}

func templates() map[string]*forms.Form {
	fs := map[string]*forms.Form{}
	for _, id := range forms.TemplateIDs() {
		f, _ := forms.Template(id)
		fs[id] = &f
	}
	return fs
}

// randomWorld builds a tree (province → districts → grassroots → some
// branches) and casts random ballots; small is the chance that a target
// gets fewer than 3 ballots.
func randomWorld(r *rand.Rand, small float64) *world {
	w := &world{forms: templates(), counted: map[string]*tally.Target{}, truth: map[string]map[string][]int{}, sums: map[string]map[string]int64{}}
	w.units = append(w.units, rounds.Unit{ID: "p", Name: "P", Kind: "province"})
	gforms := []string{"to-chuc-co-so-dang", "diem-100"}
	for d := 0; d < 2+r.IntN(3); d++ {
		did := fmt.Sprintf("d%d", d)
		w.units = append(w.units, rounds.Unit{ID: did, Name: did, Parent: "p", Kind: "district", Form: "tap-the-lanh-dao"})
		for g := 0; g < 2+r.IntN(5); g++ {
			gid := fmt.Sprintf("%s-g%d", did, g)
			w.units = append(w.units, rounds.Unit{ID: gid, Name: gid, Parent: did, Kind: "grassroots", Form: gforms[r.IntN(2)]})
			if r.IntN(3) == 0 {
				for b := 0; b < 1+r.IntN(3); b++ {
					bid := fmt.Sprintf("%s-b%d", gid, b)
					w.units = append(w.units, rounds.Unit{ID: bid, Name: bid, Parent: gid, Kind: "branch", Form: "to-chuc-co-so-dang"})
				}
			}
		}
	}
	for _, u := range w.units {
		if u.Form == "" {
			continue
		}
		f := w.forms[u.Form]
		t := tally.NewTarget(u.ID, f)
		w.counted[u.ID] = t
		w.truth[u.ID], w.sums[u.ID] = map[string][]int{}, map[string]int64{}
		for _, q := range f.Questions {
			n := len(q.Options)
			if q.Type == forms.Score {
				n = q.Max/10 + 1
			}
			w.truth[u.ID][q.ID] = make([]int, n)
		}
		n := 3 + r.IntN(12)
		if r.Float64() < small {
			n = r.IntN(3)
		}
		// a skew per target, so some options are rare
		skew := r.IntN(4)
		for i := 0; i < n; i++ {
			choices, scores := map[string]string{}, map[string]int{}
			for _, q := range f.Questions {
				if !q.Required && r.IntN(3) == 0 {
					continue
				}
				switch q.Type {
				case forms.Choice:
					o := r.IntN(len(q.Options))
					if r.IntN(2) == 0 {
						o = skew % len(q.Options)
					}
					choices[q.ID] = q.Options[o].ID
					w.truth[u.ID][q.ID][o]++
				case forms.Score:
					v := r.IntN(q.Max + 1)
					scores[q.ID] = v
					w.truth[u.ID][q.ID][v/10]++
					w.sums[u.ID][q.ID] += int64(v)
				case forms.Text:
					t.AddText(q.ID)
					w.truth[u.ID][q.ID] = append(w.truth[u.ID][q.ID], 1)
				}
			}
			t.Add(f, choices, scores)
		}
	}
	return w
}

func (w *world) decide(complementary bool) *tally.Counted {
	tree := tally.NewTree(w.units)
	rollups := tally.Rollups(tree, w.counted, w.forms)
	return &tally.Counted{Tree: tree, Forms: w.forms, Source: tally.MapSource{Aggregates: w.counted}, MinGroup: 3,
		Issued: map[string]int{}, Withheld: tally.Decide(tree, w.counted, rollups, w.forms, 3, complementary)}
}

func view(t *testing.T, c *tally.Counted) *tally.View {
	t.Helper()
	v, err := c.View("r1", "")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// below lists the targets of form strictly below unit, by walking the units
// list (independently of the tally's tree).
func (w *world) below(unit, form string) []string {
	var out []string
	for _, u := range w.units {
		if u.Form != form || u.ID == unit {
			continue
		}
		for p := u.Parent; p != ""; {
			if p == unit {
				out = append(out, u.ID)
				break
			}
			next := ""
			for _, x := range w.units {
				if x.ID == p {
					next = x.Parent
				}
			}
			p = next
		}
	}
	return out
}

func figures(q tally.QuestionView) []int {
	var out []int
	for _, o := range q.Options {
		out = append(out, o.Count)
	}
	if q.Score != nil {
		out = append(out, q.Score.Histogram...)
	}
	return out
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestTalliesEqualTheTruth: random ballots with known truth over random
// trees; every published count, percent, mean and roll-up equals the truth,
// and percents sum to 100.00.
func TestTalliesEqualTheTruth(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 40; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		w := randomWorld(r, 0.2)
		v := view(t, w.decide(true))
		for _, tv := range v.Targets {
			for _, q := range tv.Questions {
				if q.Withheld || q.Type == forms.Text {
					continue
				}
				if got, want := figures(q), w.truth[tv.ID][q.ID]; !equal(got, want) {
					t.Fatalf("seed %d target %s question %s: %v, truth %v", seed, tv.ID, q.ID, got, want)
				}
				checkPercents(t, q)
				if q.Score != nil {
					if want := tally.Ratio(w.sums[tv.ID][q.ID], int64(q.Answered)); q.Score.Mean != want {
						t.Fatalf("mean %s, want %s", q.Score.Mean, want)
					}
				}
			}
		}
		rollups := 0
		for _, rv := range v.Rollups {
			targets := w.below(rv.Unit, rv.Form)
			if rv.Targets != len(targets) {
				t.Fatalf("seed %d roll-up %s/%s: %d targets, truth %d", seed, rv.Unit, rv.Form, rv.Targets, len(targets))
			}
			for _, q := range rv.Questions {
				if q.Withheld || q.Type == forms.Text {
					continue
				}
				want := make([]int, len(figures(q)))
				for _, tg := range targets {
					for i, c := range w.truth[tg][q.ID] {
						want[i] += c
					}
				}
				if got := figures(q); !equal(got, want) {
					t.Fatalf("seed %d roll-up %s/%s %s: %v, truth %v", seed, rv.Unit, rv.Form, q.ID, got, want)
				}
				checkPercents(t, q)
				rollups++
			}
		}
		if rollups == 0 {
			t.Fatalf("seed %d: no roll-up was published", seed)
		}
	}
}

func checkPercents(t *testing.T, q tally.QuestionView) {
	t.Helper()
	if len(q.Options) == 0 || q.Answered == 0 {
		return
	}
	sum := 0
	for _, o := range q.Options {
		sum += hundredths(o.Percent)
	}
	if sum != 10000 {
		t.Fatalf("question %s: percents sum to %d hundredths", q.ID, sum)
	}
}

// exposure is a withheld figure that the published ones pin down.
type exposure struct {
	target, question string
	column           int
	how              string
}

// check tries to determine every withheld target figure from everything a
// view publishes — each target's answered count (always shown), published
// target figures and published roll-up sums — by interval propagation
// (with 0 ≤ x ≤ answered) and by linear algebra. It knows nothing of how
// the decision was made.
func check(w *world, v *tally.View) []exposure {
	var found []exposure
	for fid, f := range w.forms {
		for _, q := range f.Questions {
			if q.Type == forms.Text {
				continue
			}
			var targets []string
			answered := map[string]int{}
			published := map[string][]int{}
			for _, tv := range v.Targets {
				if tv.Form != fid {
					continue
				}
				targets = append(targets, tv.ID)
				for _, qv := range tv.Questions {
					if qv.ID == q.ID {
						answered[tv.ID] = qv.Answered
						if !qv.Withheld {
							published[tv.ID] = figures(qv)
						}
					}
				}
			}
			cols := len(w.truth[targets[0]][q.ID])
			index := map[string]int{}
			for i, id := range targets {
				index[id] = i
			}
			type eq struct {
				vars []int
				val  float64
			}
			var eqs []eq
			for _, id := range targets {
				var vars []int
				for j := 0; j < cols; j++ {
					vars = append(vars, index[id]*cols+j)
				}
				eqs = append(eqs, eq{vars, float64(answered[id])})
				if p := published[id]; p != nil {
					for j, c := range p {
						eqs = append(eqs, eq{[]int{index[id]*cols + j}, float64(c)})
					}
				}
			}
			for _, rv := range v.Rollups {
				if rv.Form != fid {
					continue
				}
				for _, qv := range rv.Questions {
					if qv.ID != q.ID || qv.Withheld {
						continue
					}
					for j, c := range figures(qv) {
						var vars []int
						for _, tg := range w.below(rv.Unit, fid) {
							vars = append(vars, index[tg]*cols+j)
						}
						eqs = append(eqs, eq{vars, float64(c)})
					}
				}
			}
			n := len(targets) * cols
			lo, hi := make([]float64, n), make([]float64, n)
			for _, id := range targets {
				for j := 0; j < cols; j++ {
					hi[index[id]*cols+j] = float64(answered[id])
				}
			}
			for changed := true; changed; {
				changed = false
				for _, e := range eqs {
					var sumLo, sumHi float64
					for _, x := range e.vars {
						sumLo += lo[x]
						sumHi += hi[x]
					}
					for _, x := range e.vars {
						if l := e.val - (sumHi - hi[x]); l > lo[x]+1e-9 {
							lo[x], changed = l, true
						}
						if h := e.val - (sumLo - lo[x]); h < hi[x]-1e-9 {
							hi[x], changed = h, true
						}
					}
				}
			}
			rows := make([][]float64, len(eqs))
			for i, e := range eqs {
				rows[i] = make([]float64, n)
				for _, x := range e.vars {
					rows[i][x] = 1
				}
			}
			basis := rref(rows)
			for _, id := range targets {
				if published[id] != nil || answered[id] == 0 {
					continue
				}
				for j := 0; j < cols; j++ {
					x := index[id]*cols + j
					if hi[x]-lo[x] < 0.5 {
						found = append(found, exposure{id, q.ID, j, fmt.Sprintf("bounds [%g, %g]", lo[x], hi[x])})
					} else if inRowSpace(basis, x, n) {
						found = append(found, exposure{id, q.ID, j, "a combination of published sums"})
					}
				}
			}
		}
	}
	return found
}

// rref reduces rows to reduced row echelon form and returns the nonzero
// rows with their pivot columns.
func rref(rows [][]float64) [][]float64 {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows[0])
	r := 0
	for c := 0; c < n && r < len(rows); c++ {
		p := -1
		for i := r; i < len(rows); i++ {
			if math.Abs(rows[i][c]) > 1e-9 && (p < 0 || math.Abs(rows[i][c]) > math.Abs(rows[p][c])) {
				p = i
			}
		}
		if p < 0 {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		pv := rows[r][c]
		for k := range rows[r] {
			rows[r][k] /= pv
		}
		for i := range rows {
			if i != r && math.Abs(rows[i][c]) > 1e-9 {
				f := rows[i][c]
				for k := range rows[i] {
					rows[i][k] -= f * rows[r][k]
				}
			}
		}
		r++
	}
	return rows[:r]
}

// inRowSpace reports whether the unit vector of column x is a combination
// of the reduced rows.
func inRowSpace(basis [][]float64, x, n int) bool {
	v := make([]float64, n)
	v[x] = 1
	for _, row := range basis {
		pc := -1
		for c, a := range row {
			if math.Abs(a) > 1e-9 {
				pc = c
				break
			}
		}
		if pc >= 0 && math.Abs(v[pc]) > 1e-9 {
			f := v[pc]
			for k := range v {
				v[k] -= f * row[k]
			}
		}
	}
	for _, a := range v {
		if math.Abs(a) > 1e-7 {
			return false
		}
	}
	return true
}

// TestNoWithheldFigureCanBeDerived runs the checker over many random rounds:
// with complementary withholding nothing withheld is pinned down; without
// it, the same checker finds withheld figures that the published ones
// reveal.
func TestNoWithheldFigureCanBeDerived(t *testing.T) {
	t.Parallel()
	exposedWithout, withheldCells, publishedRollups := 0, 0, 0
	for seed := uint64(1); seed <= 60; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		w := randomWorld(r, 0.25)
		c := w.decide(true)
		v := view(t, c)
		if ex := check(w, v); len(ex) > 0 {
			t.Fatalf("seed %d: %d withheld figures can be derived, e.g. %s/%s option %d by %s",
				seed, len(ex), ex[0].target, ex[0].question, ex[0].column, ex[0].how)
		}
		for _, tv := range v.Targets {
			for _, q := range tv.Questions {
				if q.Withheld {
					withheldCells++
				}
			}
		}
		for _, rv := range v.Rollups {
			for _, q := range rv.Questions {
				if !q.Withheld && q.Type != forms.Text {
					publishedRollups++
				}
			}
		}
		exposedWithout += len(check(w, view(t, w.decide(false))))
	}
	if withheldCells == 0 || publishedRollups == 0 {
		t.Fatalf("%d withheld, %d published roll-up figures: the test shows nothing", withheldCells, publishedRollups)
	}
	if exposedWithout == 0 {
		t.Fatal("without complementary withholding the checker found nothing: the checker is blind")
	}
	t.Logf("%d withheld question figures safe; %d published roll-up figures; without complementary withholding %d figures were exposed",
		withheldCells, publishedRollups, exposedWithout)
}
